"""Every request instaloader sends is counted by capability, route and outcome: the transport's classification,
and real instaloader runs against the emulator."""

from __future__ import annotations

import pytest

from core.jobs.owners import process_owner
from core.jobs.pipeline import run_analysis
from core.observability import instagram_requests
from core.observability.instagram_requests import (
    INSTAGRAM_REQUESTS,
    classify_request,
    outcome_of,
    record_instagram_request,
)
from core.storage.analyses import insert_analyses
from emulator.server import Fault


@pytest.mark.parametrize(("url", "body", "expected"), [
    ("https://www.instagram.com/api/v1/users/web_profile_info/?username=few_posts", None,
     ("profile", "web_profile_info")),
    ("https://i.instagram.com/api/v1/users/web_profile_info/?username=few_posts", None,
     ("profile", "web_profile_info")),
    ("https://www.instagram.com/few_posts/", None, ("profile", "profile_page")),
    ("https://www.instagram.com/graphql/query?doc_id=7845543455542541&variables=%7B%7D", None,
     ("reels_listing", "graphql_query")),
    ("https://www.instagram.com/graphql/query", b"variables=%7B%7D&doc_id=27128499623469141",
     ("post_detail", "graphql_query")),
    ("https://www.instagram.com/api/graphql", "doc_id=29104886249145907&variables=%7B%7D",
     ("posts_listing", "api_graphql")),
    ("https://www.instagram.com/graphql/query/?query_hash=d6f4427fbe92d846298cf93df0b937d3&variables=%7B%7D", None,
     ("session_check", "graphql_query")),
    ("https://www.instagram.com/api/v1/clips/user/", None, ("reels_listing", "clips_user")),
    ("https://www.instagram.com/api/v1/feed/user/123/", None, ("posts_listing", "feed_user")),
    ("https://www.instagram.com/api/v1/media/31/info/", None, ("post_detail", "media_info")),
    ("https://scontent-ams2-1.cdninstagram.com/v/t51/a.jpg", None, ("media", "cdn")),
    ("https://www.instagram.com/graphql/query?doc_id=1", None, ("other", "graphql_query")),
])
def test_a_request_is_classified_by_capability_and_route(url, body, expected):
    assert classify_request(url, body) == expected


@pytest.mark.parametrize(("status", "location", "expected"), [
    (200, None, "ok"), (404, None, "ok"), (429, None, "rate_limited"), (400, None, "refused"),
    (401, None, "refused"), (403, None, "refused"), (302, "https://www.instagram.com/accounts/login/?next=/", "refused"),
    (302, "/", "refused"), (302, "https://www.instagram.com/auth_platform/recaptcha/", "refused"),
    (301, "https://www.instagram.com/few_posts/", "ok"), (500, None, "error"), (560, None, "error"),
])
def test_an_answer_is_an_outcome(status, location, expected):
    assert outcome_of(status, location) == expected


def test_an_unknown_outcome_is_refused_and_counts_nothing():
    with pytest.raises(ValueError, match="outcome must be one of ok, rate_limited, refused, error"):
        record_instagram_request("profile", "web_profile_info", "great")


def counts() -> dict[tuple[str, str, str], float]:
    return {(s.labels["capability"], s.labels["route"], s.labels["outcome"]): s.value
            for metric in INSTAGRAM_REQUESTS.collect() for s in metric.samples if s.name.endswith("_total")}


def delta(before: dict, after: dict) -> dict:
    return {key: value - before.get(key, 0) for key, value in after.items() if value - before.get(key, 0)}


def test_an_analysis_counts_each_request_instaloader_sent(store_env, emulator):
    instagram_requests.take_unsaved()
    before = counts()
    [analysis_id] = insert_analyses(store_env, ["few_posts"], None, process_owner())
    assert run_analysis(analysis_id, store_env) == "completed"
    counted = delta(before, counts())
    assert sum(counted.values()) == len(emulator.requests)
    endpoints = [r.endpoint for r in emulator.requests]
    expected = {("profile", "profile_page", "ok"): endpoints.count("profile_page"),
                ("other", "start_page", "ok"): endpoints.count("start"),
                ("reels_listing", "api_graphql", "ok"): endpoints.count("reels"),  # the web app's route first
                ("post_detail", "api_graphql", "ok"): endpoints.count("post")}
    assert counted == {key: count for key, count in expected.items() if count}
    assert counted[("post_detail", "api_graphql", "ok")] == 5  # one detail request per reel of few_posts
    assert {outcome for (_, _, outcome) in counted} == {"ok"}
    # Tallies for the store: the housekeeping loop may already have saved some of them (a race, not a loss).
    assert sum(instagram_requests.take_unsaved().values()) <= sum(counted.values())


def test_a_429_counts_as_rate_limited_and_a_403_as_refused(store_env, emulator):
    emulator.add_fault(Fault("429", username="few_posts", endpoint="profile_page"))
    before = counts()
    [analysis_id] = insert_analyses(store_env, ["few_posts"], None, process_owner())
    run_analysis(analysis_id, store_env)
    assert delta(before, counts())[("profile", "profile_page", "rate_limited")] >= 1

    emulator.clear_faults()
    emulator.add_fault(Fault("403", username="few_posts", endpoint="profile_page"))
    before = counts()
    [analysis_id] = insert_analyses(store_env, ["few_posts"], None, process_owner())
    run_analysis(analysis_id, store_env)
    assert delta(before, counts())[("profile", "profile_page", "refused")] >= 1
