"""A real API server (``python -m core api``) and a real Prometheus server scraping it, each on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "reelscope-rules.yml"
TOKEN = "metrics-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, headers: dict | None = None,
                  timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, headers=headers or {}, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{url} did not come up:\n{log.read_text()}")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class ApiServer:
    base: str
    env: dict
    database_path: Path


@pytest.fixture
def api_server(tmp_path, emulator):
    port = free_port()
    database_path = tmp_path / "store.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database_path}", "INSTAGRAM_BASE_URL": emulator.url,
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_MAX_ATTEMPTS": "1", "REELSCOPE_API_TOKEN": TOKEN,
           "PYTHONUNBUFFERED": "1"}
    env.pop("REELSCOPE_DEMO", None)
    env.pop("REELSCOPE_METRICS_PUBLIC", None)
    log = tmp_path / "api.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "core", "api", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/api/v1/health", process, log, headers={"Authorization": f"Bearer {TOKEN}"})
    yield ApiServer(base, env, database_path)
    stop(process)


@dataclass
class Prometheus:
    base: str

    def query(self, expr: str) -> list[dict]:
        answer = requests.get(f"{self.base}/api/v1/query", params={"query": expr}, timeout=10).json()
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def alerts(self) -> list[dict]:
        return requests.get(f"{self.base}/api/v1/alerts", timeout=10).json()["data"]["alerts"]


def start_prometheus(tmp_path: Path, target: str, token: str | None) -> tuple[Prometheus, subprocess.Popen]:
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: run scripts/install-system-deps.sh (Debian package prometheus)"
    port = free_port()
    authorization = f"\n    authorization:\n      credentials: {token}" if token else ""
    config = tmp_path / "prometheus.yml"
    config.write_text(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - {RULES}
scrape_configs:
  - job_name: reelscope-api
    scrape_interval: 1s{authorization}
    static_configs:
      - targets: ["{target}"]
""")
    log = tmp_path / "prometheus.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                                    f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/-/ready", process, log)
    return Prometheus(base), process


@pytest.fixture
def prometheus(tmp_path, api_server):
    """Prometheus scraping the API's /metrics every second with the API token, evaluating deploy/prometheus rules."""
    server, process = start_prometheus(tmp_path, api_server.base.removeprefix("http://"), TOKEN)
    yield server
    stop(process)
