"""The REST API's settings, parsed from ``core.settings.Settings`` (documented in the README's REST API section)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from core.settings import load_settings
from core.signin.tokens import ApiToken, parse_api_tokens

DEFAULT_RATE_LIMIT = "600/minute"
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_PERIODS = {"second": 1.0, "sec": 1.0, "s": 1.0, "minute": 60.0, "min": 60.0, "m": 60.0, "hour": 3600.0, "h": 3600.0}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*([a-z]+))?\s*$")


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``requests`` tokens (the burst), refilled evenly over ``period`` seconds."""

    requests: int
    period: float

    @property
    def refill_per_second(self) -> float:
        return self.requests / self.period


def parse_rate_limit(text: str | None) -> RateLimit | None:
    """``"120/minute"``, ``"5/second"``, ``"1000/hour"``, ``"120"`` (per minute); ``"0"``/``"off"`` → None."""
    raw = (text or "").strip().lower()
    if raw in ("", "default"):
        raw = DEFAULT_RATE_LIMIT
    if raw in ("0", "off", "none", "false", "no"):
        return None
    match = _RATE.match(raw)
    if not match or (match.group(2) and match.group(2) not in _PERIODS):
        raise ValueError(f"REELSCOPE_API_RATE_LIMIT: expected e.g. '120/minute', '5/second' or 'off', got {text!r}")
    requests = int(match.group(1))
    if requests == 0:
        return None
    return RateLimit(requests, _PERIODS[match.group(2) or "minute"])


MEMORY_STORAGE = "memory://"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
ANY_HOST = ("*",)


@dataclass(frozen=True)
class ApiSettings:
    token: str | None
    rate_limit: RateLimit | None
    max_body_bytes: int
    public_docs: bool
    rate_limit_storage: str = MEMORY_STORAGE
    trusted_proxies: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ANY_HOST
    metrics_public: bool = False
    # every token accepted, each with a name and role; REELSCOPE_API_TOKEN is the admin token named "api"
    tokens: tuple[ApiToken, ...] = ()

    @property
    def needs_token(self) -> bool:
        return self.token is not None or bool(self.tokens)


def storage_uri(broker_url: str | None) -> str:
    """Where rate-limit counters live: Redis when the configured broker is Redis, else this process's memory."""
    if broker_url and broker_url.split("://", 1)[0] in ("redis", "rediss"):
        return broker_url
    return MEMORY_STORAGE


def _list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def check_token(token: str | None) -> str | None:
    """HTTP headers carry ASCII only (clients send other bytes as latin-1 or UTF-8): such a token could never match."""
    if token is not None and not (token.isascii() and token.isprintable()):
        raise ValueError("REELSCOPE_API_TOKEN must be printable ASCII (letters, digits, punctuation): HTTP clients "
                         "cannot send other characters in a header reliably, so no request could ever match it")
    return token


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def load_api_settings(bind_host: str | None = None) -> ApiSettings:
    """The REELSCOPE_API_* settings; ``bind_host`` (the address served on) sets the allowed Host names' default:
    the localhost names on a loopback address, any name otherwise."""
    settings = load_settings()
    token = check_token(settings.api_token)
    # The contract: with a token, every request needs it, docs included, unless opened explicitly.
    docs = settings.api_public_docs.lower()
    allowed_hosts = _list(settings.api_allowed_hosts) or (
        LOOPBACK_HOSTS if bind_host is not None and is_loopback(bind_host) else ANY_HOST)
    return ApiSettings(
        token=token,
        rate_limit=parse_rate_limit(settings.api_rate_limit),
        max_body_bytes=settings.api_max_body_bytes,
        public_docs=docs in ("1", "true", "yes", "on"),
        rate_limit_storage=storage_uri(settings.celery_broker_url),
        trusted_proxies=_list(settings.api_trusted_proxies),
        allowed_hosts=allowed_hosts,
        metrics_public=settings.metrics_public.lower() in ("1", "true", "yes", "on"),
        tokens=parse_api_tokens(settings.api_tokens, token),
    )
