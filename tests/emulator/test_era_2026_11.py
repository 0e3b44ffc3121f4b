"""Era 2026-11: how the emulator answers instaloader 4.16 as Instagram has since late October 2026 (notes 6-8 of
emulator/server.py, instagram_monitor v4.1/v4.2 release notes)."""

from __future__ import annotations

import instaloader
import pytest
from instaloader.exceptions import AbortDownloadException, QueryReturnedNotFoundException

from core.instagram import queries
from emulator import EmulatorServer
from emulator.server import DEMO_SESSION_ID
from tests.emulator.conftest import make_loader, redirect_instagram_to


@pytest.fixture(scope="module")
def newest():
    with EmulatorServer(era="2026-11") as server:
        redirect_instagram_to(server.url)
        yield server
        redirect_instagram_to(None)


def signed_in() -> instaloader.Instaloader:
    loader = make_loader()
    loader.context.update_cookies({"sessionid": DEMO_SESSION_ID, "ds_user_id": "7000000001"})
    loader.context.username = "demo_viewer"
    return loader


def test_every_signed_in_graphql_query_request_is_refused_with_feedback_required(newest):
    with pytest.raises(AbortDownloadException, match="feedback_required"):
        signed_in().context.graphql_query("d6f4427fbe92d846298cf93df0b937d3", {})
    assert signed_in().test_login() is None  # what instaloader's test_login makes of it: "not logged in"
    user_id = newest.catalogue["few_posts"].user_id
    with pytest.raises(AbortDownloadException, match="feedback_required"):
        next(iter(queries.reels_tab(signed_in().context, user_id, "few_posts", web_api=False)))


def test_the_web_app_endpoint_serves_the_signed_in_reels_tab_with_its_tokens(newest):
    profile = newest.catalogue["few_posts"]
    nodes = list(queries.reels_tab(signed_in().context, profile.user_id, "few_posts", web_api=True))
    assert [n["code"] for n in nodes] == [m.code for m in profile.videos]
    assert all("play_count" in n for n in nodes)
    assert [r.path for r in newest.requests[-2:]] == ["/", "/api/graphql"]  # start page for lsd/fb_dtsg, then the query


def test_the_anonymous_profile_lookup_is_gone_and_anonymous_graphql_query_still_answers(newest):
    with pytest.raises(QueryReturnedNotFoundException):
        queries.web_profile_info(make_loader().context, "few_posts")
    with pytest.raises(queries.ListingUnavailable):  # null for anonymous visitors, as before: not a refusal
        queries.reels_tab(make_loader().context, newest.catalogue["few_posts"].user_id, "few_posts", web_api=False)
