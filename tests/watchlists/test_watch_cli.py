"""`python -m core watch …` and `python -m core alerts` as users run them (CONTRACTS §10), in real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.storage.models import Analysis, Watch
from emulator.timeline import tick

ROOT = Path(__file__).resolve().parents[2]
WATCH_KEYS = {"username", "every_seconds", "max_reels", "last_analysis_id", "last_run_at", "next_due_at", "due"}
ALERT_KEYS = {"alert_id", "username", "kind", "analysis_id", "shortcode", "value", "threshold", "created_at"}

pytestmark = pytest.mark.slow


def core(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env or os.environ.copy(),
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_add_list_remove_round_trip(watch_env):
    assert core("watch", "add", "@Few_Posts", "demo_food", "--every", "12h", "--max-reels", "6").returncode == 0
    assert core("watch", "add", "few_posts", "--every", "90m").returncode == 0
    listed = lines(core("watch", "list", "--json"))
    assert [set(item) for item in listed] == [WATCH_KEYS, WATCH_KEYS]
    assert [(w["username"], w["every_seconds"], w["max_reels"], w["due"], w["last_run_at"]) for w in listed] == [
        ("demo_food", 43200, 6, True, None), ("few_posts", 5400, 6, True, None)]
    assert core("watch", "remove", "demo_food").returncode == 0
    assert [w["username"] for w in lines(core("watch", "list", "--json"))] == ["few_posts"]


def test_invalid_names_or_intervals_exit_2_and_store_nothing(watch_env):
    bad_name = core("watch", "add", "few_posts", "not a/name")
    bad_every = core("watch", "add", "few_posts", "--every", "soon")
    assert (bad_name.returncode, bad_every.returncode) == (2, 2)
    assert "a/name" in bad_name.stderr and "soon" in bad_every.stderr
    with watch_env.session() as session:
        assert session.scalar(select(func.count()).select_from(Watch)) == 0


def test_removing_a_name_that_is_not_watched_exits_2(watch_env):
    core("watch", "add", "few_posts")
    result = core("watch", "remove", "few_posts", "demo_food")
    assert result.returncode == 2 and "@demo_food" in result.stderr
    assert [w["username"] for w in lines(core("watch", "list", "--json"))] == ["few_posts"]


def test_run_due_prints_what_analyze_prints_and_nothing_when_none_is_due(watch_env, own_emulator):
    core("watch", "add", "few_posts", "empty_profile")
    first = core("watch", "run-due", "--json")
    assert first.returncode == 0, first.stderr
    assert sorted((x["username"], x["status"], x["error"], x["reels"]) for x in lines(first)) == [
        ("empty_profile", "completed", None, 0), ("few_posts", "completed", None, 3)]
    assert {tuple(sorted(x)) for x in lines(first)} == {
        ("access", "analysis_id", "error", "reels", "status", "username", "withheld_fields")}
    again = core("watch", "run-due", "--json")
    assert (again.returncode, again.stdout) == (0, "")
    listed = {w["username"]: w for w in lines(core("watch", "list", "--json"))}
    assert {listed[x["username"]]["last_analysis_id"] for x in lines(first)} == {x["analysis_id"] for x in lines(first)}


def test_run_due_exits_1_when_a_watch_fails(watch_env):
    core("watch", "add", "few_posts", "private_account")
    result = core("watch", "run-due", "--json")
    assert result.returncode == 1
    assert sorted((x["username"], x["status"]) for x in lines(result)) == [
        ("few_posts", "completed"), ("private_account", "failed")]


def test_two_processes_running_due_watches_at_once_run_each_watch_once(watch_env, own_emulator):
    names = ["few_posts", "demo_food", "demo_travel", "hidden_likes", "feed_videos", "empty_profile"]
    core("watch", "add", *names, "--max-reels", "4")
    own_emulator.latency_ms = 5  # keep the analyses in flight while the other process looks for due watches
    try:
        processes = [subprocess.Popen([sys.executable, "-m", "core", "watch", "run-due", "--json", "--quiet"],
                                      cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, stdin=subprocess.DEVNULL) for _ in range(2)]
        outputs = [p.communicate(timeout=180) for p in processes]
    finally:
        own_emulator.latency_ms = 0
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    printed = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    assert sorted(x["username"] for x in printed) == sorted(names)
    with watch_env.session() as session:
        per_name = dict(session.execute(select(Analysis.username, func.count()).group_by(Analysis.username)).all())
    assert per_name == dict.fromkeys(names, 1)


def test_a_second_snapshot_with_a_new_viral_reel_and_more_followers_raises_both_alerts(watch_env, own_emulator):
    core("watch", "add", "demo_travel", "--every", "30s", "--max-reels", "12")
    assert core("watch", "run-due").returncode == 0
    assert lines(core("alerts", "--json")) == []  # a first snapshot has nothing to compare with
    advanced = tick(own_emulator, "demo_travel", followers_change_pct=8.0, viral_multiple=12.0)
    new_code = advanced.media[0].code if not advanced.media[0].pinned else advanced.media[1].code
    with watch_env.transaction() as session:  # instead of waiting 30 s: the last run started a minute ago
        watch = session.get(Watch, "demo_travel")
        watch.last_run_at = watch.last_run_at.replace(year=watch.last_run_at.year - 1)
    second = core("watch", "run-due", "--json")
    assert second.returncode == 0, second.stderr
    [run] = lines(second)
    alerts = lines(core("alerts", "--json", "--username", "@demo_travel"))
    assert all(ALERT_KEYS <= set(a) for a in alerts)
    by_kind = {a["kind"]: a for a in alerts}
    assert sorted(by_kind) == ["follower_change", "viral_reel"]
    assert (by_kind["viral_reel"]["shortcode"], by_kind["viral_reel"]["analysis_id"]) == (new_code, run["analysis_id"])
    assert by_kind["viral_reel"]["value"] > by_kind["viral_reel"]["threshold"]
    assert (by_kind["follower_change"]["value"], by_kind["follower_change"]["threshold"]) == (8.0, 5.0)
    assert lines(core("alerts", "--json", "--username", "few_posts")) == []


def test_a_viral_new_reel_whose_plays_are_withheld_is_found_on_its_likes(watch_env, own_emulator):
    core("watch", "add", "demo_food", "--max-reels", "10")
    assert core("watch", "run-due").returncode == 0
    tick(own_emulator, "demo_food", followers_change_pct=1.0, viral_multiple=8.0, withhold_plays=True)
    with watch_env.transaction() as session:
        session.get(Watch, "demo_food").last_run_at = None  # due again at once
    assert core("watch", "run-due").returncode == 0
    [alert] = lines(core("alerts", "--json"))
    assert (alert["kind"], alert["metric"]) == ("viral_reel", "likes")
    assert alert["value"] > alert["threshold"]
