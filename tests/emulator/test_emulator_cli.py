from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _call(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, json.loads(resp.read())


@pytest.mark.slow
def test_python_m_emulator_prints_url_and_serves():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--fault", "503:demo_food:1"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        status, health = _call(url + "/__emulator__/health")
        assert status == 200 and health["status"] == "ok" and "demo_creator" in health["profiles"]
        status, faults = _call(url + "/__emulator__/faults")
        assert faults["faults"][0]["kind"] == "503" and faults["faults"][0]["times"] == 1
        status, _ = _call(url + "/__emulator__/faults", "POST", {"kind": "429", "username": "few_posts"})
        assert status == 201
        assert len(_call(url + "/__emulator__/faults")[1]["faults"]) == 2
        _call(url + "/__emulator__/faults", "DELETE")
        assert _call(url + "/__emulator__/faults")[1]["faults"] == []
        req = urllib.request.Request(url + "/few_posts/", headers={"Host": "www.instagram.com"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert b"xig_user_by_username" in resp.read()
        records = _call(url + "/__emulator__/requests")[1]["requests"]
        assert records[-1]["endpoint"] == "profile_page" and records[-1]["username"] == "few_posts"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_cli_main_parses_faults():
    from emulator.cli import build_parser

    args = build_parser().parse_args(["--port", "0", "--fault", "429", "--fault", "reset:demo_creator:2"])
    assert args.port == 0
    assert [(f.kind, f.username, f.times) for f in args.fault] == [("429", None, None), ("reset", "demo_creator", 2)]


def test_cli_parses_sessions_the_everything_anonymous_mode_and_listing_omissions():
    from emulator.cli import build_parser

    args = build_parser().parse_args(["--session", "abc:def:@Someone", "--everything-anonymous",
                                      "--listing-omit", "play_count", "--fault", "feedback_required"])
    assert args.session == [("abc:def", "someone")]
    assert args.everything_anonymous and args.listing_omit == ["play_count"]
    assert args.fault[0].kind == "feedback_required"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--session", "no-username"])


@pytest.mark.slow
@pytest.mark.parametrize("era, answer", [("2026-09", (200, "alice")), ("2026-11", (400, "feedback_required"))])
def test_python_m_core_emulator_logs_in_a_configured_session_and_answers_test_login_as_its_era(era, answer):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "core", "emulator", "--port", "0", "--session", "s3cret:alice",
                             "--era", era], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        req = urllib.request.Request(url + "/graphql/query/?query_hash=d6f4427fbe92d846298cf93df0b937d3&variables=%7B%7D",
                                     headers={"Host": "www.instagram.com", "Cookie": "sessionid=s3cret"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, body = resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as error:
            status, body = error.code, json.loads(error.read())
        said = body["data"]["user"]["username"] if status == 200 else body["message"]
        assert (status, said) == answer
    finally:
        proc.terminate()
        proc.wait(timeout=10)
