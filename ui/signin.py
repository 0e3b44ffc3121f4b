"""The sign-in gate every page passes first (``require_sign_in``, called by ``ui.layout.setup_page``).

With an ``[auth]`` section in ``.streamlit/secrets.toml`` (Streamlit's OpenID Connect sign-in: ``st.login``,
``st.user``, ``st.logout``), a page shows only the sign-in screen until the person signs in, and only the refusal
to an address that REELSCOPE_ALLOWED_EMAILS / REELSCOPE_ALLOWED_DOMAINS / REELSCOPE_ADMIN_EMAILS do not name.
Without ``[auth]`` the dashboard runs open, as before, but only on a loopback address (or with
REELSCOPE_ALLOW_OPEN=1). Nothing here reads the store: a page that stops here has shown no data.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import streamlit as st
from streamlit import config

from core.settings import load_settings
from core.signin.binding import open_bind_refusal
from core.signin.people import OPEN_DASHBOARD, Allowlist, NotAllowed, Person, Role, require_admin
from core.storage.analyses import AnalysisState
from ui import state
from ui.text import escape_markdown

OPEN_PERSON = Person(OPEN_DASHBOARD, Role.ADMIN)  # who an open dashboard (no sign-in configured) acts as
NOBODY = Person("", Role.ANALYST)  # sign-in configured, nobody signed in
_PROVIDER_KEYS = {"client_id", "client_secret", "server_metadata_url"}
_refusal_logged = False


def auth_section() -> Mapping | None:
    """The ``[auth]`` section of the secrets (None without one, or without any secrets file)."""
    if not st.secrets.load_if_toml_exists():
        return None
    section = st.secrets.get("auth")
    return section if isinstance(section, Mapping) and section else None


def sign_in_configured() -> bool:
    return auth_section() is not None


def providers(section: Mapping) -> list[str | None]:
    """None for the default provider (its settings directly in ``[auth]``), else each ``[auth.NAME]``'s name."""
    named = [name for name, value in section.items() if isinstance(value, Mapping)]
    return [None] if _PROVIDER_KEYS & set(section) or not named else named


def _served_by_a_real_server() -> bool:
    """AppTest runs pages without a server (no address is bound there). It patches ``config.get_option``, which
    ``st.get_option`` does not go through."""
    return not config.get_option("global.appTest")


def require_sign_in() -> Person:
    """The person using this page; stops the page with the sign-in screen, the refusal or the bind refusal."""
    configured = sign_in_configured()
    refusal = open_bind_refusal(st.get_option("server.address"), configured, load_settings().allow_open) \
        if _served_by_a_real_server() else None
    if refusal:
        _log_refusal_once(refusal)
        st.error(refusal, icon=":material/lock:")
        st.stop()
    if not configured:
        return OPEN_PERSON
    if not st.user.is_logged_in:
        _sign_in_screen()
        st.stop()
    allowlist = Allowlist.from_settings()
    email = str(st.user.get("email") or "")
    if not allowlist.may_enter(email) or st.user.get("email_verified") is False:
        _refusal_screen(email, allowlist)
        st.stop()
    return allowlist.person(email)


def current_person() -> Person:
    """The person of this run (``require_sign_in`` has let them in)."""
    if not sign_in_configured():
        return OPEN_PERSON
    if not st.user.is_logged_in:
        return NOBODY  # never reached past the gate; an admin only by signing in
    return Allowlist.from_settings().person(str(st.user.get("email") or ""))


def is_admin() -> bool:
    return current_person().is_admin


def admin_only(action: str) -> None:
    """Stop the rest of the page, with a one-line note, unless the person is an admin."""
    try:
        require_admin(current_person(), action)
    except NotAllowed as exc:
        st.info(str(exc), icon=":material/admin_panel_settings:")
        st.stop()


def _log_refusal_once(refusal: str) -> None:
    global _refusal_logged
    if not _refusal_logged:
        _refusal_logged = True
        print(refusal, file=sys.stderr, flush=True)  # the operator's terminal: the one-line fix


def _sign_in_screen() -> None:
    st.title(":material/movie: ReelScope")
    st.subheader("Sign in to continue")
    st.write("This ReelScope is shared by a team: sign in with your work account to see and run analyses.")
    for provider in providers(auth_section() or {}):
        label = "Sign in" if provider is None else f"Sign in with {provider.replace('_', ' ').title()}"
        st.button(label, type="primary", icon=":material/login:", key=f"sign-in-{provider or 'default'}",
                  on_click=st.login, args=(provider,) if provider else ())


def _refusal_screen(email: str, allowlist: Allowlist) -> None:
    st.title(":material/block: Not allowed")
    who = f"**{escape_markdown(email)}**" if email else "an account without an email address"
    st.error(f"You are signed in as {who}, which may not use this ReelScope.", icon=":material/block:")
    if allowlist.is_empty:
        st.caption("No address is allowed yet: the operator lists them in REELSCOPE_ALLOWED_EMAILS, "
                   "REELSCOPE_ALLOWED_DOMAINS or REELSCOPE_ADMIN_EMAILS.")
    else:
        st.caption("Ask the person who runs ReelScope to add your address (or domain), or sign in with another "
                   "account.")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign-out-refused")


def signed_in_sidebar() -> None:
    """Who is signed in, with their role and "Sign out" (drawn inside the sidebar; nothing without sign-in)."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return
    person = current_person()
    st.caption(f":material/account_circle: Signed in as **{escape_markdown(person.name)}** · {person.role}")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign-out")


def may_delete(analysis: AnalysisState) -> bool:
    """Admins may delete any analysis; anyone else only the analyses they asked for."""
    person = current_person()
    return person.is_admin or (analysis.requested_by is not None and analysis.requested_by == person.name)


def requested_by_filter(container, analyses: list[AnalysisState]) -> list[str]:
    """History's "Requested by" filter: the people (emails, token names, cli) who asked for these analyses."""
    people = sorted({a.requested_by for a in analyses if a.requested_by})
    return container.multiselect("Requested by", people, placeholder="Anyone", key=state.HISTORY_REQUESTED_BY)
