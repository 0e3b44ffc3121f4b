"""Whom a session logs in as, asked the way Instagram's web app asks, with instaloader's test_login() behind it.

Route 1 (``api/graphql``, two requests): the start page, whose embedded ``CurrentUserInitialData`` names the
viewer's id (``"0"`` for a logged-out visitor) and carries the ``lsd``/``fb_dtsg`` tokens, then the profile query
of that id over ``api/graphql``, which names the viewer. Route 2 (``graphql/query``): instaloader's
``test_login()`` query_hash, asked directly, so that a refusal is told apart from "not logged in" (``test_login``
itself turns both into None). Since late October 2026 Instagram refuses every signed-in ``graphql/query``
request with 400 ``feedback_required`` (instagram_monitor v4.2 release notes, 2026-11-18).

Only an answer that says "logged out" makes a session ``expired``; refused routes make it ``refused``, a failed
connection ``unchecked``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from instaloader import InstaloaderContext
from instaloader.exceptions import AbortDownloadException, LoginRequiredException

from core.instagram import queries
from core.instagram.error_mapping import refusal_of
from core.instagram.routes import GRAPHQL_QUERY, ROUTES, SESSION_CHECK, WEB_APP, Refusal, Route, RouteMemory

TEST_LOGIN_QUERY_HASH = "d6f4427fbe92d846298cf93df0b937d3"  # instaloader 4.16 InstaloaderContext.test_login
_VIEWER_ID = re.compile(r'"CurrentUserInitialData",\[\],\{[^{}]*"USER_ID":"?(\d+)')
# instaloader 4.16's own patterns (InstaloaderContext._web_api_tokens), read from the same start page
_TOKENS = (("fb_dtsg", re.compile(r'"DTSGInitialData",\[\],\{[^{}]*"token":"([^"]+)"')),
           ("lsd", re.compile(r'"LSD",\[\],\{[^{}]*"token":"([^"]+)"')),
           ("av", re.compile(r'"IG_USER_EIMU":"?(\d+)')))


class LoggedOut(Exception):
    """Instagram answered the session as a logged-out visitor."""


def _start_page_viewer(context: InstaloaderContext) -> str:
    """The viewer's user id from the signed-in start page (one request), keeping its tokens for api/graphql so
    that the next web-app query does not fetch the page again. LoggedOut when the page is a logged-out one."""
    html = context._get_page(context._session, "")
    viewer = _VIEWER_ID.search(html)
    tokens = {name: m.group(1) for name, pattern in _TOKENS if (m := pattern.search(html))}
    if viewer is None or viewer.group(1) == "0" or "fb_dtsg" not in tokens:
        raise LoggedOut("the start page is a logged-out visitor's")
    if "lsd" in tokens and "av" in tokens:
        context._web_api_tokens_cache[context._session.cookies.get_dict().get("sessionid", "")] = tokens
    return viewer.group(1)


def web_app_username(context: InstaloaderContext) -> str:
    """The viewer's username over the web app's route (start page, then profile query over api/graphql)."""
    viewer_id = _start_page_viewer(context)
    user = queries.profile_by_id(context, viewer_id)
    if not user or not user.get("username"):
        raise LoggedOut("the profile query names no viewer")
    return str(user["username"])


def test_login_username(context: InstaloaderContext) -> str:
    """The viewer's username over instaloader's test_login query (graphql/query), without its error swallowing."""
    data: Any = context.graphql_query(TEST_LOGIN_QUERY_HASH, {})
    user = (data.get("data") or {}).get("user")
    if not user:
        raise LoggedOut("test_login answered no user")
    return str(user["username"])


CHECKS = {WEB_APP: web_app_username, GRAPHQL_QUERY: test_login_username}


@dataclass
class SessionCheck:
    """What a session check found: ``state`` (logged_in, expired, refused or unchecked, as
    ``core.instagram.session.SessionStatus`` names them), the viewer, the routes refused on the way and skipped."""

    state: str = "refused"
    username: str | None = None
    reason: str = ""
    refused: list[tuple[Route, Refusal]] = field(default_factory=list)
    skipped: list[Route] = field(default_factory=list)
    answered_by: Route | None = None

    @property
    def works(self) -> bool:
        return self.state == "logged_in"


def check_viewer(context: InstaloaderContext, memory: RouteMemory) -> SessionCheck:
    """Ask Instagram whom the context's cookies log in as, route by route (see the module's notes).

    A route refused now is remembered in ``memory`` once another route answered the session; routes refused
    within the skip period are not asked.
    """
    check = SessionCheck()
    for route in ROUTES[SESSION_CHECK]:
        if memory.refused_since(route) is not None:
            check.skipped.append(route)
            continue
        try:
            username = CHECKS[route.name](context)
        except (LoggedOut, LoginRequiredException):
            check.state, check.answered_by = "expired", route
            break
        except Exception as exc:  # noqa: BLE001 - a refusal tries the next route; anything else: not asked
            if isinstance(exc, AbortDownloadException) and ("logged out" in str(exc).lower()
                                                            or "login page" in str(exc).lower()):
                check.state, check.answered_by = "expired", route
                break
            refusal = refusal_of(exc)
            if refusal is None:
                check.state, check.reason = "unchecked", f"the check failed with {type(exc).__name__}"
                return check
            check.refused.append((route, refusal))
            continue
        check.state, check.username, check.answered_by = "logged_in", username, route
        break
    if check.answered_by is not None:
        for route, refusal in check.refused:
            memory.remember(route, refusal)
    else:
        refused = "; ".join(f"{route.name}: {refusal.summary}" for route, refusal in check.refused)
        skipped = ", ".join(route.name for route in check.skipped)
        reason = refused + (f"; skipped as refused earlier: {skipped}" if skipped else "")
        check.state, check.reason = "refused", reason
    return check
