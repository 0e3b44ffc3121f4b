"""Send instaloader's traffic to another origin when ``INSTAGRAM_BASE_URL`` is set.

instaloader creates many ``requests.Session`` objects of its own (anonymous sessions, copies for
GraphQL queries), so mounting an adapter on one session is not enough. Instead the ``requests``
name inside ``instaloader.instaloadercontext`` is replaced by a stand-in module whose ``Session``
mounts a rewriting adapter on every new session. Each request keeps its path and query string and
carries the original host in its ``Host`` header; cookies are still matched on the original URL.
With no base URL, instaloader's real ``requests`` module is put back and nothing is changed.
"""

from __future__ import annotations

import threading
import types
from urllib.parse import urlsplit, urlunsplit

import instaloader.instaloadercontext as instaloader_context
import requests
from requests.adapters import HTTPAdapter

from core.observability.instagram_requests import classify_request, outcome_of, record_instagram_request

INSTAGRAM_HOST_SUFFIXES = ("instagram.com", "cdninstagram.com", "fbcdn.net")

_lock = threading.Lock()
_base_url: str | None = None
_observed = threading.local()


def is_instagram_host(host: str) -> bool:
    """True for instagram.com, cdninstagram.com, fbcdn.net and their subdomains."""
    host = host.lower().rstrip(".")
    return any(host == suffix or host.endswith("." + suffix) for suffix in INSTAGRAM_HOST_SUFFIXES)


def rewrite_url(url: str, base_url: str | None) -> str:
    """The URL a request for ``url`` is sent to: under ``base_url`` for Instagram hosts, else unchanged."""
    if not base_url:
        return url
    parts = urlsplit(url)
    if not is_instagram_host(parts.hostname or ""):
        return url
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))


class RedirectingAdapter(HTTPAdapter):
    """An adapter that sends Instagram requests to the configured origin, keeping the Host header."""

    def send(self, request, **kwargs):  # type: ignore[override]
        capability, route = classify_request(request.url, request.body)
        target = rewrite_url(request.url, _base_url)
        if target != request.url:
            original_host = urlsplit(request.url).netloc
            request = request.copy()
            request.url = target
            request.headers["Host"] = original_host
        _observed.requests = getattr(_observed, "requests", 0) + 1
        try:
            response = super().send(request, **kwargs)
        except Exception:
            record_instagram_request(capability, route, "error")
            raise
        record_instagram_request(capability, route, outcome_of(response.status_code, response.headers.get("Location")))
        if response.status_code in (429, 503) and response.headers.get("Retry-After"):
            _observed.retry_after = _parse_retry_after(response.headers["Retry-After"])
        return response


def _parse_retry_after(value: str) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        from datetime import UTC, datetime
        from email.utils import parsedate_to_datetime
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def take_retry_after() -> float | None:
    """The Retry-After (seconds) of the last 429/503 this thread received, once; None if none since."""
    value = getattr(_observed, "retry_after", None)
    _observed.retry_after = None
    return value


def requests_sent() -> int:
    """How many requests instaloader sent from this thread so far (for the doctor's request count)."""
    return getattr(_observed, "requests", 0)


# One connection pool for every session instaloader creates: it copies its session for each GraphQL
# query, and without a shared pool each copy would open (and for Instagram, TLS-handshake) a new
# connection. Cookies and headers stay per session; only sockets are reused.
_shared_adapter = RedirectingAdapter(pool_connections=4, pool_maxsize=8)


class RedirectingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.mount("https://", _shared_adapter)
        self.mount("http://", _shared_adapter)

    def close(self) -> None:
        """Close this session's own adapters, never the shared connection pool."""
        for adapter in self.adapters.values():
            if adapter is not _shared_adapter:
                adapter.close()


def _requests_with_redirecting_session() -> types.ModuleType:
    stand_in = types.ModuleType("requests")
    stand_in.__dict__.update({k: v for k, v in vars(requests).items() if not k.startswith("__")})
    stand_in.Session = RedirectingSession  # type: ignore[attr-defined]
    return stand_in


def redirect_instagram_to(base_url: str | None) -> None:
    """Route every request instaloader makes to ``base_url``; ``None``: live Instagram, URLs untouched.

    The sessions are instaloader's own either way, with the same headers and cookies; the adapter
    only rewrites the destination when a base URL is set, and notes ``Retry-After`` so that retries
    can honour it.
    """
    global _base_url
    with _lock:
        _base_url = base_url.rstrip("/") if base_url else None
        if getattr(instaloader_context.requests, "Session", None) is not RedirectingSession:
            instaloader_context.requests = _requests_with_redirecting_session()


def current_base_url() -> str | None:
    return _base_url


WEB_SCHEMES = frozenset({"http", "https"})


def web_url(value: object) -> str | None:
    """``value`` when it is an absolute ``http``/``https`` URL with a host (scheme lower-cased), else None.

    Scraped URLs are untrusted: Streamlit reads any other string given to an image as a local file path (and
    serves that file to the browser), and a link column would follow ``javascript:`` or ``file:``. Every URL
    that reaches an image, an image column or a link column passes through here (``browser_url`` for images).
    """
    if not isinstance(value, str) or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:  # e.g. an invalid port or IPv6 literal
        return None
    if parts.scheme not in WEB_SCHEMES or not host:
        return None
    return parts.geturl()


def browser_url(url: object) -> str | None:
    """An image URL a browser on this machine can load: only ``web_url``s, and Instagram CDN URLs go to the base
    URL when one is set; anything else is None.

    The current setting (INSTAGRAM_BASE_URL, which demo mode sets too) wins; the redirect's own base URL is the
    fallback, since it is only known once a scraper client was built in this process.
    """
    safe = web_url(url)
    if safe is None:
        return None
    from core.settings import load_settings

    return rewrite_url(safe, load_settings().instagram_base_url or _base_url)
