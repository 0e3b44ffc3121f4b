"""POST JSON to a webhook, retried with exponential backoff; the URL is only ever logged without its secrets.

Webhook URLs often carry a secret in their query string (``?token=…``) or user info; logs show
``scheme://host[:port]/path`` only, and exception texts (which embed the URL) are never logged.

Each attempt has a total deadline, from connecting to the last byte: ``requests``' timeout is per socket read, so
a receiver dripping one byte a second would hold it forever. A watchdog shuts the attempt's socket down when the
deadline passes. Redirects are never followed (a 302 would turn the POST into a body-less GET, a 307 would re-post
the alert wherever the receiver says, loopback services included): a 3xx is a failed delivery.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

log = logging.getLogger("reelscope.webhook")

BACKOFF_BASE_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 8.0
USER_AGENT = "ReelScope-alerts/1"


@dataclass(frozen=True)
class Delivery:
    """The outcome of one webhook POST: ``ok``, attempts made, and a short reason when it failed."""

    ok: bool
    attempts: int
    error: str | None = None


class _NoQueryStrings(logging.Filter):
    """urllib3 logs request lines (at DEBUG) with their query strings; cut them off."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(a.split("?", 1)[0] if isinstance(a, str) else a for a in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_NoQueryStrings())


class _Retryable(Exception):
    """A failed attempt worth repeating (network error, timeout, 429, 5xx); its text never holds the URL."""


def redact_url(url: str) -> str:
    """``scheme://host[:port]/path``: no user info, query string or fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<invalid url>"
    return f"{parts.scheme}://{host}{port}{parts.path}"


class _Watchdog:
    """Shuts down every socket an attempt opens once its deadline has passed (a blocked read then fails)."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        _current.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        _current.watchdog = None

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, under any TLS wrapper
    except OSError:
        pass


_current = threading.local()


def _watch(sock: socket.socket | None) -> None:
    watchdog = getattr(_current, "watchdog", None)
    if watchdog is not None:
        watchdog.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter whose connections report their sockets to the current attempt's watchdog."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


def _session() -> requests.Session:
    session = requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, _WatchedAdapter())
    return session


def _attempt(url: str, payload: dict, deadline: float) -> None:
    """One POST on a fresh connection, over within ``deadline`` seconds whatever the receiver does."""
    started = time.monotonic()
    with _session() as session, _Watchdog(deadline) as watchdog:
        try:
            response = session.post(url, json=payload, timeout=deadline, allow_redirects=False,
                                    headers={"User-Agent": USER_AGENT})
            response.close()
        except requests.RequestException as exc:
            if watchdog.expired:
                raise _Retryable(f"no complete answer within {deadline:g} s") from None
            raise _Retryable(type(exc).__name__) from None
    if watchdog.expired or time.monotonic() - started > deadline:
        raise _Retryable(f"no complete answer within {deadline:g} s")
    if 300 <= response.status_code < 400:
        raise ValueError(f"HTTP {response.status_code} redirect (redirects are not followed)")
    if response.status_code == 429 or response.status_code >= 500:
        raise _Retryable(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise ValueError(f"HTTP {response.status_code}")  # the receiver refuses it: retrying will not help


def post_json(url: str, payload: dict, attempts: int = 4, timeout: float = 5.0,
              backoff_base: float = BACKOFF_BASE_SECONDS) -> Delivery:
    """POST ``payload`` to ``url``; retry network errors, deadlines, 429 and 5xx with exponential backoff. Each
    attempt ends within ``timeout`` seconds (a total deadline, not per read). Never raises."""
    shown = redact_url(url)
    count = 0
    retrying = Retrying(stop=stop_after_attempt(max(1, attempts)), reraise=False,
                        wait=wait_exponential(multiplier=backoff_base, max=BACKOFF_MAX_SECONDS),
                        retry=retry_if_exception_type(_Retryable))
    try:
        for attempt in retrying:
            with attempt:
                count = attempt.retry_state.attempt_number
                _attempt(url, payload, timeout)
    except RetryError as exc:
        reason = str(exc.last_attempt.exception())
        log.warning("webhook %s failed after %d attempts: %s", shown, count, reason)
        return Delivery(False, count, reason)
    except ValueError as exc:
        log.warning("webhook %s refused the alert: %s", shown, exc)
        return Delivery(False, count, str(exc))
    except Exception as exc:  # noqa: BLE001 - a webhook never fails the caller
        log.warning("webhook %s failed: %s", shown, type(exc).__name__)
        return Delivery(False, count, type(exc).__name__)
    log.info("webhook %s: alert delivered (attempt %d)", shown, count)
    return Delivery(True, count)
