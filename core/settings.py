"""Every setting ReelScope reads from the environment, in one ``Settings`` class (pydantic-settings).

Add a setting here (a field with its variable name as ``alias`` and a one-line ``description``) and a row
in the README's Configuration table; ``tests/test_settings_docs.py`` fails until both agree.
Nothing else in the code reads ``os.environ``. Demo mode is an override (``override``), not an environment edit.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A checkout keeps its data beside the code; an installed copy (``pip install .``) in the user's data folder.
DATA_DIR = PROJECT_ROOT / "data" if (PROJECT_ROOT / "pyproject.toml").exists() else \
    Path.home() / ".local" / "share" / "reelscope"
DEFAULT_DATABASE_PATH = DATA_DIR / "reelscope.db"
TRUE_WORDS = {"1", "true", "yes", "on"}


def _env(name: str, description: str, default=None, **kwargs):
    return Field(default, validation_alias=AliasChoices(name), description=description, **kwargs)


class Settings(BaseSettings):
    """The settings in force; ``load_settings()`` gives them (the environment plus any override)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True, str_strip_whitespace=True,
                                      populate_by_name=True)

    # --- the store and where Instagram is --------------------------------------------------------------
    database_url: str = _env("DATABASE_URL", "SQLAlchemy URL of the store", f"sqlite:///{DEFAULT_DATABASE_PATH}")
    instagram_base_url: str | None = _env("INSTAGRAM_BASE_URL", "origin every Instagram request is sent to")
    demo_flag: str | None = _env("REELSCOPE_DEMO", "1: demo mode")
    session_file_setting: str | None = _env("REELSCOPE_SESSION_FILE", "Instagram login session (cookies JSON)")
    # --- jobs ---------------------------------------------------------------------------------------------
    queue: str = _env("REELSCOPE_QUEUE", "thread or celery", "thread")
    celery_broker_url: str | None = _env("CELERY_BROKER_URL", "broker for REELSCOPE_QUEUE=celery")
    workers: int = _env("REELSCOPE_WORKERS", "threads running analyses in one process", 4)
    lease_seconds: float = _env("REELSCOPE_LEASE_SECONDS", "an analysis's lease", 30.0)
    visibility_timeout: int = _env("REELSCOPE_VISIBILITY_TIMEOUT", "seconds before Redis re-delivers a task", 3600)
    max_deliveries: int = _env("REELSCOPE_MAX_DELIVERIES", "deliveries before failing as interrupted", 3)
    max_usernames_per_submission: int = _env("REELSCOPE_MAX_USERNAMES", "usernames in one submission", 20)
    reuse_minutes: int = _env("REELSCOPE_REUSE_MINUTES", "answer a recent analysis from the store", 60)
    submissions_per_minute: int = _env("REELSCOPE_SUBMISSIONS_PER_MINUTE", "per browser session", 10)
    # --- talking to Instagram -------------------------------------------------------------------------
    request_delay_setting: str = _env("REELSCOPE_REQUEST_DELAY", "auto, 1 or 0", "auto")
    rate_limit_scale_setting: float | None = _env("REELSCOPE_RATE_LIMIT_SCALE", "multiplies rate-limit waits")
    rate_budget_scale: float = _env("REELSCOPE_RATE_BUDGET_SCALE", "multiplies the request budget", 1.0)
    max_attempts: int = _env("REELSCOPE_MAX_ATTEMPTS", "attempts per Instagram request", 4)
    retry_base_seconds: float = _env("REELSCOPE_RETRY_BASE_SECONDS", "backoff base", 2.0)
    retry_max_seconds: float = _env("REELSCOPE_RETRY_MAX_SECONDS", "backoff cap", 900.0)
    request_timeout: float = _env("REELSCOPE_REQUEST_TIMEOUT", "seconds per Instagram request", 30.0)
    # --- database, files and logs ---------------------------------------------------------------------
    sqlite_busy_ms: int = _env("REELSCOPE_SQLITE_BUSY_MS", "SQLite busy timeout", 30000)
    db_pool_size: int = _env("REELSCOPE_DB_POOL_SIZE", "PostgreSQL pool per process", 5)
    db_max_overflow: int = _env("REELSCOPE_DB_MAX_OVERFLOW", "PostgreSQL pool overflow", 10)
    columns_dir: Path = _env("REELSCOPE_COLUMNS_DIR", "Parquet analytics cache", DATA_DIR / "columns")
    export_dir: Path = _env("REELSCOPE_EXPORT_DIR", "written export files", DATA_DIR / "exports")
    export_retention_days: float = _env("REELSCOPE_EXPORT_RETENTION_DAYS", "days export files are kept", 7.0)
    download_ttl_seconds: int = _env("REELSCOPE_DOWNLOAD_TTL_SECONDS", "lifetime of a signed download link", 900)
    secret_key: SecretStr | None = _env("REELSCOPE_SECRET_KEY", "signs download links; rotating it voids them")
    secret_key_file: Path = _env("REELSCOPE_SECRET_KEY_FILE", "generated key kept here without REELSCOPE_SECRET_KEY",
                                 DATA_DIR / "secret_key")
    backup_dir: Path = _env("REELSCOPE_BACKUP_DIR", "default folder of backups", DATA_DIR / "backups")
    log_level: str = _env("REELSCOPE_LOG_LEVEL", "log level", "INFO")
    log_file: str = _env("REELSCOPE_LOG_FILE", "log file; - for stderr", str(DATA_DIR / "logs" / "reelscope.log"))
    # --- watchlists and alerts ------------------------------------------------------------------------
    viral_multiple: float = _env("REELSCOPE_VIRAL_MULTIPLE", "viral_reel threshold", 3.0)
    follower_change_percent: float = _env("REELSCOPE_FOLLOWER_CHANGE_PERCENT", "follower_change threshold", 5.0)
    alert_webhook_url: str | None = _env("REELSCOPE_ALERT_WEBHOOK_URL", "alerts are POSTed there")
    alert_webhook_attempts: int = _env("REELSCOPE_ALERT_WEBHOOK_ATTEMPTS", "attempts per alert", 4)
    alert_webhook_timeout: float = _env("REELSCOPE_ALERT_WEBHOOK_TIMEOUT", "seconds per attempt", 5.0)
    watch_poll_seconds: float = _env("REELSCOPE_WATCH_POLL_SECONDS", "how often due watches are looked for", 60.0)
    # --- REST API (parsed further by api.settings) ---------------------------------------------------
    api_token: str | None = _env("REELSCOPE_API_TOKEN", "bearer token every request needs")
    api_rate_limit: str | None = _env("REELSCOPE_API_RATE_LIMIT", "requests per client per period")
    api_max_body_bytes: int = _env("REELSCOPE_API_MAX_BODY_BYTES", "largest request body", 64 * 1024)
    api_public_docs: str = _env("REELSCOPE_API_PUBLIC_DOCS", "1: docs without the token", "0")
    api_trusted_proxies: str = _env("REELSCOPE_API_TRUSTED_PROXIES", "proxies whose X-Forwarded-For counts", "")
    api_allowed_hosts: str = _env("REELSCOPE_API_ALLOWED_HOSTS", "Host header names accepted", "")
    api_public_url: str = _env("REELSCOPE_API_PUBLIC_URL", "the API's address in links the dashboard hands out",
                               "http://localhost:8000")

    @field_validator("max_attempts", "alert_webhook_attempts")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        return max(1, value)

    @field_validator("download_ttl_seconds")
    @classmethod
    def _positive_ttl(cls, value: int) -> int:
        if value <= 0:
            raise ValueError(f"REELSCOPE_DOWNLOAD_TTL_SECONDS must be more than 0, not {value!r}")
        return value

    @field_validator("lease_seconds")
    @classmethod
    def _positive_lease(cls, value: float) -> float:
        if value <= 0:
            raise ValueError(f"REELSCOPE_LEASE_SECONDS must be more than 0, not {value!r}")
        return value

    @property
    def demo(self) -> bool:
        return self.demo_flag == "1"

    @property
    def request_delay(self) -> bool:
        """instaloader's random pause before each request protects a real account's IP from throttling;
        a base-URL override (a local test server) has nothing to protect unless asked explicitly."""
        setting = self.request_delay_setting.lower()
        return setting in TRUE_WORDS or (setting == "auto" and self.instagram_base_url is None)

    @property
    def rate_limit_scale(self) -> float:
        """Rate-controller waits and Retry-After apply to live Instagram; a base-URL override is a test or
        replay server, whose waits default to none."""
        if self.rate_limit_scale_setting is not None:
            return self.rate_limit_scale_setting
        return 1.0 if self.instagram_base_url is None else 0.0

    @property
    def session_file(self) -> Path:
        configured = self.session_file_setting
        return Path(configured).expanduser() if configured else \
            Path.home() / ".config" / "reelscope" / "instagram-session.json"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def variable_names(cls) -> set[str]:
        """Every environment variable a setting is read from (the README's tables list exactly these)."""
        return {name for field in cls.model_fields.values() for name in field.validation_alias.choices}


