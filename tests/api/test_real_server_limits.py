"""Issue 14 items 4 and 6 against real `python -m core api` processes: X-Forwarded-For cannot pick a new
rate-limit bucket, several API processes share one limit through Redis, and a non-ASCII token stops start-up."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Servers:
    def __init__(self, tmp_path: Path, emulator) -> None:
        self.tmp_path = tmp_path
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'api.db'}",
                    "INSTAGRAM_BASE_URL": emulator.url, "REELSCOPE_API_RATE_LIMIT": "3/minute",
                    "PYTHONUNBUFFERED": "1"}
        for name in ("REELSCOPE_DEMO", "REELSCOPE_API_TOKEN", "REELSCOPE_API_TRUSTED_PROXIES", "CELERY_BROKER_URL"):
            self.env.pop(name, None)
        self.processes: list[subprocess.Popen] = []

    def start(self, **env: str) -> str:
        port = _free_port()
        log = self.tmp_path / f"api-{port}.log"
        process = subprocess.Popen([sys.executable, "-m", "core", "api", "--port", str(port)], cwd=ROOT,
                                   env={**self.env, **env}, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        self.processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # wait on the open port: a health request would already count against the limit
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return base
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the API server did not start:\n" + log.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def servers(tmp_path, emulator):
    started = Servers(tmp_path, emulator)
    yield started
    started.stop()


def _statuses(base: str, forwarded_for: list[str]) -> list[int]:
    return [requests.get(f"{base}/api/v1/health", headers={"X-Forwarded-For": ip}, timeout=10).status_code
            for ip in forwarded_for]


def test_x_forwarded_for_from_an_untrusted_client_does_not_open_a_new_bucket(servers):
    base = servers.start()
    assert _statuses(base, ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]) == [200, 200, 200, 429]


def test_x_forwarded_for_counts_when_the_client_is_a_trusted_proxy(servers):
    base = servers.start(REELSCOPE_API_TRUSTED_PROXIES="127.0.0.1")
    assert _statuses(base, ["10.0.0.1"] * 3 + ["10.0.0.2"]) == [200, 200, 200, 200]
    assert _statuses(base, ["10.0.0.1"]) == [429]


def test_api_processes_sharing_a_redis_share_one_limit(servers):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/install-services.sh)")
    from tests.scaleout.conftest import RedisServer

    redis_server = RedisServer(binary)
    try:
        first = servers.start(CELERY_BROKER_URL=redis_server.url())
        second = servers.start(CELERY_BROKER_URL=redis_server.url())
        assert _statuses(first, ["-"] * 2) + _statuses(second, ["-"] * 2) == [200, 200, 200, 429]
    finally:
        redis_server.stop()


def test_a_non_ascii_token_stops_the_server_at_start_up_with_a_message(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'api.db'}", "REELSCOPE_API_TOKEN": "pässwörd"}
    result = subprocess.run([sys.executable, "-m", "core", "api", "--port", str(_free_port())], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "REELSCOPE_API_TOKEN must be printable ASCII" in result.stderr and "Traceback" not in result.stderr
