"""The real server: `python -m core api` under uvicorn on a free port, driven over HTTP like a user's script."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "real-server-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path, emulator):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'api.db'}", "INSTAGRAM_BASE_URL": emulator.url,
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_MAX_ATTEMPTS": "1", "REELSCOPE_API_TOKEN": TOKEN,
           "PYTHONUNBUFFERED": "1"}
    env.pop("REELSCOPE_DEMO", None)
    log = open(tmp_path / "server.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "core", "api", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/api/v1/health", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the API server did not start:\n" + (tmp_path / "server.log").read_text())
        time.sleep(0.2)
    yield base, env
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.mark.slow
def test_submit_poll_reels_and_export_over_real_http(server):
    base, env = server
    http = requests.Session()
    assert http.get(f"{base}/api/v1/health", timeout=10).status_code == 401
    http.headers["Authorization"] = f"Bearer {TOKEN}"

    submitted = http.post(f"{base}/api/v1/analyses", json={"usernames": ["@few_posts"]}, timeout=10)
    assert submitted.status_code == 202, submitted.text
    analysis_id = submitted.json()["analyses"][0]["analysis_id"]

    deadline = time.monotonic() + 120
    while (state := http.get(f"{base}/api/v1/analyses/{analysis_id}", timeout=10).json())["status"] in (
            "pending", "processing"):
        assert time.monotonic() < deadline, state
        time.sleep(0.2)
    assert state["status"] == "completed" and state["progress"] == 100, state

    page = http.get(f"{base}/api/v1/analyses/{analysis_id}/reels", params={"limit": 2}, timeout=10).json()
    rest = http.get(f"{base}/api/v1/analyses/{analysis_id}/reels",
                    params={"limit": 2, "cursor": page["next_cursor"]}, timeout=10).json()
    assert len(page["reels"]) == 2 and len(rest["reels"]) == 1 and rest["next_cursor"] is None

    fields = "shortcode,media_id,url,likes,comments,plays,views,duration,posted_at,hashtags,mentions"
    export = http.get(f"{base}/api/v1/analyses/{analysis_id}/export",
                      params={"format": "csv", "plain": "true", "fields": fields}, timeout=30)
    assert export.status_code == 200
    assert export.headers["content-disposition"].startswith('attachment; filename="reelscope_few_posts_')
    assert export.headers["content-disposition"].endswith('.csv"')
    cli = subprocess.run([sys.executable, "-m", "core", "export", analysis_id, "--format", "csv", "--plain",
                          "--fields", fields], cwd=ROOT, env=env, capture_output=True, timeout=60, check=True)
    assert export.content == cli.stdout
    assert export.content.count(b"\n") == 4  # header + 3 reels

    full = http.get(f"{base}/api/v1/analyses/{analysis_id}/export", params={"format": "csv"}, timeout=30)
    assert full.status_code == 200 and full.content.startswith("\ufeff".encode())
    assert http.get(f"{base}/openapi.json", timeout=10).json()["info"]["title"] == "ReelScope API"
