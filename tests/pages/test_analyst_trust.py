"""What an analyst trusts (#22 items 12-18): access shown and kept, growth explained, small samples, filters,
readable numbers, advice that leads somewhere. Real pages through AppTest, on analyses the real scraper stored."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from core.jobs.submission import create_analyses, wait_for
from tests.conftest import demo_session
from tests.pages.conftest import ROOT, open_page


def analyse(db, name: str = "few_posts", logged_in: bool = False):
    if logged_in:
        with demo_session():
            [state] = wait_for(create_analyses([name], db=db), db=db, timeout=60)
    else:
        [state] = wait_for(create_analyses([name], db=db), db=db, timeout=60)
    assert state.status == "completed", state.error
    return state


# --- 12. access is part of an analysis ---------------------------------------------------------------------------

def test_history_and_home_list_each_analysis_with_its_access(empty_store):
    analyse(empty_store, logged_in=True)
    analyse(empty_store)
    for page in ("pages/3_History.py", "streamlit_app.py"):
        at = open_page(page)
        assert not at.exception, at.exception
        table = at.dataframe[0].value
        assert sorted(table["access"]) == ["anonymous", "logged in"], page  # History's details name the account


def test_history_warns_before_a_re_run_that_would_change_access(empty_store):
    analyse(empty_store, logged_in=True)  # no session stored now: a re-run would be anonymous
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("This analysis ran logged in as @demo_viewer; a re-run now would run anonymous, "
                              "without plays or views")
    assert "log in on the **Instagram login** page" in warning


def test_history_says_nothing_about_access_when_a_re_run_keeps_it(empty_store):
    analyse(empty_store)
    at = open_page("pages/3_History.py")
    assert not at.warning


def test_jobs_lists_access_under_a_header_row(empty_store):
    analyse(empty_store)
    result = subprocess.run([sys.executable, "-m", "core", "jobs"], cwd=ROOT, env=dict(os.environ),
                            capture_output=True, text=True, timeout=60)
    header, row = result.stdout.splitlines()
    assert header.split("\t") == ["analysis_id", "username", "status", "progress", "reels", "source", "access",
                                  "created (UTC)", "requested by"]
    assert row.split("\t")[1:7] == ["@few_posts", "completed", "100%", "3", "emulator", "anonymous"]


# --- 13. growth without numbers -----------------------------------------------------------------------------------

def test_history_says_why_plays_growth_is_blank_when_both_snapshots_are_anonymous(empty_store):
    analyse(empty_store)
    analyse(empty_store)
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    assert any(i.value.startswith("Plays growth per reel is blank: both snapshots ran anonymously") for i in at.info)
    assert not any("plays_growth" in df.value.columns for df in at.dataframe)


def test_history_cards_compare_the_same_two_snapshots_and_say_no_change_in_grey(empty_store):
    from sqlalchemy import update

    from core.storage.models import ProfileSnapshot

    snapshots = [analyse(empty_store, logged_in=True) for _ in range(3)]
    for state, followers in zip(snapshots, (100, 230, 230), strict=True):
        with empty_store.transaction() as session:
            session.execute(update(ProfileSnapshot).where(ProfileSnapshot.analysis_id == state.analysis_id)
                            .values(followers=followers, following=50 + followers))
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    followers = at.metric[0].proto
    assert (followers.body, followers.delta) == ("230", "no change")  # against the second snapshot, not the first
    assert (followers.color, followers.direction) == (2, 2)  # grey (color off), no arrow
    baseline = next(c.value for c in at.caption if c.value.startswith("Changes are between the two most recent"))
    assert snapshots[1].finished_at.strftime("%Y-%m-%d %H:%M") in baseline
    per_reel = next(df for df in at.dataframe if "plays_growth" in df.value.columns)
    assert per_reel.value["plays_growth"].tolist() == [0, 0, 0]
    columns = json.loads(per_reel.proto.columns)
    assert {name: columns[name]["label"] for name in ("plays_before", "plays_growth", "plays_growth_per_day")} == {
        "plays_before": "Plays before", "plays_growth": "Plays gained", "plays_growth_per_day": "Gained per day"}
    assert all(columns[name]["type_config"]["format"] == "localized" for name in ("plays_before", "plays_growth"))


# --- 18. advice that leads somewhere ------------------------------------------------------------------------------

def test_an_anonymous_demo_analysis_advises_the_demo_access_switch_not_logging_in(empty_store, monkeypatch):
    from core.instagram.demo import stop_demo

    state = analyse(empty_store)  # anonymous, from the emulator
    monkeypatch.setenv("REELSCOPE_DEMO", "1")
    try:
        at = open_page("pages/1_Results.py", {"analysis": state.analysis_id})
        assert not at.exception, at.exception
        [warning] = [w.value for w in at.warning]
        assert "Switch **Demo access** in the sidebar" in warning and "Log in to Instagram" not in warning
        assert "Log in to Instagram" not in [e.proto.label for e in at.get("page_link")]
    finally:
        stop_demo()


def test_the_notice_never_says_plays_fall_back_to_views_when_views_are_withheld_too(empty_store):
    state = analyse(empty_store)
    assert set(state.withheld_fields) == {"plays", "views"}
    at = open_page("pages/1_Results.py", {"analysis": state.analysis_id})
    [warning] = [w.value for w in at.warning]
    assert "fall back to views" not in warning
    assert "Metrics that need plays are left blank, and the engagement tiers (likes and comments) are used" in warning


def test_the_cli_against_the_emulator_is_told_its_demo_session_not_to_import_firefox_cookies(empty_store):
    result = subprocess.run([sys.executable, "-m", "core", "analyze", "few_posts"], cwd=ROOT, env=dict(os.environ),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "firefox" not in result.stderr.lower()
    assert 'save {"sessionid": "reelscope-demo-session"} to a file and run `python -m core login --cookies-file FILE`' \
        in result.stderr


# --- 16. filters and cards ----------------------------------------------------------------------------------------

def test_with_a_filter_set_the_kpi_cards_describe_the_reels_shown_and_say_so(seeded_store):
    from core.storage import analyses as store
    from tests.pages.conftest import open_filters, open_tab
    from ui.text import fmt_count

    analysis = next(s for s in store.list_states(seeded_store, username="demo_creator") if s.status == "completed")
    at = open_tab(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id}), analysis.analysis_id,
                  "Reels table")
    total = len(at.dataframe[0].value)
    assert at.metric[0].label == "Reels analysed" and at.metric[0].value == str(total)
    open_filters(at, analysis.analysis_id)
    at.multiselect(key=f"f-tiers-{analysis.analysis_id}").select("viral").run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert (at.metric[0].label, at.metric[0].value) == ("Reels shown", f"{len(shown)} of {total}")
    median = shown["effective_plays"].dropna().median()
    assert at.metric[1].value == fmt_count(median)
    assert any(c.value.startswith(f"These figures are of the {len(shown)} reels that match the filters (of {total})")
               for c in at.caption)


# --- 15. small samples --------------------------------------------------------------------------------------------

def test_posting_times_add_weekday_and_hour_totals_with_a_best_slot_sentence(seeded_store):
    from core.storage import analyses as store
    from tests.pages.conftest import open_tab

    analysis = next(s for s in store.list_states(seeded_store, username="demo_creator") if s.status == "completed")
    at = open_tab(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id}), analysis.analysis_id,
                  "Posting times")
    assert not at.exception, at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert titles[0].startswith("Posting times (UTC)")
    assert any(t.startswith("By weekday (UTC)") for t in titles) and any(t.startswith("By hour of day") for t in titles)
    weekday = next(s for s in specs if s["layout"]["title"]["text"].startswith("By weekday"))
    assert sum(int(t.split()[0]) for t in weekday["data"][0]["text"] if t) == analysis.reels_stored
    sentences = [c.value for c in at.caption if c.value.startswith(("Best weekday", "No best weekday"))]
    assert len(sentences) == 1


# --- 17. readable numbers and columns -----------------------------------------------------------------------------

def test_health_shows_a_readable_utc_time_not_a_raw_iso_timestamp(empty_store):
    at = open_page("pages/4_Health.py")
    assert not at.exception, at.exception
    [checked] = [c.value for c in at.caption if "checked at" in c.value]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", checked.split("checked at ")[1])


def test_usernames_in_the_analyses_tables_are_wide_enough_not_to_be_cut(empty_store):
    analyse(empty_store)
    at = open_page("pages/3_History.py")
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["username"]["width"] == 170
