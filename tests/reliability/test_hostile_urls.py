"""Issue 14 item 3: scraped image and link URLs that are not http(s) never reach an image, an image column or a
link column (Streamlit reads a non-URL image string as a local file and serves it)."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from core.instagram.transport import browser_url, web_url
from core.jobs.submission import create_analyses, wait_for
from core.storage.engine import get_database
from core.storage.queries import load_profile
from emulator import EmulatorServer
from emulator.catalogue import default_catalogue
from tests.pages.conftest import open_page, open_tab

# A 1×1 PNG: with a plain path, st.image would read this file from the server's disk and send it to the browser.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.mark.parametrize("value", [
    "/etc/hostname", "etc/hostname", "file:///etc/passwd", "javascript:alert(1)", "data:image/png;base64,AAAA",
    "//cdn.example/x.jpg", "http://", "https:///x.png", "http://exa mple.com\n/x", "http://[::1", "", None, 3.5,
    "ftp://example.com/x.png"])
def test_anything_but_an_http_url_becomes_none(value):
    assert web_url(value) is None
    assert browser_url(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("https://scontent.example/x.jpg?a=1", "https://scontent.example/x.jpg?a=1"),
    ("HTTP://Example.com/x.png", "http://Example.com/x.png"),  # Streamlit checks the scheme case-sensitively
    (" https://example.com/x ", "https://example.com/x")])
def test_http_urls_pass_with_a_lower_case_scheme(value, expected):
    assert web_url(value) == expected


@pytest.fixture
def hostile_emulator(tmp_path):
    png = tmp_path / "secret.png"
    png.write_bytes(PNG)
    base = default_catalogue()["few_posts"]
    hostile_urls = [str(png), "javascript:alert(document.cookie)", "file:///etc/passwd"]
    profile = dataclasses.replace(base, username="local_paths", profile_pic_url="/etc/hostname", media=tuple(
        dataclasses.replace(m, thumbnail_url=hostile_urls[i % len(hostile_urls)]) for i, m in enumerate(base.media)))
    server = EmulatorServer({"local_paths": profile}, port=0)
    server.start()
    yield server, profile
    server.stop()


def test_local_paths_scraped_as_image_urls_never_reach_the_results_page(tmp_path, monkeypatch, hostile_emulator):
    server, profile = hostile_emulator
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("INSTAGRAM_BASE_URL", server.url)
    monkeypatch.setenv("REELSCOPE_RATE_LIMIT_SCALE", "0")
    monkeypatch.setenv("REELSCOPE_MAX_ATTEMPTS", "1")
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    db = get_database(url)
    [state] = wait_for(create_analyses(["local_paths"], db=db), db=db, timeout=60)
    assert state.status == "completed", state.error
    assert load_profile(db, state.analysis_id)["profile_pic_url"] is None  # stored as unknown (issue 22 item 8)

    at = open_page("pages/1_Results.py", {"analysis": state.analysis_id})
    assert not at.exception, at.exception
    assert at.get("image") == []  # no profile picture rather than a file from the server's disk
    table = open_tab(at, state.analysis_id, "Reels table").dataframe[0].value
    assert len(table) == len(profile.videos)
    assert table["thumbnail_url"].isna().all()
    assert table["url"].str.startswith("https://www.instagram.com/").all()


def test_non_web_image_urls_are_stored_and_exported_as_null(tmp_path, monkeypatch, hostile_emulator, capsys):
    """Issue 22 item 8: a local path or file: URL is neither stored nor exported."""
    import csv
    import io
    import json

    from core.cli.main import main
    from core.storage.queries import load_reels_frame

    server, profile = hostile_emulator
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    for key, value in {"DATABASE_URL": url, "INSTAGRAM_BASE_URL": server.url, "REELSCOPE_RATE_LIMIT_SCALE": "0",
                       "REELSCOPE_MAX_ATTEMPTS": "1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    db = get_database(url)
    [state] = wait_for(create_analyses(["local_paths"], db=db), db=db, timeout=60)
    assert state.status == "completed", state.error
    assert load_reels_frame(db, state.analysis_id)["thumbnail_url"].isna().all()

    assert main(["export", state.analysis_id, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["profile"].get("profile_pic_url") is None
    assert [r["thumbnail_url"] for r in document["reels"]] == [None] * len(profile.videos)
    assert main(["export", state.analysis_id, "--format", "csv", "--plain"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["thumbnail_url"] for r in rows] == [""] * len(profile.videos)
