"""Each fault Instagram can throw, injected by the emulator, through the real instaloader and the job."""

from __future__ import annotations

import pytest

from core.jobs.submission import create_analyses, wait_for
from emulator import Fault


def analyse(name, **kwargs):
    [state] = wait_for(create_analyses([name], **kwargs), timeout=120)
    return state


@pytest.mark.parametrize("kind, endpoint", [
    ("429", "reels"), ("429", "post"), ("429", "profile_page"),
    ("500", "post"), ("503", "reels"),
    ("reset", "post"), ("reset", "reels"),
    ("malformed", "post"), ("truncated", "reels"),
])
def test_a_transient_fault_is_retried_and_the_analysis_completes_with_every_reel(retrying_env, emulator, kind,
                                                                                  endpoint):
    emulator.add_fault(Fault(kind, username="few_posts", endpoint=endpoint, times=2))
    state = analyse("few_posts")
    assert (state.status, state.error) == ("completed", None)
    assert state.reels_stored == len(emulator.catalogue["few_posts"].videos)
    assert sum(1 for r in emulator.requests if r.fault == kind) == 2


def test_a_fault_that_lasts_beyond_the_attempts_fails_with_the_right_kind(retrying_env, emulator):
    emulator.add_fault(Fault("503", username="few_posts", endpoint="post"))
    state = analyse("few_posts")
    assert (state.status, state.error_kind) == ("failed", "network")
    assert sum(1 for r in emulator.requests if r.fault == "503") == 4


@pytest.mark.parametrize("kind, error_kind", [
    ("429", "rate_limited"), ("401_wait", "rate_limited"), ("malformed", "bad_response"),
    ("reset", "network"), ("login", "login_required"),
])
def test_a_persistent_fault_fails_the_analysis_with_its_kind_and_a_sentence(store_env, emulator, kind, error_kind):
    emulator.add_fault(Fault(kind, username="few_posts", endpoint="post"))
    state = analyse("few_posts")
    assert (state.status, state.error_kind) == ("failed", error_kind)
    assert state.error.endswith(".") and "Exception" not in state.error


def test_a_failure_mid_job_keeps_earlier_analyses_untouched(store_env, emulator):
    first = analyse("few_posts")
    emulator.add_fault(Fault("500", username="few_posts", endpoint="post", after=1))
    second = analyse("few_posts")
    assert second.status == "failed"
    from core.storage.analyses import get_state
    again = get_state(store_env, first.analysis_id)
    assert (again.status, again.reels_stored) == ("completed", first.reels_stored)
    assert get_state(store_env, second.analysis_id).reels_stored == 0


def test_a_rate_limit_wait_is_shown_with_its_resume_time(retrying_env, emulator, monkeypatch):
    monkeypatch.setenv("REELSCOPE_RETRY_BASE_SECONDS", "0.6")
    monkeypatch.setenv("REELSCOPE_RETRY_MAX_SECONDS", "0.6")
    emulator.add_fault(Fault("429", username="few_posts", endpoint="post", times=1))
    messages = []
    ids = create_analyses(["few_posts"])
    wait_for(ids, timeout=60, poll=0.05, on_poll=lambda states: messages.append(states[0].message))
    waits = [m for m in messages if m and m.startswith("Instagram rate limit: waiting, resumes at")]
    assert waits, messages


def test_retry_after_from_instagram_is_honoured(retrying_env, emulator, monkeypatch):
    import time
    monkeypatch.setenv("REELSCOPE_RATE_LIMIT_SCALE", "0.01")  # Retry-After 60 s → 0.6 s
    emulator.add_fault(Fault("429", username="few_posts", endpoint="post", times=1, retry_after=60))
    started = time.monotonic()
    state = analyse("few_posts")
    assert state.status == "completed"
    assert time.monotonic() - started >= 0.6


def test_job_log_lines_are_json_with_the_analysis_id(store_env, emulator, tmp_path, monkeypatch):
    import json
    import logging

    from core.logs import AnalysisIdFilter, JsonLineFormatter

    log_file = tmp_path / "jobs.log"
    handler = logging.FileHandler(log_file)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(AnalysisIdFilter())
    logging.getLogger("reelscope").addHandler(handler)
    try:
        state = analyse("few_posts")
    finally:
        logging.getLogger("reelscope").removeHandler(handler)
        handler.close()
    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    mine = [e for e in entries if e["analysis_id"] == state.analysis_id]
    assert [e["message"] for e in mine][:1] == ["analysis started"]
    assert "analysis completed" in [e["message"] for e in mine]


def test_concurrent_analyses_share_one_rate_budget(store_env, emulator, monkeypatch):
    from core.instagram.scraper import get_client

    # A budget of 10 detail queries per window: four profiles capped at 3 reels each stay under it one by
    # one, so only a shared budget has to wait, and it must.
    monkeypatch.setenv("REELSCOPE_RATE_BUDGET_SCALE", "0.05")
    client = get_client()
    controller = client.context._rate_controller
    states = wait_for(create_analyses(["few_posts", "demo_creator", "demo_travel", "demo_food"], max_reels=3),
                      timeout=120)
    assert [s.status for s in states] == ["completed"] * 4
    assert get_client() is client
    detail_queries = sum(1 for r in emulator.requests if r.endpoint == "post")
    assert detail_queries >= 12  # anonymous: one per timeline post until 3 videos are found
    assert controller.waits >= 2


def test_a_permanently_malformed_profile_page_is_bad_response_not_a_missing_profile(retrying_env, emulator):
    emulator.add_fault(Fault("malformed", username="few_posts", endpoint="profile_page"))
    state = analyse("few_posts")
    assert (state.status, state.error_kind) == ("failed", "bad_response")


def test_a_profile_page_malformed_once_is_retried_and_completes(retrying_env, emulator):
    emulator.add_fault(Fault("malformed", username="few_posts", endpoint="profile_page", times=1))
    state = analyse("few_posts")
    assert (state.status, state.reels_stored) == ("completed", len(emulator.catalogue["few_posts"].videos))


def test_a_profile_instagram_answers_404_for_is_not_found_at_once(store_env, emulator):
    state = analyse("nobody_by_this_name")
    assert (state.status, state.error_kind) == ("failed", "not_found")
    assert [r.endpoint for r in emulator.requests] == ["profile_page"]