_overrides: dict[str, object] = {}
_overrides_lock = threading.Lock()


def load_settings() -> Settings:
    """The settings now: the environment, then any override. The environment can change between calls (tests
    change it between runs), so settings are cached per environment and overrides, never across a change."""
    with _overrides_lock:
        overrides = tuple(sorted(_overrides.items()))
    try:
        return _settings_for(frozenset(os.environ.items()), overrides)
    except TypeError:  # an unhashable override value: build these settings afresh
        return _build_settings(overrides)


def _build_settings(overrides: tuple[tuple[str, object], ...]) -> Settings:
    settings = Settings()
    return settings.model_copy(update=dict(overrides)) if overrides else settings


@lru_cache(maxsize=16)
def _settings_for(environment: frozenset[tuple[str, str]], overrides: tuple[tuple[str, object], ...]) -> Settings:
    """Settings are frozen, so one instance serves every caller with the same environment (building them reads
    and validates every variable: a few milliseconds, many times per page)."""
    return _build_settings(overrides)


def set_overrides(**values: object) -> None:
    """Replace settings for this whole process (demo mode), by field name, until ``clear_overrides``."""
    unknown = set(values) - set(Settings.model_fields)
    if unknown:
        raise ValueError(f"not settings: {sorted(unknown)}")
    with _overrides_lock:
        _overrides.update(values)


def clear_overrides(*names: str) -> None:
    with _overrides_lock:
        for name in names or list(_overrides):
            _overrides.pop(name, None)


@contextmanager
def override(**values: object) -> Iterator[None]:
    """``with override(queue="thread"):`` these settings, then the previous ones back."""
    with _overrides_lock:
        previous = {name: _overrides[name] for name in values if name in _overrides}
    set_overrides(**values)
    try:
        yield
    finally:
        clear_overrides(*values)
        if previous:
            set_overrides(**previous)
