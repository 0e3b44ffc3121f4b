"""`python -m core login …` / `logout` as a user runs them: subprocesses against the emulator, real files read back."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.main import main
from tests.instagram.login.firefox_profile import write_cookies_sqlite, write_default_firefox_profile

ROOT = Path(__file__).resolve().parents[3]
DEMO_SESSION = "reelscope-demo-session"  # the emulator's built-in session: logs in as demo_viewer
EXPIRED_SESSION = "reelscope-expired-session"
CSRF = "csrf-Tok3n-not-to-be-printed"
INSTAGRAM_ROWS = [
    (".instagram.com", "sessionid", DEMO_SESSION),
    (".instagram.com", "csrftoken", CSRF),
    (".instagram.com", "ds_user_id", "7000000001"),
    ("www.instagram.com", "mid", "ZmlkLW1pZA"),
]
UNRELATED_ROWS = [
    (".example.com", "sessionid", "example-session-value"),
    (".notinstagram.com", "csrftoken", "lookalike-host-value"),
    ("instagram.com.evil.test", "ds_user_id", "suffix-trick-value"),
    (".facebook.com", "datr", "facebook-value"),
]
STORED_LOGIN = {"sessionid": DEMO_SESSION, "csrftoken": CSRF, "ds_user_id": "7000000001", "mid": "ZmlkLW1pZA"}


@pytest.fixture
def cli_env(tmp_path, emulator) -> dict[str, str]:
    """Environment of a `python -m core` subprocess: the emulator, a throwaway session file and HOME."""
    home = tmp_path / "home"
    home.mkdir()
    return {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "INSTAGRAM_BASE_URL": emulator.url,
            "REELSCOPE_SESSION_FILE": str(tmp_path / "config" / "instagram-session.json"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'reelscope.db'}", "REELSCOPE_RATE_LIMIT_SCALE": "0"}


def run_core(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def stored(env: dict[str, str]) -> Path:
    return Path(env["REELSCOPE_SESSION_FILE"])


def assert_no_cookie_value_printed(result: subprocess.CompletedProcess) -> None:
    for value in (DEMO_SESSION, CSRF, "example-session-value", "lookalike-host-value"):
        assert value not in result.stdout + result.stderr


def test_importing_a_firefox_profile_stores_only_its_instagram_cookies_owner_only(tmp_path, cli_env):
    cookies = write_cookies_sqlite(tmp_path / "profile" / "cookies.sqlite", INSTAGRAM_ROWS + UNRELATED_ROWS)
    result = run_core(cli_env, "login", "--from-browser", "firefox", "--cookie-file", str(cookies))
    assert result.returncode == 0, result.stderr
    assert "Logged in as demo_viewer" in result.stdout
    assert json.loads(stored(cli_env).read_text()) == STORED_LOGIN
    assert stat.S_IMODE(stored(cli_env).stat().st_mode) == 0o600
    assert_no_cookie_value_printed(result)


def test_the_default_firefox_profile_is_found_through_profiles_ini(cli_env):
    write_default_firefox_profile(Path(cli_env["HOME"]), INSTAGRAM_ROWS + UNRELATED_ROWS)
    result = run_core(cli_env, "login", "--from-browser", "Firefox")
    assert result.returncode == 0, result.stderr
    assert json.loads(stored(cli_env).read_text()) == STORED_LOGIN


def test_a_profile_folder_can_be_named_instead_of_its_cookie_file(tmp_path, cli_env):
    write_cookies_sqlite(tmp_path / "work-profile" / "cookies.sqlite", INSTAGRAM_ROWS)
    result = run_core(cli_env, "login", "--from-browser", "firefox", "--browser-profile", str(tmp_path / "work-profile"))
    assert result.returncode == 0, result.stderr
    assert json.loads(stored(cli_env).read_text()) == STORED_LOGIN


def test_a_browser_without_an_instagram_login_stores_nothing(tmp_path, cli_env):
    cookies = write_cookies_sqlite(tmp_path / "p" / "cookies.sqlite", UNRELATED_ROWS,
                                   expired=[(".instagram.com", "sessionid", DEMO_SESSION)])
    result = run_core(cli_env, "login", "--from-browser", "firefox", "--cookie-file", str(cookies))
    assert result.returncode == 1
    assert "firefox has no instagram.com cookies" in result.stderr
    assert not stored(cli_env).exists()
    assert_no_cookie_value_printed(result)


def test_a_browser_that_visited_instagram_without_logging_in_stores_nothing(tmp_path, cli_env):
    visitor = [(".instagram.com", "csrftoken", CSRF), (".instagram.com", "mid", "ZmlkLW1pZA")]
    cookies = write_cookies_sqlite(tmp_path / "p" / "cookies.sqlite", visitor)
    result = run_core(cli_env, "login", "--from-browser", "firefox", "--cookie-file", str(cookies))
    assert result.returncode == 1
    assert "firefox has instagram.com cookies but no valid sessionid" in result.stderr
    assert not stored(cli_env).exists()
    assert_no_cookie_value_printed(result)


def test_an_expired_browser_session_is_refused_and_nothing_is_stored(tmp_path, cli_env):
    cookies = write_cookies_sqlite(tmp_path / "p" / "cookies.sqlite", [(".instagram.com", "sessionid", EXPIRED_SESSION)])
    result = run_core(cli_env, "login", "--from-browser", "firefox", "--cookie-file", str(cookies))
    assert result.returncode == 1
    assert "did not accept this session" in result.stderr and "Nothing was stored" in result.stderr
    assert EXPIRED_SESSION not in result.stdout + result.stderr
    assert not stored(cli_env).exists()


def test_a_file_that_is_not_a_firefox_cookie_database_is_refused(tmp_path, cli_env):
    not_cookies = tmp_path / "notes.sqlite"
    not_cookies.write_text("just text\n")
    result = run_core(cli_env, "login", "--from-browser", "firefox", "--cookie-file", str(not_cookies))
    assert result.returncode == 1
    assert "Could not read firefox's cookies" in result.stderr
    assert not stored(cli_env).exists()


def test_a_cookies_json_export_is_imported(tmp_path, cli_env):
    export = tmp_path / "cookies.json"
    export.write_text(json.dumps([{"name": name, "value": value, "domain": host} for host, name, value in
                                  INSTAGRAM_ROWS + UNRELATED_ROWS]))
    result = run_core(cli_env, "login", "--cookies-file", str(export))
    assert result.returncode == 0, result.stderr
    assert "Logged in as demo_viewer" in result.stdout
    assert json.loads(stored(cli_env).read_text()) == STORED_LOGIN
    assert stat.S_IMODE(stored(cli_env).stat().st_mode) == 0o600


def test_a_cookies_file_that_is_not_json_is_refused(tmp_path, cli_env):
    export = tmp_path / "cookies.json"
    export.write_text("{sessionid: oops")
    result = run_core(cli_env, "login", "--cookies-file", str(export))
    assert result.returncode == 1
    assert "not valid JSON" in result.stderr
    assert not stored(cli_env).exists()


def test_status_says_whom_the_stored_session_logs_in_as(cli_env):
    stored(cli_env).parent.mkdir(parents=True)
    stored(cli_env).write_text(json.dumps({"sessionid": DEMO_SESSION}))
    result = run_core(cli_env, "login", "--status")
    assert result.returncode == 0, result.stderr
    assert "Logged in as demo_viewer" in result.stdout
    report = json.loads(run_core(cli_env, "login", "--status", "--json").stdout)
    assert (report["state"], report["username"]) == ("logged_in", "demo_viewer")
    assert report["session_file"] == str(stored(cli_env))


def test_status_detects_an_expired_session_and_says_how_to_fix_it(cli_env):
    stored(cli_env).parent.mkdir(parents=True)
    stored(cli_env).write_text(json.dumps({"sessionid": EXPIRED_SESSION}))
    result = run_core(cli_env, "login", "--status")
    assert result.returncode == 1
    assert "session expired" in result.stdout
    assert "python -m core login --from-browser" in result.stdout
    assert EXPIRED_SESSION not in result.stdout + result.stderr
    assert stored(cli_env).exists()  # a status check never changes the session


def test_status_without_a_session_exits_1(cli_env):
    result = run_core(cli_env, "login", "--status")
    assert result.returncode == 1
    assert "No Instagram session is stored" in result.stdout


def test_status_never_unpickles_a_session_file(cli_env):
    stored(cli_env).parent.mkdir(parents=True)
    stored(cli_env).write_bytes(b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94.")  # a pickled dict
    result = run_core(cli_env, "login", "--status", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["state"] == "unreadable"


def test_status_when_instagram_cannot_be_reached_keeps_the_session(cli_env):
    stored(cli_env).parent.mkdir(parents=True)
    stored(cli_env).write_text(json.dumps({"sessionid": DEMO_SESSION}))
    result = run_core({**cli_env, "INSTAGRAM_BASE_URL": "http://127.0.0.1:9"}, "login", "--status", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["state"] == "unchecked"
    assert stored(cli_env).exists()


def test_logout_removes_the_stored_session(cli_env):
    stored(cli_env).parent.mkdir(parents=True)
    stored(cli_env).write_text(json.dumps({"sessionid": DEMO_SESSION}))
    result = run_core(cli_env, "logout")
    assert result.returncode == 0
    assert "Removed the stored Instagram session" in result.stdout
    assert not stored(cli_env).exists()
    again = run_core(cli_env, "logout")
    assert again.returncode == 0 and "No Instagram session was stored" in again.stdout


@pytest.mark.parametrize("argv, says", [
    (["login"], "one of the arguments"),
    (["login", "--from-browser", "netscape"], "Unknown browser 'netscape'"),
    (["login", "--from-browser", "firefox", "--status"], "not allowed with"),
    (["login", "--status", "--cookie-file", "x.sqlite"], "goes with --from-browser"),
    (["login", "--from-browser", "firefox", "--cookie-file", "/no/such/cookies.sqlite"], "no such profile folder"),
    (["login", "--cookies-file", "/no/such/cookies.json"], "no such file"),
    (["login", "--from-browser", "firefox", "--json"], "--json goes with --status"),
])
def test_bad_usage_exits_2_and_stores_nothing(tmp_path, monkeypatch, capsys, argv, says):
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(tmp_path / "session.json"))
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(argv))
    assert exited.value.code == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "session.json").exists()
