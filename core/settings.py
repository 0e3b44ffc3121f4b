"""Settings read from the environment, in one place (see the README's Configuration section)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "reelscope.db"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    database_url: str
    instagram_base_url: str | None
    demo: bool
    queue: str
    celery_broker_url: str | None
    workers: int
    request_delay: bool
    rate_limit_scale: float
    rate_budget_scale: float
    max_attempts: int
    retry_base_seconds: float
    retry_max_seconds: float
    request_timeout: float
    max_usernames_per_submission: int
    reuse_minutes: int
    submissions_per_minute: int
    viral_multiple: float = 3.0
    follower_change_percent: float = 5.0
    alert_webhook_url: str | None = None
    alert_webhook_attempts: int = 4
    alert_webhook_timeout: float = 5.0
    watch_poll_seconds: float = 60.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    """Read the settings now (tests change the environment between runs, so nothing is cached here)."""
    base_url = os.environ.get("INSTAGRAM_BASE_URL", "").strip() or None
    delay_setting = os.environ.get("REELSCOPE_REQUEST_DELAY", "auto").strip().lower()
    # instaloader's random pause before each request protects a real account's IP from throttling;
    # a base-URL override (a local test server) has nothing to protect unless asked explicitly.
    request_delay = delay_setting in {"1", "true", "yes", "on"} or (delay_setting == "auto" and base_url is None)
    return Settings(
        database_url=os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{DEFAULT_DATABASE_PATH}",
        instagram_base_url=base_url,
        demo=os.environ.get("REELSCOPE_DEMO", "").strip() == "1",
        queue=os.environ.get("REELSCOPE_QUEUE", "thread").strip() or "thread",
        celery_broker_url=os.environ.get("CELERY_BROKER_URL", "").strip() or None,
        workers=_int("REELSCOPE_WORKERS", 4),
        request_delay=request_delay,
        # instaloader's rate-controller waits (minutes, after Instagram's own limits) and Retry-After apply to
        # live Instagram; a base-URL override is a test or replay server, whose waits default to none.
        rate_limit_scale=_float("REELSCOPE_RATE_LIMIT_SCALE", 1.0 if base_url is None else 0.0),
        rate_budget_scale=_float("REELSCOPE_RATE_BUDGET_SCALE", 1.0),
        max_attempts=max(1, _int("REELSCOPE_MAX_ATTEMPTS", 4)),
        retry_base_seconds=_float("REELSCOPE_RETRY_BASE_SECONDS", 2.0),
        retry_max_seconds=_float("REELSCOPE_RETRY_MAX_SECONDS", 900.0),
        request_timeout=_float("REELSCOPE_REQUEST_TIMEOUT", 30.0),
        max_usernames_per_submission=_int("REELSCOPE_MAX_USERNAMES", 20),
        reuse_minutes=_int("REELSCOPE_REUSE_MINUTES", 60),
        submissions_per_minute=_int("REELSCOPE_SUBMISSIONS_PER_MINUTE", 10),
        viral_multiple=_float("REELSCOPE_VIRAL_MULTIPLE", 3.0),
        follower_change_percent=_float("REELSCOPE_FOLLOWER_CHANGE_PERCENT", 5.0),
        alert_webhook_url=os.environ.get("REELSCOPE_ALERT_WEBHOOK_URL", "").strip() or None,
        alert_webhook_attempts=max(1, _int("REELSCOPE_ALERT_WEBHOOK_ATTEMPTS", 4)),
        alert_webhook_timeout=_float("REELSCOPE_ALERT_WEBHOOK_TIMEOUT", 5.0),
        watch_poll_seconds=_float("REELSCOPE_WATCH_POLL_SECONDS", 60.0),
    )
