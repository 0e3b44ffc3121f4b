"""Issue 22 item 10: deep-nested cookies JSON and a session file that is a folder give a message, never a
traceback (CLI, login page, `login --status --json` says `unreadable`)."""

from __future__ import annotations

import json

import pytest

from core.cli.main import main
from core.instagram.session import InvalidSession, load_session, parse_session_input, stored_session_status

DEEP_LIST = "[" * 30000 + "]" * 30000
DEEP_OBJECT = '{"a":' * 8000 + "1" + "}" * 8000


@pytest.mark.parametrize("text", [DEEP_LIST, DEEP_OBJECT])
def test_deep_nested_cookies_json_is_refused_with_a_sentence(text):
    with pytest.raises(InvalidSession, match="nested too deeply"):
        parse_session_input(text)


def test_login_cookies_file_with_deep_nesting_exits_1_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(tmp_path / "session.json"))
    cookies = tmp_path / "cookies.json"
    cookies.write_text(DEEP_LIST)
    assert main(["login", "--cookies-file", str(cookies)]) == 1
    err = capsys.readouterr().err
    assert "nested too deeply" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "session.json").exists()


@pytest.mark.parametrize("content", ["folder", DEEP_LIST, "not json", "\udcff"])
def test_a_session_file_that_cannot_be_read_is_unreadable(tmp_path, monkeypatch, capsys, content):
    session = tmp_path / "session.json"
    if content == "folder":
        session.mkdir()
    else:
        session.write_bytes(content.encode("utf-8", "surrogateescape"))
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(session))
    assert load_session() is None
    assert stored_session_status().state == "unreadable"
    assert main(["login", "--status", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["state"] == "unreadable"

