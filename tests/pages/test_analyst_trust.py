"""What an analyst trusts (#22 items 12-18): access shown and kept, growth explained, small samples, filters,
readable numbers, advice that leads somewhere. Real pages through AppTest, on analyses the real scraper stored."""

from __future__ import annotations

import os
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
        assert sorted(table["access"]) == ["anonymous", "logged in as @demo_viewer"], page


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
                                  "created (UTC)"]
    assert row.split("\t")[1:7] == ["@few_posts", "completed", "100%", "3", "emulator", "anonymous"]
