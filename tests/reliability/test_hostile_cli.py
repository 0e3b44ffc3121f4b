"""Issue 14 item 5: hostile command lines end with a message and a usage exit code, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.storage.analyses import insert_analyses, list_states

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _core(*args: str | bytes, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env or dict(os.environ),
                          capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("max_reels", ["99999999999999999999", "100001", "-1"])
def test_an_out_of_range_max_reels_exits_2_with_a_message_and_stores_nothing(store_env, max_reels):
    result = _core("analyze", "few_posts", "--max-reels", max_reels)
    assert result.returncode == 2
    assert b"--max-reels" in result.stderr and b"100,000" in result.stderr and b"Traceback" not in result.stderr
    assert list_states(store_env) == []


@pytest.mark.parametrize("args", [("jobs", "--username", b"\xff"), ("export", b"\xff\xfe", "--format", "csv"),
                                  ("analyze", b"caf\xe9")])
def test_arguments_that_are_not_utf8_exit_2_with_a_message(store_env, args):
    result = _core(*args)
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr and b"Traceback" not in result.stderr


def test_jobs_with_an_invalid_username_exits_2(store_env):
    result = _core("jobs", "--username", "bad!name")
    assert result.returncode == 2 and b"Invalid username" in result.stderr and b"Traceback" not in result.stderr


def test_jobs_accepts_an_at_sign_and_any_case(store_env):
    insert_analyses(store_env, ["few_posts"], None, None)
    result = _core("jobs", "--username", "@Few_Posts", "--json")
    assert result.returncode == 0 and result.stdout.count(b"\n") == 1


def test_jobs_piped_into_a_reader_that_went_away_stops_quietly(store_env):
    insert_analyses(store_env, [f"user{i}" for i in range(50)], None, None)
    process = subprocess.Popen([sys.executable, "-m", "core", "jobs", "--json"], cwd=ROOT, env=dict(os.environ),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    process.stdout.close()  # the reader is gone before the first line, as when `| head` has had enough
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 1
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr, stderr.decode()
