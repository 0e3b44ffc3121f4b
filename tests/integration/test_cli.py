"""`python -m core …` as a user runs it: a separate process, the emulator over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def run_core(args, env, timeout=120):
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def cli_env(tmp_path, emulator):
    env = dict(os.environ)
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "INSTAGRAM_BASE_URL": emulator.url,
                "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_MAX_ATTEMPTS": "1"})
    env.pop("REELSCOPE_DEMO", None)
    return env


def _count_analyses(env) -> int:
    engine = create_engine(env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM analyses")).scalar_one()
    except Exception:  # noqa: BLE001 - no database file yet means nothing stored
        return 0
    finally:
        engine.dispose()


def test_analyze_prints_one_json_line_per_username_and_exits_0(cli_env, emulator):
    result = run_core(["analyze", "few_posts", "@Demo_Food", "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["username"], x["status"], x["error"]) for x in lines] == [
        ("few_posts", "completed", None), ("demo_food", "completed", None)]
    assert [x["reels"] for x in lines] == [len(emulator.catalogue["few_posts"].videos),
                                           len(emulator.catalogue["demo_food"].videos)]
    assert all(len(x["analysis_id"]) == 36 for x in lines)
    assert "%" in result.stderr  # progress lines
    assert [(x["access"], x["withheld_fields"]) for x in lines] == [("anonymous", ["plays", "views"])] * 2
    assert "@few_posts: Instagram withheld plays, views from this anonymous analysis" in result.stderr


def test_analyze_exits_1_when_one_profile_fails_and_says_why_on_stderr(cli_env):
    result = run_core(["analyze", "few_posts", "private_account", "--json"], cli_env)
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x["status"] for x in lines] == ["completed", "failed"]
    assert "private" in lines[1]["error"]
    assert "private_account" in result.stderr


def test_an_invalid_username_exits_2_and_stores_nothing(cli_env):
    result = run_core(["analyze", "few_posts", "bad..name"], cli_env)
    assert result.returncode == 2
    assert "bad..name" in result.stderr and ".." in result.stderr
    assert _count_analyses(cli_env) == 0


def test_bad_usage_exits_2(cli_env):
    assert run_core(["analyze"], cli_env).returncode == 2
    assert run_core(["analyze", "x", "--max-reels", "many"], cli_env).returncode == 2


def test_max_reels_limits_the_fetch(cli_env):
    result = run_core(["analyze", "demo_creator", "--max-reels", "3", "--json"], cli_env)
    assert json.loads(result.stdout)["reels"] == 3


def test_emulator_command_prints_its_url_first(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "core", "emulator", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        import requests
        assert requests.get(url + "/__emulator__/health", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
