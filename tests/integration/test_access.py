"""Anonymous and logged-in analyses through the real instaloader against the emulator's live-Instagram default."""

from __future__ import annotations

import math

import pytest

from core.instagram.scraper import SESSION_EXPIRED_NOTICE, reset_client
from core.instagram.session import save_session
from core.jobs.submission import create_analyses, wait_for
from emulator import EmulatorServer, Fault


def analyse(name, **kwargs):
    [state] = wait_for(create_analyses([name], **kwargs), timeout=120)
    return state


def stored_reels(db, analysis_id):
    from sqlalchemy import select

    from core.storage.models import Reel

    with db.session() as session:
        return {r.media_id: r for r in session.scalars(select(Reel).where(Reel.analysis_id == analysis_id))}


def endpoints(emulator) -> list[str]:
    return [r.endpoint for r in emulator.requests]


def test_anonymous_analysis_falls_back_from_the_null_reels_tab_to_the_timeline_with_null_plays(store_env, emulator):
    profile = emulator.catalogue["demo_travel"]
    state = analyse("demo_travel")
    assert (state.status, state.error) == ("completed", None)
    reels = stored_reels(store_env, state.analysis_id)
    assert set(reels) == {m.pk for m in profile.videos}
    assert {(r.plays, r.views) for r in reels.values()} == {(None, None)}
    assert {r.likes for r in reels.values()} != {None}
    assert (state.access, state.withheld_fields, state.access_notice) == ("anonymous", ("plays", "views"), None)
    assert "reels" in endpoints(emulator) and "web_profile_info" not in endpoints(emulator)


def test_anonymous_analysis_costs_at_most_one_request_per_post_plus_its_pages(store_env, emulator):
    posts = emulator.catalogue["demo_travel"].media_count
    analyse("demo_travel")
    assert len(emulator.requests) <= posts + math.ceil(posts / 12) + 4


@pytest.mark.parametrize("username", ["demo_shop", "local_bakery"])
def test_business_accounts_complete_anonymously_although_web_profile_info_answers_400(store_env, emulator,
                                                                                        username):
    state = analyse(username)
    assert (state.status, state.error) == ("completed", None)
    assert state.reels_stored == len(emulator.catalogue[username].videos)
    assert "web_profile_info" not in endpoints(emulator)


def test_logged_in_analysis_reads_complete_listings_without_a_single_detail_request(store_env, emulator, logged_in):
    profile = emulator.catalogue["demo_creator"]
    state = analyse("demo_creator")
    assert (state.status, state.access, state.withheld_fields) == ("completed", "logged in as @demo_viewer", ())
    reels = stored_reels(store_env, state.analysis_id)
    assert {pk: r.plays for pk, r in reels.items()} == {m.pk: m.play_count for m in profile.videos}
    assert "post" not in endpoints(emulator)
    assert len(emulator.requests) <= math.ceil(len(profile.videos) / 12) + 4


def test_a_field_the_listing_lacks_costs_one_detail_request_per_reel(store_env, monkeypatch):
    with EmulatorServer(listing_omit=("play_count",)) as emulator:
        monkeypatch.setenv("INSTAGRAM_BASE_URL", emulator.url)
        save_session({"sessionid": "reelscope-demo-session", "ds_user_id": "7000000001"})
        reset_client()
        try:
            profile = emulator.catalogue["few_posts"]
            state = analyse("few_posts")
        finally:
            reset_client()
        assert state.status == "completed"
        reels = stored_reels(store_env, state.analysis_id)
        assert {pk: r.plays for pk, r in reels.items()} == {m.pk: m.play_count for m in profile.videos}
        assert endpoints(emulator).count("post") == len(profile.videos)


@pytest.mark.parametrize("omitted", [("media_type",), ("image_versions2", "product_type")])
def test_fields_a_reel_does_not_need_cost_no_detail_request(store_env, monkeypatch, omitted):
    with EmulatorServer(listing_omit=omitted) as emulator:
        monkeypatch.setenv("INSTAGRAM_BASE_URL", emulator.url)
        save_session({"sessionid": "reelscope-demo-session", "ds_user_id": "7000000001"})
        reset_client()
        try:
            state = analyse("feed_videos")
        finally:
            reset_client()
        assert (state.status, state.reels_stored) == ("completed", len(emulator.catalogue["feed_videos"].videos))
        assert "post" not in endpoints(emulator)


