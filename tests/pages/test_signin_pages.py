"""Sign-in and roles on every page through AppTest (``at.user`` is what ``st.user`` reads; ``at.secrets`` holds
``[auth]``). tests/browser/test_signin_browser.py runs the real OpenID Connect flow in Chromium."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs.submission import create_analyses, wait_for
from core.storage import analyses as store
from tests.pages.conftest import MAIN, PAGES

AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-test-cookie-secret",
                 "client_id": "reelscope", "client_secret": "secret",
                 "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}}
ADMIN, ANALYST, STRANGER = "boss@team.example", "ana@team.example", "eve@elsewhere.example"


@pytest.fixture
def team(monkeypatch):
    monkeypatch.setenv("REELSCOPE_ALLOWED_DOMAINS", "team.example")
    monkeypatch.setenv("REELSCOPE_ADMIN_EMAILS", ADMIN)


def page_as(page: str, email: str | None, query: dict[str, str] | None = None) -> AppTest:
    """``page`` with sign-in configured, as ``email`` signed in (None: nobody signed in)."""
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True} if email else {"is_logged_in": False}
    if page != "streamlit_app.py":
        at.switch_page(page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def texts(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "error", "info", "title", "subheader",
                                              "warning", "success") for e in getattr(at, kind)).replace("\\", "")


def data_shown(at) -> bool:
    return bool(at.dataframe or at.get("plotly_chart") or at.get("arrow_data_frame") or at.metric)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_only_the_sign_in_screen_before_sign_in(seeded_store, team, page):
    completed = store.list_states(seeded_store)[0]
    at = page_as(page, None, {"analysis": completed.analysis_id})
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Sign in to continue" in texts(at)
    assert not data_shown(at)
    assert "demo_creator" not in texts(at) and "demo_travel" not in texts(at)
    assert not at.sidebar.get("page_link")


@pytest.mark.parametrize("page", PAGES)
def test_an_address_nobody_allowed_gets_the_refusal_and_no_data(seeded_store, team, page):
    at = page_as(page, STRANGER)
    assert not at.exception, at.exception
    assert f"You are signed in as **{STRANGER}**, which may not use this ReelScope." in texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not data_shown(at) and "demo_creator" not in texts(at)


def test_an_unverified_address_of_an_allowed_domain_is_refused(seeded_store, team):
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": ANALYST, "email_verified": False}
    at.run()
    assert "which may not use this ReelScope" in texts(at) and not data_shown(at)


def test_with_no_allowlist_nobody_enters_and_the_refusal_says_what_to_set(seeded_store):
    at = page_as("streamlit_app.py", ANALYST)
    assert "REELSCOPE_ALLOWED_EMAILS" in texts(at) and not data_shown(at)


def test_an_allowed_analyst_sees_the_dashboard_and_who_is_signed_in(seeded_store, team):
    at = page_as("pages/3_History.py", ANALYST)
    assert not at.exception, at.exception
    assert data_shown(at) and "demo_travel" in texts(at)
    assert f"Signed in as **{ANALYST}** · analyst" in [c.value.split(": ", 1)[-1].replace("\\", "")
                                                       for c in at.sidebar.caption]
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_an_analyst_cannot_delete_someone_elses_analysis_but_an_admin_can(seeded_store, team):
    analyst = page_as("pages/3_History.py", ANALYST)
    assert "Delete…" not in [b.label for b in analyst.button]
    admin = page_as("pages/3_History.py", ADMIN)
    assert "Delete…" in [b.label for b in admin.button]


def test_an_analyst_may_delete_an_analysis_they_asked_for(empty_store, team):
    [mine] = create_analyses(["few_posts"], db=empty_store, requested_by=ANALYST)
    wait_for([mine], db=empty_store, timeout=60)
    at = page_as("pages/3_History.py", ANALYST)
    [delete] = [b for b in at.button if b.label == "Delete…"]
    delete.click().run()
    [b for b in at.button if b.label == "Yes, delete"][0].click().run()
    assert store.get_state(empty_store, mine) is None


def test_history_shows_and_filters_by_who_asked(empty_store, team):
    mine = create_analyses(["few_posts"], db=empty_store, requested_by=ANALYST, start=False)
    theirs = create_analyses(["demo_food"], db=empty_store, requested_by="nightly-token", start=False)
    at = page_as("pages/3_History.py", ADMIN)
    table = at.dataframe[0].value
    assert set(table["requested by"]) == {ANALYST, "nightly-token"}
    at.multiselect(key="history_requested_by").select("nightly-token").run()
    assert list(at.dataframe[0].value["username"]) == ["@demo_food"]
    assert mine != theirs


def test_only_an_admin_gets_the_instagram_session_controls(empty_store, team, tmp_path, monkeypatch):
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(tmp_path / "session.json"))
    analyst = page_as("pages/5_Instagram_login.py", ANALYST)
    assert not analyst.exception, analyst.exception
    assert "Only an admin may change or remove the Instagram session" in texts(analyst)
    assert not analyst.text_area and "Check and save" not in [b.label for b in analyst.button]
    admin = page_as("pages/5_Instagram_login.py", ADMIN)
    assert admin.text_area and "Check and save" in [b.label for b in admin.button]


def test_only_an_admin_may_add_or_stop_watches(empty_store, team):
    analyst = page_as("pages/6_Watchlist.py", ANALYST)
    assert "Only an admin may add, run or stop watches." in texts(analyst)
    assert "Watch" not in [b.label for b in analyst.button]
    admin = page_as("pages/6_Watchlist.py", ADMIN)
    admin.text_input[0].input("demo_food")
    [b for b in admin.button if b.label == "Watch"][0].click().run()
    from core.watchlists.watches import list_watches
    assert [w.username for w in list_watches(empty_store)] == ["demo_food"]


def test_analyses_started_by_a_signed_in_person_record_their_email(empty_store, team):
    at = page_as("streamlit_app.py", ANALYST)
    at.text_area[0].input("demo_creator")
    at.button[0].click().run()
    assert [s.requested_by for s in store.list_states(empty_store)] == [ANALYST]


def test_the_demo_switch_is_for_admins_only(empty_store, team, monkeypatch):
    from core.instagram.demo import stop_demo

    monkeypatch.setenv("REELSCOPE_DEMO", "1")
    try:
        analyst = page_as("streamlit_app.py", ANALYST)
        assert [t.proto.disabled for t in analyst.sidebar.toggle] == [True]
        assert [r.label for r in analyst.sidebar.radio] == ["Demo access"]  # each person's own choice
        admin = page_as("streamlit_app.py", ADMIN)
        assert [t.proto.disabled for t in admin.sidebar.toggle] == [False]
    finally:
        stop_demo()
