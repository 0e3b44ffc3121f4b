"""API settings read from the environment (documented in the README's REST API section)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ApiSettings:
    token: str | None
    rate_limit: RateLimit | None
    max_body_bytes: int
    public_docs: bool


def load_api_settings() -> ApiSettings:
    token = os.environ.get("REELSCOPE_API_TOKEN", "").strip() or None
    max_body = os.environ.get("REELSCOPE_API_MAX_BODY_BYTES", "").strip()
    # The contract: with a token, every request needs it, docs included, unless opened explicitly.
    docs = os.environ.get("REELSCOPE_API_PUBLIC_DOCS", "0").strip().lower()
    return ApiSettings(
        token=token,
        rate_limit=parse_rate_limit(os.environ.get("REELSCOPE_API_RATE_LIMIT")),
        max_body_bytes=int(max_body) if max_body else DEFAULT_MAX_BODY_BYTES,
        public_docs=docs in ("1", "true", "yes", "on"),
    )
