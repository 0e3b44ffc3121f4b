"""Every analysis records where its data came from; reuse and KPI deltas never mix sources."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import update

from core.instagram import data_source
from core.jobs.submission import submit_analyses, wait_for
from core.settings import load_settings
from core.storage.analyses import get_state, latest_completed
from core.storage.models import Analysis

ROOT = Path(__file__).resolve().parents[2]


class _NotAnEmulator(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = b'{"origin": "something-else"}' if self.path == data_source.ORIGIN_PROBE_PATH else b"{}"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_origin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotAnEmulator)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_no_base_url_means_instagram_and_no_probe_is_made(monkeypatch):
    monkeypatch.delenv("INSTAGRAM_BASE_URL", raising=False)
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    assert data_source.current_data_source() == "instagram"


def test_demo_mode_is_the_emulator_without_asking_it(monkeypatch):
    monkeypatch.setenv("REELSCOPE_DEMO", "1")
    monkeypatch.setenv("INSTAGRAM_BASE_URL", "http://127.0.0.1:9")  # nothing listens: no probe may be needed
    assert data_source.current_data_source() == "emulator"


def test_the_built_in_emulator_identifies_itself(emulator):
    assert data_source.identify_origin(emulator.url) == "emulator"
    assert emulator.requests == []  # the probe is not an Instagram request


def test_any_other_origin_is_other(other_origin):
    assert data_source.identify_origin(other_origin) == "other"
    assert data_source.identify_origin("http://127.0.0.1:9") == "other"  # nothing answers


def test_an_analysis_against_another_origin_is_stored_as_other(store_env, other_origin, monkeypatch):
    monkeypatch.setenv("INSTAGRAM_BASE_URL", other_origin)
    assert data_source.current_data_source(load_settings()) == "other"


def test_cli_analyze_against_the_emulator_records_emulator_everywhere(store_env, emulator, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": load_settings().database_url, "INSTAGRAM_BASE_URL": emulator.url,
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_COLUMNS_DIR": str(tmp_path / "columns"),
           "REELSCOPE_LOG_FILE": str(tmp_path / "log.jsonl"), "REELSCOPE_SESSION_FILE": str(tmp_path / "none.json")}
    analysed = subprocess.run([sys.executable, "-m", "core", "analyze", "few_posts", "--json"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    assert analysed.returncode == 0, analysed.stderr
    analysis_id = json.loads(analysed.stdout.splitlines()[0])["analysis_id"]
    jobs = subprocess.run([sys.executable, "-m", "core", "jobs", "--json"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    [job] = [json.loads(line) for line in jobs.stdout.splitlines()]
    assert job["analysis_id"] == analysis_id and job["data_source"] == "emulator"
    state = get_state(store_env, analysis_id)
    assert state.data_source == "emulator" and state.is_demo


def test_reuse_never_answers_from_another_data_source(store_env):
    [first] = submit_analyses(["few_posts"])
    wait_for([first.analysis_id], timeout=60)
    with store_env.transaction() as session:  # as if it had been scraped from live Instagram
        session.execute(update(Analysis).where(Analysis.id == first.analysis_id)
                        .values(data_source="instagram", is_demo=False))
    assert latest_completed(store_env, "few_posts", None, "emulator") is None
    [again] = submit_analyses(["few_posts"], reuse_within=timedelta(minutes=60))
    assert not again.reused and again.analysis_id != first.analysis_id
    wait_for([again.analysis_id], timeout=60)
    [third] = submit_analyses(["few_posts"], reuse_within=timedelta(minutes=60))
    assert third.reused and third.analysis_id == again.analysis_id
