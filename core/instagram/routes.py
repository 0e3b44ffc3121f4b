"""The routes to each Instagram capability, in the order a browser would use them, and what a refusal means.

Instagram retired a path about every six weeks in 2026 (instagram_monitor v4.0-v4.2 release notes; instaloader
#2724, #2731). So each capability (session check, profile, reels listing, posts listing, post detail) has an
ordered list of routes: the web app's ``api/graphql`` first, as a browser sends it, then the older ones. When
Instagram refuses a route as retired, the next one is tried at once; the refusal is remembered (``RouteMemory``,
kept in the store by ``core.storage.route_refusals``) so that every process skips the route for a while
(``REELSCOPE_ROUTE_SKIP_HOURS``) and then tries it again.

A refusal counts as "retired" when Instagram answers 400 ``feedback_required``, an "execution error" or a retired
doc_id, or 404 for an API endpoint that used to exist, while another route answers the same session.
``feedback_required`` on every route for one session is different: then the account really is soft-blocked.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

SESSION_CHECK, PROFILE, REELS_LISTING, POSTS_LISTING, POST_DETAIL = (
    "session_check", "profile", "reels_listing", "posts_listing", "post_detail")
CAPABILITY_NAMES = {SESSION_CHECK: "session check", PROFILE: "profile", REELS_LISTING: "reels listing",
                    POSTS_LISTING: "posts listing", POST_DETAIL: "post detail"}

WEB_APP, GRAPHQL_QUERY, PROFILE_PAGE, WEB_PROFILE_INFO = "api/graphql", "graphql/query", "profile page", \
    "web_profile_info"


@dataclass(frozen=True)
class Route:
    """One way to reach a capability: ``name`` is the endpoint as users and the doctor call it."""

    capability: str
    name: str
    how: str

    @property
    def key(self) -> str:
        return f"{self.capability} via {self.name}"


ROUTES: dict[str, tuple[Route, ...]] = {
    SESSION_CHECK: (
        Route(SESSION_CHECK, WEB_APP, "the start page, then a profile query of the viewer's id (as the web app)"),
        Route(SESSION_CHECK, GRAPHQL_QUERY, "instaloader's test_login() query_hash"),
    ),
    PROFILE: (
        Route(PROFILE, PROFILE_PAGE, "the profile's public page, which embeds the profile"),
        Route(PROFILE, WEB_APP, "the profile query by user id"),
        Route(PROFILE, WEB_PROFILE_INFO, "api/v1/users/web_profile_info/"),
    ),
    REELS_LISTING: (
        Route(REELS_LISTING, WEB_APP, "the reels tab query (doc_id 7845543455542541)"),
        Route(REELS_LISTING, GRAPHQL_QUERY, "the reels tab query (doc_id 7845543455542541)"),
    ),
    POSTS_LISTING: (
        Route(POSTS_LISTING, WEB_APP, "the posts tab query (signed in 29104886249145907, else 28904005159232689)"),
        Route(POSTS_LISTING, PROFILE_PAGE, "the first posts page the profile page embeds (anonymous)"),
    ),
    POST_DETAIL: (
        Route(POST_DETAIL, WEB_APP, "the post query (doc_id 27128499623469141)"),
        Route(POST_DETAIL, GRAPHQL_QUERY, "the post query (doc_id 27128499623469141)"),
    ),
}


def route(capability: str, name: str) -> Route:
    return next(r for r in ROUTES[capability] if r.name == name)


@dataclass(frozen=True)
class Refusal:
    """How Instagram refused a route: HTTP status, Instagram's message, and whether it was feedback_required."""

    status: int
    message: str

    @property
    def feedback_required(self) -> bool:
        return "feedback_required" in self.message

    @property
    def summary(self) -> str:
        return f"HTTP {self.status} {self.message}".strip()


class RouteRefused(Exception):
    """A route was refused as described by ``refusal`` (raised between routes, never out of the scraper)."""

    def __init__(self, route: Route, refusal: Refusal) -> None:
        super().__init__(f"{route.key} refused: {refusal.summary}")
        self.route = route
        self.refusal = refusal


class RouteMemory(Protocol):
    """Where refusals are remembered, with when: the store for every process (core.storage.route_refusals)."""

    def refused_since(self, route: Route) -> tuple[datetime, Refusal] | None:
        """When the route was refused (and how), if that was less than the skip period ago."""

    def remember(self, route: Route, refusal: Refusal) -> None:
        """Note that Instagram refused the route just now."""

    def all_refusals(self) -> dict[str, tuple[datetime, Refusal]]:
        """Every refusal still within its skip period, by route key."""


class InMemoryRouteMemory:
    """A process-local RouteMemory (when no store is at hand, and for tests)."""

    def __init__(self, skip: timedelta = timedelta(hours=24)) -> None:
        self.skip = skip
        self._lock = threading.Lock()
        self._refusals: dict[str, tuple[datetime, Refusal]] = {}

    def refused_since(self, route: Route) -> tuple[datetime, Refusal] | None:
        return self.all_refusals().get(route.key)

    def remember(self, route: Route, refusal: Refusal) -> None:
        with self._lock:
            self._refusals[route.key] = (datetime.now(UTC), refusal)

    def all_refusals(self) -> dict[str, tuple[datetime, Refusal]]:
        cutoff = datetime.now(UTC) - self.skip
        with self._lock:
            return {key: value for key, value in self._refusals.items() if value[0] > cutoff}


def refused_capability_notice(*capabilities: str) -> str:
    """The one sentence an analysis carries when Instagram refused signed-in capabilities on every route."""
    names = " and the ".join(CAPABILITY_NAMES[capability] for capability in capabilities)
    return (f"Instagram refused the signed-in {names} on every route ReelScope knows, so this "
            "analysis ran anonymously and plays are missing; ReelScope needs an update (`python -m core doctor` "
            "shows which route was refused).")
