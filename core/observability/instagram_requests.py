"""Every request to Instagram, counted by capability, route and outcome.

``record_instagram_request(capability, route, outcome)`` is the one way to count one; the transport
(core.instagram.transport) calls it for every request instaloader sends, classifying the URL with
``classify_request``. Code that knows its capability and route better (the route learning of the live-Instagram
work) may call it directly instead.

Counts go to two places: this process's Prometheus counter (``reelscope_instagram_requests_total``; Prometheus sums
the processes by their labels) and a per-minute tally that the housekeeping loop writes to the store
(``instagram_request_counts``), so the Health page and the built-in alerts see every process's last hour.
"""

from __future__ import annotations

import threading
from collections import Counter as Tally
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from prometheus_client import Counter

OUTCOMES = ("ok", "rate_limited", "refused", "error")
CAPABILITIES = ("session_check", "profile", "reels_listing", "posts_listing", "post_detail", "media", "other")

INSTAGRAM_REQUESTS = Counter(
    "reelscope_instagram_requests", "Requests sent to Instagram, by capability, route and outcome.",
    ["capability", "route", "outcome"])
RATE_LIMIT_WAIT = Counter(
    "reelscope_instagram_rate_limit_wait_seconds", "Seconds spent waiting for Instagram's rate limit.")

# instaloader 4.16's query ids and hashes, by the capability they serve (core NOTES: "4.16's query ids").
_QUERY_CAPABILITIES = {
    "27937681195819736": "profile",
    "7845543455542541": "reels_listing",
    "28904005159232689": "posts_listing",
    "29104886249145907": "posts_listing",
    "27128499623469141": "post_detail",
    "27234427476213202": "post_detail",
    "d6f4427fbe92d846298cf93df0b937d3": "session_check",
}
_PATH_ROUTES = (  # (path prefix, capability, route)
    ("/api/v1/users/web_profile_info", "profile", "web_profile_info"),
    ("/api/v1/clips/user", "reels_listing", "clips_user"),
    ("/api/v1/feed/user", "posts_listing", "feed_user"),
    ("/api/v1/users/", "profile", "users_info"),
    ("/api/v1/media/", "post_detail", "media_info"),
    ("/accounts/", "session_check", "accounts"),
    ("/p/", "post_detail", "post_page"),
    ("/reel/", "post_detail", "post_page"),
)

_lock = threading.Lock()
_unsaved: Tally = Tally()  # (minute, capability, route, outcome) -> requests not yet written to the store


def record_instagram_request(capability: str, route: str, outcome: str) -> None:
    """Count one request to Instagram. ``outcome``: ok, rate_limited, refused or error."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    INSTAGRAM_REQUESTS.labels(capability, route, outcome).inc()
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    with _lock:
        _unsaved[(minute, capability, route, outcome)] += 1


def record_rate_limit_wait(seconds: float) -> None:
    """Count time spent waiting for Instagram's rate limit (instaloader's RateController, Retry-After)."""
    if seconds > 0:
        RATE_LIMIT_WAIT.inc(seconds)


def take_unsaved() -> dict[tuple[datetime, str, str, str], int]:
    """The per-minute tallies recorded since the last call (the housekeeping loop stores them)."""
    with _lock:
        taken = dict(_unsaved)
        _unsaved.clear()
    return taken


def give_back(tallies: dict[tuple[datetime, str, str, str], int]) -> None:
    """Tallies that could not be stored go back, to be stored with the next ones."""
    with _lock:
        _unsaved.update(tallies)


def _query_id(url: str, body: bytes | str | None) -> str | None:
    query = parse_qs(urlsplit(url).query)
    if isinstance(body, bytes):
        body = body.decode("latin-1")
    if body and ("doc_id=" in body or "query_hash=" in body):
        query = {**query, **parse_qs(body)}
    for key in ("doc_id", "query_hash"):
        if query.get(key):
            return query[key][0]
    return None


def classify_request(url: str, body: bytes | str | None = None) -> tuple[str, str]:
    """(capability, route) of a request instaloader sends, from its URL and form body; best effort."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    if host != "instagram.com" and not host.endswith(".instagram.com"):
        return "media", "cdn"  # cdninstagram.com, fbcdn.net: pictures and videos
    if path.startswith("/graphql/query") or path.startswith("/api/graphql"):
        route = "graphql_query" if path.startswith("/graphql/query") else "api_graphql"
        return _QUERY_CAPABILITIES.get(_query_id(url, body) or "", "other"), route
    for prefix, capability, route in _PATH_ROUTES:
        if path.startswith(prefix):
            return capability, route
    if path.count("/") <= 2 and path not in ("/", ""):
        return "profile", "profile_page"
    return ("other", "start_page") if path in ("/", "") else ("other", "other")  # the start page: request tokens


REFUSED_REDIRECTS = ("/accounts/login", "/challenge", "/auth_platform")


def outcome_of(status: int, location: str | None = None) -> str:
    """ok, rate_limited, refused or error for an HTTP answer. A 404 is an answer (the profile does not exist)."""
    if status == 429:
        return "rate_limited"
    if status in (400, 401, 403):
        return "refused"
    if status in (301, 302, 303, 307, 308) and location is not None:
        target = urlsplit(location).path or "/"
        return "refused" if target == "/" or target.startswith(REFUSED_REDIRECTS) else "ok"
    if status >= 500:
        return "error"
    return "ok"
