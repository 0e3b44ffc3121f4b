"""A sliding-window limit on how often one client (a browser session, an API client) may submit."""

from __future__ import annotations

from collections.abc import Sequence


def submission_wait_seconds(previous: Sequence[float], now: float, limit: int, window_seconds: float) -> float:
    """0.0 when one more submission fits in the window, else the seconds until the oldest one leaves it."""
    if limit <= 0:
        return 0.0
    recent = sorted(t for t in previous if now - t < window_seconds)
    if len(recent) < limit:
        return 0.0
    return max(0.0, recent[-limit] + window_seconds - now)
