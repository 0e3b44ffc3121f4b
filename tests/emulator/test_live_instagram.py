"""The emulator's default: how live Instagram answers instaloader 4.16 anonymously and logged in."""

from __future__ import annotations

import json

import instaloader
import pytest
import requests

from emulator import EmulatorServer
from emulator.server import BUSINESS_PROFILE_INFO_ERROR, DEMO_SESSION_ID, EXPIRED_SESSION_ID
from tests.emulator.conftest import make_loader, redirect_instagram_to


@pytest.fixture(scope="module")
def live_server():
    with EmulatorServer(sessions={"extra-session-value": "someone_else"}, era="2026-09") as server:
        yield server


@pytest.fixture
def live(live_server):
    live_server.reset_requests()
    redirect_instagram_to(live_server.url)
    yield live_server
    redirect_instagram_to(None)


def logged_in_loader(sessionid: str = DEMO_SESSION_ID) -> instaloader.Instaloader:
    loader = make_loader()
    loader.context.update_cookies({"sessionid": sessionid, "ds_user_id": "7000000001"})
    return loader


def test_anonymous_reels_tab_is_null_so_instaloaders_get_reels_fails(live):
    profile = instaloader.Profile.from_username(make_loader().context, "demo_travel")
    with pytest.raises(TypeError):
        next(iter(profile.get_reels()))


def test_anonymous_posts_carry_no_play_or_view_counts(live):
    post = next(iter(instaloader.Profile.from_username(make_loader().context, "demo_travel").get_posts()))
    assert "play_count" not in post._node and "view_count" not in post._node


def test_web_profile_info_answers_400_for_business_accounts(live):
    response = requests.get(f"{live.url}/api/v1/users/web_profile_info/", params={"username": "demo_shop"},
                            headers={"Host": "www.instagram.com", "x-ig-app-id": "936619743392459"}, timeout=5)
    assert response.status_code == 400
    assert response.json()["message"] == BUSINESS_PROFILE_INFO_ERROR


def test_the_logged_out_timeline_carries_only_codes(live):
    page = make_loader().context.get_page_data("demo_travel/")
    user = next(d["xig_user_by_username"] for d in page
                if "polaris_ordered_timeline_connection" in d["xig_user_by_username"])
    node = user["polaris_ordered_timeline_connection"]["edges"][0]["node"]
    assert set(node) == {"code", "pk", "id", "__typename"}


def test_test_login_names_a_known_session_and_nobody_for_an_expired_one(live):
    assert logged_in_loader().test_login() == "demo_viewer"
    assert logged_in_loader("extra-session-value").test_login() == "someone_else"
    assert logged_in_loader(EXPIRED_SESSION_ID).test_login() is None


def test_every_request_instaloader_makes_logged_in_is_answered(live):
    loader = logged_in_loader()
    loader.context.username = "demo_viewer"
    profile = instaloader.Profile.from_username(loader.context, "few_posts")
    assert profile.followers == live.catalogue["few_posts"].followers  # the profile query
    assert "s320x320" in profile.profile_pic_url  # i.instagram.com users/<id>/info/
    reels = list(profile.get_reels())  # reels tab, then a detail request per reel on graphql/query
    assert [r.video_play_count for r in reels] == [m.play_count for m in live.catalogue["few_posts"].videos]
    posts = list(profile.get_posts())  # the logged-in timeline on api/graphql, with fb_dtsg from the start page
    assert len(posts) == live.catalogue["few_posts"].media_count
    assert posts[0]._iphone_struct["code"] == posts[0].shortcode  # i.instagram.com media/<id>/info/
    assert {r.status for r in live.requests} == {200}
    assert {"profile_by_id", "iphone", "reels", "post", "feed", "start", "profile_page"} <= \
        {r.endpoint for r in live.requests}


def test_logged_in_listings_carry_complete_media_dicts(live):
    loader = logged_in_loader()
    loader.context.username = "demo_viewer"
    answer = loader.context.doc_id_graphql_query("7845543455542541", {"data": {
        "page_size": 12, "include_feed_video": True,
        "target_user_id": live.catalogue["few_posts"].user_id}})
    media = answer["data"]["xdt_api__v1__clips__user__connection_v2"]["edges"][0]["node"]["media"]
    assert {"code", "pk", "taken_at", "caption", "like_count", "comment_count", "play_count", "view_count",
            "video_duration", "product_type", "clips_tab_pinned_user_ids",
            "like_and_view_counts_disabled"} <= set(media)


def test_everything_anonymous_mode_answers_anonymous_visitors_as_before():
    with EmulatorServer(everything_anonymous=True, era="2026-09") as server:
        redirect_instagram_to(server.url)
        try:
            reels = list(instaloader.Profile.from_username(make_loader().context, "demo_shop").get_reels())
        finally:
            redirect_instagram_to(None)
    assert [r.video_play_count for r in reels] == [m.play_count for m in server.catalogue["demo_shop"].videos]


def test_listing_omit_leaves_a_field_out_of_listing_nodes_only():
    with EmulatorServer(listing_omit=("taken_at",), era="2026-09") as server:
        redirect_instagram_to(server.url)
        try:
            loader = logged_in_loader()
            loader.context.username = "demo_viewer"
            user_id = server.catalogue["few_posts"].user_id
            answer = loader.context.doc_id_graphql_query("7845543455542541", {"data": {
                "page_size": 12, "include_feed_video": True, "target_user_id": user_id}})
            media = answer["data"]["xdt_api__v1__clips__user__connection_v2"]["edges"][0]["node"]["media"]
            detail = instaloader.Post.from_shortcode(loader.context, media["code"])
        finally:
            redirect_instagram_to(None)
    assert "taken_at" not in media and "like_count" in media
    assert detail._node["taken_at"] > 0


def test_unknown_listing_fields_are_refused():
    with pytest.raises(ValueError, match="unknown listing fields"):
        EmulatorServer(listing_omit=("plays",))


def test_a_lone_surrogate_is_sent_escaped_in_the_json():
    from emulator.instagram import dumps

    text = dumps({"caption": "Half an emoji \ud83d here"})
    assert "\\ud83d" in text
    assert json.loads(text)["caption"] == "Half an emoji \ud83d here"
    text.encode("utf-8")  # sendable
