"""A dashboard that other machines can reach never runs open: `python -m core dashboard` refuses to start with the
one-line fix, and a `streamlit run --server.address 0.0.0.0` started by hand shows only that line on every page."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from core.jobs.submission import create_analyses
from tests.browser.conftest import ROOT, _free_port, serve_dashboard, wait_idle
from tests.conftest import point_at

pytestmark = [pytest.mark.slow, pytest.mark.browser]
FIX = "bind to 127.0.0.1, or set REELSCOPE_ALLOW_OPEN=1."


def _env(tmp_path, **extra) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'reelscope.db'}", "PYTHONPATH": str(ROOT),
           "REELSCOPE_WATCH_POLL_SECONDS": "0", "HOME": str(tmp_path / "home"), **extra}
    for name in ("REELSCOPE_DEMO", "REELSCOPE_ALLOW_OPEN"):
        if name not in extra:
            env.pop(name, None)
    return env


def _dashboard(tmp_path, *args, **env):
    return subprocess.Popen([sys.executable, "-m", "core", "dashboard", *args], cwd=tmp_path, env=_env(tmp_path, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_dashboard_command_refuses_to_start_open_on_a_network_address(tmp_path):
    process = _dashboard(tmp_path, "--host", "0.0.0.0", "--port", str(_free_port()))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert out == "" and err.count("\n") == 1  # the fix, in one line
    assert err.startswith("ReelScope refuses to run open on address 0.0.0.0") and FIX in err


def _serves(tmp_path, process, port: int) -> bool:
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    return response.status == 200
            except OSError:
                time.sleep(0.3)
        return False
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.parametrize("how", ["sign-in configured", "REELSCOPE_ALLOW_OPEN=1", "loopback"])
def test_the_dashboard_command_starts_with_sign_in_or_when_opened_explicitly_or_on_loopback(tmp_path, how):
    port = _free_port()
    if how == "sign-in configured":
        secrets = tmp_path / "secrets.toml"
        secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\ncookie_secret = "x"\n'
                           'client_id = "c"\nclient_secret = "s"\n'
                           'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n')
        process = _dashboard(tmp_path, "--host", "0.0.0.0", "--port", str(port), "--secrets-file", str(secrets))
    elif how == "loopback":
        process = _dashboard(tmp_path, "--port", str(port))
    else:
        process = _dashboard(tmp_path, "--host", "0.0.0.0", "--port", str(port), REELSCOPE_ALLOW_OPEN="1")
    assert _serves(tmp_path, process, port)


def test_streamlit_run_by_hand_on_every_address_shows_only_the_fix(page, tmp_path, emulator_server):
    with pytest.MonkeyPatch.context() as monkeypatch:
        db = point_at(monkeypatch, f"sqlite:///{tmp_path / 'reelscope.db'}", emulator_server.url)
        create_analyses(["demo_creator"], db=db, start=False)
    with serve_dashboard(_env(tmp_path), tmp_path / "streamlit.log", address="0.0.0.0") as url:
        for path in ("", "/History", "/Results"):
            page.goto(url + path)
            wait_idle(page)
            page.get_by_text(FIX).wait_for()
            assert "demo_creator" not in page.locator('[data-testid="stApp"]').inner_text()
    log = (tmp_path / "streamlit.log").read_text()
    assert log.count("ReelScope refuses to run open on address 0.0.0.0") == 1  # the operator's terminal, once
