"""POST JSON to a webhook, retried with exponential backoff; the URL is only ever logged without its secrets.

Webhook URLs often carry a secret in their query string (``?token=…``) or user info; logs show
``scheme://host[:port]/path`` only, and exception texts (which embed the URL) are never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

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


def _attempt(session: requests.Session, url: str, payload: dict, timeout: float) -> None:
    try:
        response = session.post(url, json=payload, timeout=timeout, headers={"User-Agent": USER_AGENT})
    except requests.RequestException as exc:
        raise _Retryable(type(exc).__name__) from None
    if response.status_code == 429 or response.status_code >= 500:
        raise _Retryable(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise ValueError(f"HTTP {response.status_code}")  # the receiver refuses it: retrying will not help


def post_json(url: str, payload: dict, attempts: int = 4, timeout: float = 5.0,
              backoff_base: float = BACKOFF_BASE_SECONDS) -> Delivery:
    """POST ``payload`` to ``url``; retry network errors, 429 and 5xx with exponential backoff. Never raises."""
    shown = redact_url(url)
    count = 0
    retrying = Retrying(stop=stop_after_attempt(max(1, attempts)), reraise=False,
                        wait=wait_exponential(multiplier=backoff_base, max=BACKOFF_MAX_SECONDS),
                        retry=retry_if_exception_type(_Retryable))
    with requests.Session() as session:
        try:
            for attempt in retrying:
                with attempt:
                    count = attempt.retry_state.attempt_number
                    _attempt(session, url, payload, timeout)
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
