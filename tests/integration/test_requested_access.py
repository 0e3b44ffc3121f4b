"""Access is part of what an analysis is: an analysis asked to run anonymously does so even when a session is
stored, a re-run keeps the original's access, a cached answer is reused only for the same access, and `jobs`
shows access and who asked."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

from streamlit.testing.v1 import AppTest

from core.jobs.submission import access_asked_for, create_analyses, submit_analyses, wait_for
from core.storage import analyses as store
from tests.conftest import demo_session
from tests.pages.conftest import MAIN

HOUR = timedelta(hours=1)


def test_an_analysis_asked_to_run_anonymously_ignores_the_stored_session(store_env):
    with demo_session():
        [anonymous] = wait_for(create_analyses(["few_posts"], db=store_env, requested_access="anonymous"),
                               db=store_env, timeout=60)
        [logged_in] = wait_for(create_analyses(["few_posts"], db=store_env), db=store_env, timeout=60)
    assert (anonymous.access, anonymous.requested_access) == ("anonymous", "anonymous")
    assert logged_in.access == "logged in as @demo_viewer"


def test_a_cached_answer_is_reused_only_for_the_same_access(store_env):
    with demo_session():
        [first] = wait_for(create_analyses(["few_posts"], db=store_env), db=store_env, timeout=60)
        [same] = submit_analyses(["few_posts"], db=store_env, reuse_within=HOUR)
        [other] = submit_analyses(["few_posts"], db=store_env, reuse_within=HOUR, requested_access="anonymous")
    assert same.reused and same.analysis_id == first.analysis_id
    assert not other.reused and other.analysis_id != first.analysis_id
    wait_for([other.analysis_id], db=store_env, timeout=60)
    [again] = submit_analyses(["few_posts"], db=store_env, reuse_within=HOUR, requested_access="anonymous")
    assert again.reused and again.analysis_id == other.analysis_id


def test_a_rerun_keeps_the_access_of_the_original(store_env):
    [anonymous] = wait_for(create_analyses(["few_posts"], db=store_env, requested_access="anonymous"),
                           db=store_env, timeout=60)
    assert access_asked_for(anonymous) == "anonymous"
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.switch_page("pages/3_History.py")
    at.run()
    [rerun] = [b for b in at.button if b.label == "Re-run"]
    rerun.click().run()
    newest = store.list_states(store_env)[0]
    assert newest.analysis_id != anonymous.analysis_id
    assert (newest.requested_access, newest.requested_by) == ("anonymous", "dashboard")


def test_an_analysis_that_ran_anonymously_before_access_was_recorded_reruns_anonymously(store_env):
    [old] = wait_for(create_analyses(["few_posts"], db=store_env), db=store_env, timeout=60)
    assert (old.requested_access, old.access) == (None, "anonymous")
    assert access_asked_for(old) == "anonymous"


def test_jobs_shows_access_and_who_asked(store_env):
    [analysis_id] = create_analyses(["few_posts"], db=store_env, requested_access="anonymous", requested_by="cli")
    wait_for([analysis_id], db=store_env, timeout=60)
    out = subprocess.run([sys.executable, "-m", "core", "jobs", "--json"], capture_output=True, text=True, check=True)
    [line] = [json.loads(line) for line in out.stdout.splitlines()]
    assert (line["access"], line["requested_access"], line["requested_by"]) == ("anonymous", "anonymous", "cli")
    text = subprocess.run([sys.executable, "-m", "core", "jobs"], capture_output=True, text=True, check=True).stdout
    header, row = (line.split("\t") for line in text.splitlines())
    columns = dict(zip(header, row, strict=True))
    assert (columns["access"], columns["requested by"]) == ("anonymous", "cli")


def test_the_command_line_records_cli(store_env):
    out = subprocess.run([sys.executable, "-m", "core", "analyze", "few_posts", "--json"], capture_output=True,
                         text=True)
    analysis_id = json.loads(out.stdout.splitlines()[0])["analysis_id"]
    assert store.get_state(store_env, analysis_id).requested_by == "cli"
