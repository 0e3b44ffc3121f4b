"""Browser names, profile folders and hosts for the browser import; the docs document every option and browser."""

from __future__ import annotations

from pathlib import Path

import browser_cookie3
import pytest

from core.instagram.browser_cookies import (
    SUPPORTED_BROWSERS,
    BrowserCookiesError,
    UnknownBrowser,
    browser_named,
    cookie_database,
    instagram_cookies,
)
from core.instagram.session import is_instagram_host

ROOT = Path(__file__).resolve().parents[3]


def test_every_browser_browser_cookie3_reads_is_supported():
    assert set(SUPPORTED_BROWSERS) == {reader.__name__ for reader in browser_cookie3.all_browsers}
    assert {"firefox", "chrome", "chromium", "edge", "brave", "opera", "vivaldi", "librewolf", "safari"} <= set(
        SUPPORTED_BROWSERS)


@pytest.mark.parametrize("typed, name", [("Firefox", "firefox"), (" CHROME ", "chrome"), ("opera-gx", "opera_gx"),
                                         ("Opera GX", "opera_gx")])
def test_browser_names_ignore_case_dashes_and_spaces(typed, name):
    assert browser_named(typed) == name


def test_an_unknown_browser_lists_the_supported_ones():
    with pytest.raises(UnknownBrowser, match="choose one of arc, brave, chrome"):
        browser_named("netscape")


@pytest.mark.parametrize("inside", ["cookies.sqlite", "Network/Cookies", "Cookies"])
def test_a_profile_folder_leads_to_its_cookie_database(tmp_path, inside):
    (tmp_path / inside).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / inside).write_bytes(b"")
    assert cookie_database(tmp_path) == tmp_path / inside


def test_a_folder_without_a_cookie_database_is_refused(tmp_path):
    with pytest.raises(BrowserCookiesError, match="No cookie database in the profile folder"):
        cookie_database(tmp_path)


@pytest.mark.parametrize("host, instagram", [("instagram.com", True), (".instagram.com", True),
                                             ("www.instagram.com", True), ("i.instagram.com", True),
                                             (".notinstagram.com", False), ("instagram.com.evil.test", False),
                                             (".cdninstagram.com", False), ("", False)])
def test_only_instagram_com_and_its_subdomains_count(host, instagram):
    assert is_instagram_host(host) is instagram


def test_the_docs_document_every_login_option_and_browser():
    readme = "".join((ROOT / "docs" / page).read_text(encoding="utf-8") for page in ("instagram.md", "cli.md"))
    for option in ("login --from-browser", "--browser-profile", "--cookie-file", "login --cookies-file",
                   "login --status", "--json", "logout", "Import from my browser", "REELSCOPE_SESSION_FILE"):
        assert option in readme, option
    for browser in SUPPORTED_BROWSERS:
        assert f"`{browser}`" in readme, browser


def test_a_chromium_family_browser_without_a_desktop_session_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(BrowserCookiesError, match="chrome keeps its cookie key in the desktop keyring"):
        instagram_cookies("chrome")


def test_a_missing_default_profile_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(BrowserCookiesError, match="Could not read firefox's cookies from its default profile: Could "
                                                  "not find Firefox profile directory"):
        instagram_cookies("firefox")
