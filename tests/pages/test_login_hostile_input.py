"""Issue 22 item 10 on the login page: deep-nested cookies JSON gets a message, never a traceback."""

from __future__ import annotations

from tests.pages.conftest import open_page

DEEP_LIST = "[" * 30000 + "]" * 30000


def test_the_login_page_refuses_deep_nested_json_with_a_message(empty_store, tmp_path, monkeypatch):
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(tmp_path / "session.json"))
    at = open_page("pages/5_Instagram_login.py")
    at.text_area[0].input(DEEP_LIST)
    next(b for b in at.button if b.label == "Check and save").click().run()
    assert not at.exception, at.exception
    assert "nested too deeply" in " ".join(e.value for e in at.error)