def test_an_expired_stored_session_runs_anonymously_and_says_so(store_env, emulator):
    save_session({"sessionid": "reelscope-expired-session", "ds_user_id": "7000000009"})
    reset_client()
    try:
        state = analyse("few_posts")
    finally:
        reset_client()
    assert (state.status, state.access) == ("completed", "anonymous")
    assert state.access_notice == SESSION_EXPIRED_NOTICE
    assert "plays are missing" in state.access_notice


def test_a_session_that_expires_between_analyses_is_noticed_at_the_null_reels_tab(store_env, emulator, logged_in):
    assert analyse("few_posts").access == "logged in as @demo_viewer"
    saved = dict(emulator.sessions)
    emulator.sessions.clear()
    try:
        state = analyse("few_posts")
    finally:
        emulator.sessions.update(saved)
    assert (state.status, state.access, state.access_notice) == ("completed", "anonymous", SESSION_EXPIRED_NOTICE)
    assert state.reels_stored == len(emulator.catalogue["few_posts"].videos)


@pytest.mark.parametrize("fault, endpoint, error_kind, attempts, words", [
    ("401_wait", "post", "rate_limited", 4, "wait a few minutes"),
    ("403", "post", "forbidden", 1, "403"),
    ("feedback_required", "post", "soft_blocked", 2, "soft-blocked"),  # once per post-detail route
    ("retired_doc_id", "post", "route_refused", 2, "ReelScope needs an update"),
])
def test_each_instagram_failure_has_one_kind_and_sentence_and_a_400_is_not_retried(retrying_env, emulator, fault,
                                                                                   endpoint, error_kind, attempts,
                                                                                   words):
    emulator.add_fault(Fault(fault, username="few_posts", endpoint=endpoint))
    state = analyse("few_posts")
    assert (state.status, state.error_kind) == ("failed", error_kind)
    assert words in state.error and state.error.endswith(".")
    assert sum(1 for r in emulator.requests if r.fault == fault) == attempts


def test_a_reels_tab_retired_on_every_route_leaves_the_anonymous_analysis_to_the_posts_timeline(store_env, emulator):
    emulator.add_fault(Fault("retired_doc_id", username="few_posts", endpoint="reels"))
    state = analyse("few_posts")
    assert (state.status, state.reels_stored) == ("completed", len(emulator.catalogue["few_posts"].videos))
    assert sum(1 for r in emulator.requests if r.fault == "retired_doc_id") == 2


def test_403_on_logged_in_graphql_query_is_forbidden(store_env, emulator, logged_in):
    emulator.add_fault(Fault("403", username="few_posts", endpoint="reels"))
    state = analyse("few_posts")
    assert (state.status, state.error_kind) == ("failed", "forbidden")


def test_an_unpaired_surrogate_in_a_caption_is_stored_as_a_replacement_character(store_env, emulator):
    state = analyse("broken_emoji")
    assert state.status == "completed"
    captions = [r.caption for r in stored_reels(store_env, state.analysis_id).values()]
    assert "Half an emoji \ufffd here #broken" in captions
    expected = {m.caption for m in emulator.catalogue["broken_emoji"].videos} - {"Half an emoji \ud83d here #broken"}
    assert expected <= set(captions)  # every other caption is stored exactly


def test_exports_and_the_api_say_how_instagram_was_reached_and_what_it_withheld(store_env, emulator):
    import csv
    import io
    import json

    from fastapi.testclient import TestClient

    from api.app import create_app
    from core.exports.documents import ExportOptions, data_dictionary, export_bytes

    state = analyse("few_posts")
    document = json.loads(export_bytes(store_env, state.analysis_id, ExportOptions(format="json")))
    assert (document["analysis"]["access"], document["analysis"]["withheld_fields"]) == \
        ("anonymous", ["plays", "views"])
    assert {r["plays"] for r in document["reels"]} == {None}
    text = export_bytes(store_env, state.analysis_id, ExportOptions(format="csv")).decode("utf-8-sig")
    header = {row[0]: row[1] for row in csv.reader(io.StringIO(text.split("\n\n")[0])) if len(row) == 2}
    assert (header["access"], header["withheld by Instagram"]) == ("anonymous", "plays, views")
    assert "anonymous visitors" in data_dictionary(["plays"])["plays"]["description"]
    with TestClient(create_app()) as client:
        analysis = client.get(f"/api/v1/analyses/{state.analysis_id}").json()
        summary = client.get(f"/api/v1/analyses/{state.analysis_id}/summary").json()
    assert (analysis["access"], analysis["withheld_fields"]) == ("anonymous", ["plays", "views"])
    assert (summary["access"], summary["top_reels_ranked_by"]) == ("anonymous", "engagement_rate")
