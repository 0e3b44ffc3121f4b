"""Every setting ReelScope reads from the environment, in one ``Settings`` class (pydantic-settings).

Add a setting here: a field with its variable name as ``alias`` and a one-line ``description``, which is its
documentation (``make docs-reference`` writes docs/reference/settings.md from it; ``tests/docs`` fails until then).
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
    database_url: str = _env("DATABASE_URL", "SQLAlchemy URL of the store: `sqlite:///…` or `postgresql+psycopg://USER:PASSWORD@HOST:5432/reelscope`", f"sqlite:///{DEFAULT_DATABASE_PATH}")
    instagram_base_url: str | None = _env("INSTAGRAM_BASE_URL", "send every request for `*.instagram.com`, `*.cdninstagram.com` and `*.fbcdn.net` to this origin (path and query unchanged, original `Host` header), e.g. `http://127.0.0.1:8765`; unset: live Instagram")
    demo_flag: str | None = _env("REELSCOPE_DEMO", "`1`: demo mode (the built-in emulator in-process, every page labelled demo data)")
    session_file_setting: str | None = _env("REELSCOPE_SESSION_FILE", "where the optional Instagram login session is kept (a JSON object of instagram.com cookies, mode 0600); a missing file means anonymous; unset: `~/.config/reelscope/instagram-session.json`")
    # --- jobs ---------------------------------------------------------------------------------------------
    queue: str = _env("REELSCOPE_QUEUE", "`thread` (jobs run in an in-process pool) or `celery` (the dashboard, CLI and API only enqueue; `python -m core worker` runs jobs)", "thread")
    celery_broker_url: str | None = _env("CELERY_BROKER_URL", "broker for `REELSCOPE_QUEUE=celery`, e.g. `redis://127.0.0.1:6379/0`")
    workers: int = _env("REELSCOPE_WORKERS", "threads running analyses in one process", 4)
    lease_seconds: float = _env("REELSCOPE_LEASE_SECONDS", "an analysis's lease in seconds: every live process renews the leases of the analyses it runs every third of this, and reclaims any analysis whose lease lapsed (its process was killed or its machine vanished)", 30.0)
    visibility_timeout: int = _env("REELSCOPE_VISIBILITY_TIMEOUT", "seconds before Redis re-delivers a task taken by a worker that vanished", 3600)
    max_deliveries: int = _env("REELSCOPE_MAX_DELIVERIES", "deliveries of one analysis before it is failed as interrupted", 3)
    max_usernames_per_submission: int = _env("REELSCOPE_MAX_USERNAMES", "usernames accepted in one submission", 20)
    reuse_minutes: int = _env("REELSCOPE_REUSE_MINUTES", "the dashboard answers a profile analysed this many minutes ago from the store (cached from HH:MM, with Refresh); `0` always scrapes", 60)
    submissions_per_minute: int = _env("REELSCOPE_SUBMISSIONS_PER_MINUTE", "submissions one browser session may make per minute", 10)
    # --- talking to Instagram -------------------------------------------------------------------------
    request_delay_setting: str = _env("REELSCOPE_REQUEST_DELAY", "instaloader's short random pause before each request: `auto` (on for live Instagram, off when `INSTAGRAM_BASE_URL` is set), `1` or `0`", "auto")
    rate_limit_scale_setting: float | None = _env("REELSCOPE_RATE_LIMIT_SCALE", "multiplies every rate-limit wait (instaloader's RateController, Instagram's Retry-After); unset: `1` for live Instagram, `0` when `INSTAGRAM_BASE_URL` is set")
    rate_budget_scale: float = _env("REELSCOPE_RATE_BUDGET_SCALE", "multiplies instaloader's request budget per 11-minute window", 1.0)
    max_attempts: int = _env("REELSCOPE_MAX_ATTEMPTS", "attempts per Instagram request (instaloader's own retry)", 4)
    retry_base_seconds: float = _env("REELSCOPE_RETRY_BASE_SECONDS", "seconds: base of the exponential backoff (with jitter) between retries of a transient Instagram fault", 2.0)
    retry_max_seconds: float = _env("REELSCOPE_RETRY_MAX_SECONDS", "seconds: cap of that backoff; Instagram's Retry-After is honoured when longer", 900.0)
    request_timeout: float = _env("REELSCOPE_REQUEST_TIMEOUT", "seconds before an Instagram request times out", 30.0)
    route_skip_hours: float = _env("REELSCOPE_ROUTE_SKIP_HOURS", "hours an Instagram route refused as retired is "
                                   "skipped by every process before it is tried again", 24.0)
    # --- database, files and logs ---------------------------------------------------------------------
    sqlite_busy_ms: int = _env("REELSCOPE_SQLITE_BUSY_MS", "milliseconds SQLite waits for another writer before ReelScope retries", 30000)
    db_pool_size: int = _env("REELSCOPE_DB_POOL_SIZE", "PostgreSQL connections pooled per process", 5)
    db_max_overflow: int = _env("REELSCOPE_DB_MAX_OVERFLOW", "PostgreSQL connections a process may open beyond its pool", 10)
    columns_dir: Path = _env("REELSCOPE_COLUMNS_DIR", "folder of Parquet copies of completed analyses for fast analytics (rebuilt from the database when missing)", DATA_DIR / "columns")
    export_dir: Path = _env("REELSCOPE_EXPORT_DIR", "folder of written export files", DATA_DIR / "exports")
    export_retention_days: float = _env("REELSCOPE_EXPORT_RETENTION_DAYS", "days written export files are kept", 7.0)
    backup_dir: Path = _env("REELSCOPE_BACKUP_DIR", "default folder of `python -m core backup`", DATA_DIR / "backups")
    log_level: str = _env("REELSCOPE_LOG_LEVEL", "log level of the JSON-lines log", "INFO")
    log_file: str = _env("REELSCOPE_LOG_FILE", "log file (rotated); `-` for stderr", str(DATA_DIR / "logs" / "reelscope.log"))
    download_ttl_seconds: int = _env("REELSCOPE_DOWNLOAD_TTL_SECONDS", "seconds a signed download link works", 900)
    secret_key: SecretStr | None = _env("REELSCOPE_SECRET_KEY", "signs download links; changing it voids every link given out")
    secret_key_file: Path = _env("REELSCOPE_SECRET_KEY_FILE", "where a generated link-signing key is kept (owner-only) when "
                                 "REELSCOPE_SECRET_KEY is unset", DATA_DIR / "secret_key")
    # --- watchlists and alerts ------------------------------------------------------------------------
    viral_multiple: float = _env("REELSCOPE_VIRAL_MULTIPLE", "a `viral_reel` alert needs a new reel above this multiple of the creator's median plays (views, then likes, when plays are withheld)", 3.0)
    follower_change_percent: float = _env("REELSCOPE_FOLLOWER_CHANGE_PERCENT", "a `follower_change` alert needs followers to move more than this percentage since the previous snapshot", 5.0)
    alert_webhook_url: str | None = _env("REELSCOPE_ALERT_WEBHOOK_URL", "each alert is POSTed there as JSON (never logged with its query string)")
    alert_webhook_attempts: int = _env("REELSCOPE_ALERT_WEBHOOK_ATTEMPTS", "attempts per alert (network errors, 429 and 5xx are retried with exponential backoff)", 4)
    alert_webhook_timeout: float = _env("REELSCOPE_ALERT_WEBHOOK_TIMEOUT", "total seconds per webhook attempt, from connecting to the last byte", 5.0)
    alert_delivery_rounds: int = _env("REELSCOPE_ALERT_DELIVERY_ROUNDS", "runs that try an undelivered alert again "
                                      "(spaced from 5 minutes, doubling up to 6 hours) before it is given up", 5)
    watch_poll_seconds: float = _env("REELSCOPE_WATCH_POLL_SECONDS", "seconds between looks for due watches by the dashboard process and Celery beat; `0` turns the dashboard's check off", 60.0)
    # --- REST API (parsed further by api.settings) ---------------------------------------------------
    api_token: str | None = _env("REELSCOPE_API_TOKEN", "bearer token every API request must carry (printable ASCII; anything else stops start-up)")
    api_rate_limit: str | None = _env("REELSCOPE_API_RATE_LIMIT", "API requests per client IP, e.g. `120/minute`, `5/second`, a bare number per minute, or `off`; unset: `600/minute`")
    api_max_body_bytes: int = _env("REELSCOPE_API_MAX_BODY_BYTES", "largest API request body accepted, in bytes (413 above)", 64 * 1024)
    api_public_docs: str = _env("REELSCOPE_API_PUBLIC_DOCS", "`1`: serve `/docs`, `/redoc` and `/openapi.json` without the token", "0")
    api_trusted_proxies: str = _env("REELSCOPE_API_TRUSTED_PROXIES", "comma-separated addresses (or `*`) of reverse proxies whose X-Forwarded-For/-Proto are believed", "")
    api_allowed_hosts: str = _env("REELSCOPE_API_ALLOWED_HOSTS", "comma-separated Host names the API answers to (`*.example.com` wildcards, `*` any); unset: the loopback names on a loopback `--host`, else any", "")
    api_tokens: str | None = _env("REELSCOPE_API_TOKENS", "named API tokens with a role: name:role:token,…")
    # --- dashboard sign-in and roles (core.signin; sign-in itself is [auth] in .streamlit/secrets.toml) ------------
    allowed_emails: str | None = _env("REELSCOPE_ALLOWED_EMAILS", "addresses that may enter once signed in")
    allowed_domains: str | None = _env("REELSCOPE_ALLOWED_DOMAINS", "email domains that may enter once signed in")
    admin_emails: str | None = _env("REELSCOPE_ADMIN_EMAILS", "addresses with the admin role")
    allow_open_flag: str | None = _env("REELSCOPE_ALLOW_OPEN", "1: serve without sign-in on a non-loopback address")
    api_public_url: str = _env("REELSCOPE_API_PUBLIC_URL", "the API's address in the download links the dashboard hands out",
                               "http://localhost:8000")

    # --- metrics and built-in system alerts (core.observability) ---------------------------------------------
    metrics_public: str = _env("REELSCOPE_METRICS_PUBLIC", "1: /metrics without the API token", "0")
    system_alert_error_rate: float = _env("REELSCOPE_SYSTEM_ALERT_ERROR_RATE",
                                          "share of failed analyses over 15 minutes that alerts", 0.5)
    system_alert_min_finished: int = _env("REELSCOPE_SYSTEM_ALERT_MIN_FINISHED",
                                          "finished analyses in 15 minutes before the error rate counts", 5)
    system_alert_worker_silence_seconds: float = _env("REELSCOPE_SYSTEM_ALERT_WORKER_SILENCE_SECONDS",
                                                      "no worker seen this long alerts (Celery mode)", 300.0)
    system_alert_refusals: int = _env("REELSCOPE_SYSTEM_ALERT_REFUSALS",
                                      "Instagram refusals of one route in 15 minutes that alert", 3)
    system_alert_disk_free_percent: float = _env("REELSCOPE_SYSTEM_ALERT_DISK_FREE_PERCENT",
                                                 "free disk below this share alerts", 10.0)
    system_alert_slowdown: float = _env("REELSCOPE_SYSTEM_ALERT_SLOWDOWN",
                                        "p95 analysis time over the last hour vs the last 24 hours that alerts", 2.0)
    system_alert_cooldown_seconds: float = _env("REELSCOPE_SYSTEM_ALERT_COOLDOWN_SECONDS",
                                                "after an alert resolves, the same alert waits this long", 1800.0)
    system_alert_check_seconds: float = _env("REELSCOPE_SYSTEM_ALERT_CHECK_SECONDS",
                                             "how often system alerts are checked; 0 turns them off", 60.0)

    @field_validator("max_attempts", "alert_webhook_attempts", "alert_delivery_rounds")
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
    def allow_open(self) -> bool:
        return (self.allow_open_flag or "").lower() in TRUE_WORDS

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
        """Every environment variable a setting is read from (docs/reference/settings.md lists exactly these)."""
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
