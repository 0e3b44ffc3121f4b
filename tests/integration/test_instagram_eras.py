"""The main flows against Instagram as it answers since late October 2026 (era 2026-11) and as it answered before
(2026-09): signed-in analyses with plays within the listing floor, the session check, anonymous analyses with their
withheld labels, a route refused mid-run, the refusal shared across processes, and the doctor."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.main import main as cli_main
from core.instagram.scraper import reset_client
from core.instagram.session import delete_session, save_session, session_status
from core.storage.route_refusals import shared_route_memory
from emulator import ERAS, EmulatorServer, Fault
from tests.conftest import DEMO_SESSION_COOKIES, point_at
from tests.integration.test_access import analyse, stored_reels

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=ERAS)
def era_server(request):
    with EmulatorServer(era=request.param) as server:
        yield server


@pytest.fixture
def era(era_server, tmp_path, monkeypatch):
    era_server.clear_faults()
    era_server.reset_requests()
    point_at(monkeypatch, f"sqlite:///{tmp_path / 'reelscope.db'}", era_server.url)
    reset_client()
    yield era_server
    era_server.clear_faults()
    reset_client()


@pytest.fixture
def signed_in(era):
    save_session(DEMO_SESSION_COOKIES)
    reset_client()
    yield era
    delete_session()


def instagram_requests(emulator) -> list:
    return [r for r in emulator.requests if r.endpoint != "cdn"]


@pytest.mark.parametrize("username", ["demo_creator", "few_posts", "feed_videos"])
def test_a_signed_in_analysis_completes_with_plays_within_the_listing_floor(signed_in, store_db, username):
    profile = signed_in.catalogue[username]
    state = analyse(username)
    assert (state.status, state.access, state.access_notice) == ("completed", "logged in as @demo_viewer", None)
    plays = {r.media_id: r.plays for r in stored_reels(store_db, state.analysis_id).values()}
    assert plays == {m.pk: m.play_count for m in profile.videos}
    floor = math.ceil(len(profile.videos) / 12) + 4
    assert len(instagram_requests(signed_in)) <= floor, [(r.path, r.endpoint) for r in signed_in.requests]


def test_the_session_check_says_the_session_works_in_two_requests(era):
    assert session_status(DEMO_SESSION_COOKIES).state == "logged_in"
    assert [r.endpoint for r in era.requests] == ["start", "profile_by_id"]
    assert session_status({"sessionid": "reelscope-expired-session"}).state == "expired"


def test_a_session_check_refused_on_every_route_is_refused_not_expired(era):
    era.add_fault(Fault("feedback_required", endpoint="profile_by_id"))
    era.add_fault(Fault("feedback_required", endpoint="test_login"))
    status = session_status(DEMO_SESSION_COOKIES)
    assert status.state == "refused"
    assert "expired" not in status.message and "needs an update" in status.message


def test_an_anonymous_analysis_completes_with_null_plays_and_its_labels(era):
    state = analyse("few_posts")
    assert (state.status, state.access) == ("completed", "anonymous")
    assert set(state.withheld_fields) == {"plays", "views"}


def test_a_reels_route_refused_mid_run_continues_on_the_next_route_and_is_learned_once(signed_in, store_db):
    signed_in.add_fault(Fault("retired_doc_id", endpoint="reels", path="/api/graphql", after=1))
    profile = signed_in.catalogue["demo_creator"]
    state = analyse("demo_creator")
    assert (state.status, state.access) == ("completed", "logged in as @demo_viewer")
    plays = {r.media_id: r.plays for r in stored_reels(store_db, state.analysis_id).values()}
    assert plays == {m.pk: m.play_count for m in profile.videos}
    learned = {"reels_listing via api/graphql"} | ({"reels_listing via graphql/query"}  # feedback_required there
                                                    if signed_in.era == "2026-11" else set())
    assert set(shared_route_memory().all_refusals()) == learned
    assert not any(r.status == 0 for r in signed_in.requests)


def test_a_refusal_learned_by_one_process_is_skipped_by_another(signed_in, store_db, tmp_path):
    signed_in.add_fault(Fault("retired_doc_id", endpoint="reels", path="/api/graphql"))
    assert analyse("few_posts").status == "completed"
    signed_in.clear_faults()
    signed_in.reset_requests()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "core", "analyze", "few_posts", "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert json.loads(done.stdout.splitlines()[-1])["status"] == "completed", done.stderr
    assert not any(r.endpoint == "reels" and r.path == "/api/graphql" for r in signed_in.requests)
    doctor = subprocess.run([sys.executable, "-m", "core", "doctor", "--json", "--username", "few_posts"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=180)
    rows = {(row["capability"], row["route"]): row for row in json.loads(doctor.stdout)["capabilities"]}
    assert rows[("reels_listing", "api/graphql")]["outcome"] == "skipped"
    assert rows[("reels_listing", "api/graphql")]["refused_since"]


@pytest.fixture
def store_db(era):
    from core.storage.engine import get_database

    return get_database()


def run_doctor_cli(capsys, *args: str) -> tuple[int, dict]:
    code = cli_main(["doctor", "--json", "--username", "demo_creator", *args])
    return code, json.loads(capsys.readouterr().out)


def test_doctor_signed_in_shows_every_route_and_exits_0_within_ten_requests(signed_in, capsys):
    code, report = run_doctor_cli(capsys)
    assert (code, report["session"]) == (0, {"state": "logged_in", "username": "demo_viewer"})
    outcomes = {(row["capability"], row["route"]): row["outcome"] for row in report["capabilities"]}
    refused_in_era = "refused" if signed_in.era == "2026-11" else "works"
    assert outcomes[("session_check", "api/graphql")] == "works"
    assert outcomes[("session_check", "graphql/query")] == refused_in_era
    assert outcomes[("reels_listing", "graphql/query")] == refused_in_era
    assert outcomes[("post_detail", "api/graphql")] == "works"
    assert report["requests"] == len(instagram_requests(signed_in)) <= 10


def test_doctor_anonymous_exits_0_and_1_when_a_capability_has_no_working_route(era, capsys):
    code, report = run_doctor_cli(capsys)
    assert (code, report["session"]["state"]) == (0, "none")
    assert report["requests"] <= 10
    era.add_fault(Fault("retired_doc_id", endpoint="post"))
    code, report = run_doctor_cli(capsys)
    assert code == 1
    assert {row["outcome"] for row in report["capabilities"] if row["capability"] == "post_detail"} == {"refused"}


def test_login_status_says_the_session_works_and_a_refused_check_is_not_called_expired(signed_in, capsys):
    assert cli_main(["login", "--status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "logged_in"
    signed_in.add_fault(Fault("feedback_required", endpoint="profile_by_id"))
    signed_in.add_fault(Fault("feedback_required", endpoint="test_login"))
    assert cli_main(["login", "--status", "--json"]) == 1
    status = json.loads(capsys.readouterr().out)
    assert status["state"] == "refused" and "expired" not in status["message"]


def test_every_signed_in_listing_refused_mid_run_continues_anonymously_and_says_so(signed_in, store_db):
    # the first reels-tab page answers; then every signed-in listing route is refused (both reels routes, the feed)
    signed_in.add_fault(Fault("retired_doc_id", endpoint="reels", after=1))
    signed_in.add_fault(Fault("retired_doc_id", endpoint="feed"))
    profile = signed_in.catalogue["demo_creator"]
    state = analyse("demo_creator")
    assert (state.status, state.access) == ("completed", "logged in as @demo_viewer")
    assert "after 12 posts" in state.access_notice and "read anonymously" in state.access_notice
    reels = stored_reels(store_db, state.analysis_id)
    assert sorted(r.media_id for r in reels.values()) == sorted(m.pk for m in profile.videos)  # each once
    plays = {m.pk: m.play_count for m in profile.videos}
    with_plays = [r for r in reels.values() if r.plays is not None]
    assert len(with_plays) == 12 and all(r.plays == plays[r.media_id] for r in with_plays)
