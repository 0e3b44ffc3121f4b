"""Re-analysing a profile within the reuse window answers from the store; refresh scrapes again."""

from datetime import timedelta

from core.jobs.submission import submit_analyses, wait_for
from tests.conftest import demo_session


def test_a_recent_analysis_is_reused_instead_of_scraping_again(store_env, emulator):
    [first] = submit_analyses(["few_posts"])
    wait_for([first.analysis_id], timeout=60)
    emulator.reset_requests()
    [again] = submit_analyses(["@Few_Posts"], reuse_within=timedelta(minutes=60))
    assert again.reused and again.analysis_id == first.analysis_id
    assert emulator.requests == []


def test_refresh_or_another_reel_cap_scrapes_again(store_env, emulator):
    [first] = submit_analyses(["few_posts"])
    wait_for([first.analysis_id], timeout=60)
    [refreshed] = submit_analyses(["few_posts"], reuse_within=None)
    [capped] = submit_analyses(["few_posts"], max_reels=1, reuse_within=timedelta(minutes=60))
    assert not refreshed.reused and refreshed.analysis_id != first.analysis_id
    assert not capped.reused
    wait_for([refreshed.analysis_id, capped.analysis_id], timeout=60)


def test_a_failed_analysis_is_never_reused(store_env):
    [failed] = submit_analyses(["private_account"])
    wait_for([failed.analysis_id], timeout=60)
    [again] = submit_analyses(["private_account"], reuse_within=timedelta(minutes=60))
    assert not again.reused
    wait_for([again.analysis_id], timeout=60)


def test_a_logged_in_analysis_never_answers_an_anonymous_request_nor_the_reverse(store_env, emulator):
    with demo_session():
        [logged_in] = submit_analyses(["few_posts"])
        wait_for([logged_in.analysis_id], timeout=60)
    [anonymous] = submit_analyses(["few_posts"], reuse_within=timedelta(minutes=60))  # session removed
    assert not anonymous.reused
    [done] = wait_for([anonymous.analysis_id], timeout=60)
    assert done.access == "anonymous"
    [again] = submit_analyses(["few_posts"], reuse_within=timedelta(minutes=60))
    assert again.reused and again.analysis_id == anonymous.analysis_id
    with demo_session():
        [logged_in_again] = submit_analyses(["few_posts"], reuse_within=timedelta(minutes=60))
    assert logged_in_again.reused and logged_in_again.analysis_id == logged_in.analysis_id
