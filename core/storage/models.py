"""The store's tables as typed SQLAlchemy 2.0 models: analyses (jobs), profile snapshots, reels."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from core.domain.reel_fields import REEL_FIELDS, ReelField


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite drops the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass a UTC-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


ANONYMOUS = "anonymous"  # Analysis.requested_access of an analysis asked to run anonymously (and Access's label)


class Status:
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    ACTIVE = (PENDING, PROCESSING)
    ALL = (PENDING, PROCESSING, COMPLETED, FAILED)


class Analysis(Base):
    """One analysis job: a username, its state, its progress and, when it failed, why."""

    __tablename__ = "analyses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    username: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    status_message: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    error_detail: Mapped[str | None] = mapped_column(Text)
    max_reels: Mapped[int | None] = mapped_column(Integer)
    reels_expected: Mapped[int | None] = mapped_column(Integer)
    reels_fetched: Mapped[int] = mapped_column(Integer, default=0)
    rate_limited_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    owner: Mapped[str | None] = mapped_column(String(128))
    # Until when the owning process promises to run it (core.jobs.lease); NULL while queued for any Celery worker.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)  # kept in step: data_source == "emulator"
    data_source: Mapped[str] = mapped_column(String(16), default="instagram", server_default="instagram")
    # "anonymous" or "logged in as @name"; a notice when that is not the access the user set up
    access: Mapped[str | None] = mapped_column(String(64))
    access_notice: Mapped[str | None] = mapped_column(Text)
    # export field names Instagram sent no value for, e.g. ["plays", "views"] to anonymous visitors
    withheld_fields: Mapped[list[str] | None] = mapped_column(JSON)
    # who asked for it (a signed-in email, an API token's name, "cli" or "dashboard"; migration 0014)
    requested_by: Mapped[str | None] = mapped_column(String(320))
    # the access it was asked to use: "anonymous", or NULL for the stored session when there is one
    requested_access: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    profile: Mapped[ProfileSnapshot | None] = relationship(back_populates="analysis", cascade="all, delete-orphan",
                                                           passive_deletes=True, uselist=False)
    reels: Mapped[list[Reel]] = relationship(back_populates="analysis", cascade="all, delete-orphan",
                                             passive_deletes=True)

    __table_args__ = (
        Index("ix_analyses_username_created", "username", "created_at"),
        Index("ix_analyses_status", "status"),
        Index("ix_analyses_created_at", "created_at"),
        # /metrics counts analyses by outcome at every scrape: this covering index answers it without the table
        Index("ix_analyses_outcome", "status", "error_kind", "data_source"),
    )


class ProfileSnapshot(Base):
    """The profile as it was when an analysis fetched it (one per analysis)."""

    __tablename__ = "profile_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), unique=True)
    instagram_user_id: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(30))
    full_name: Mapped[str | None] = mapped_column(Text)
    biography: Mapped[str | None] = mapped_column(Text)
    followers: Mapped[int | None] = mapped_column(Integer)
    following: Mapped[int | None] = mapped_column(Integer)
    media_count: Mapped[int | None] = mapped_column(Integer)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    is_verified: Mapped[bool | None] = mapped_column(Boolean)
    profile_pic_url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    analysis: Mapped[Analysis] = relationship(back_populates="profile")

    __table_args__ = (Index("ix_profile_snapshots_user_id", "instagram_user_id"),)


def _column_type(reel_field: ReelField):
    if reel_field.kind == "text":
        return String(reel_field.max_length) if reel_field.max_length else Text()
    if reel_field.kind == "list":  # an unknown context list is SQL NULL, not JSON null
        return JSON() if reel_field.required else JSON(none_as_null=True)
    return {"integer": Integer, "number": Float, "boolean": Boolean, "datetime": UTCDateTime}[reel_field.kind]()


_DEFAULTS = {"list": list, "boolean": False}


def _reel_column(reel_field: ReelField) -> Column:
    """A ``reels`` column for one registry field: NOT NULL when always known; a default only for always-known
    lists (empty) and flags (``is_video`` true, others false)."""
    default = None
    if reel_field.required:
        default = True if reel_field.name == "is_video" else _DEFAULTS.get(reel_field.kind)
    return Column(reel_field.name, _column_type(reel_field), nullable=not reel_field.required, default=default)


class Reel(Base):
    """One video post (a reel or a feed video) as an analysis saw it: one column per core.domain.reel_fields
    field, plus the row id and the analysis it belongs to."""

    __table__ = Table(
        "reels", Base.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("analysis_id", String(36), ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
        *(_reel_column(f) for f in REEL_FIELDS),
        UniqueConstraint("analysis_id", "media_id", name="uq_reels_analysis_media"),
        Index("ix_reels_analysis_position", "analysis_id", "position"),
        Index("ix_reels_media_id", "media_id"),
        Index("ix_reels_posted_at", "posted_at"),
    )

    analysis: Mapped[Analysis] = relationship(back_populates="reels")


class ExportRecord(Base):
    """One export as it was generated: enough to regenerate identical bytes from the stored data."""

    __tablename__ = "exports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(8))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    filters: Mapped[dict | None] = mapped_column(JSON)
    plain: Mapped[bool] = mapped_column(Boolean, default=False)
    gzip: Mapped[bool] = mapped_column(Boolean, default=False)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_exports_analysis_created", "analysis_id", "created_at"),)


class ExportJob(Base):
    """An export built into a file for a signed download link (core.exports.jobs): its options, progress and file.

    ``cache_key`` (analysis, its last update, the options) finds a ready export to hand out again; ``expires_at``
    is when its link stops working and its file is deleted; ``record_id`` is its row in the export history."""

    __tablename__ = "export_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"))
    cache_key: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="building")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int | None] = mapped_column(Integer)
    bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[str | None] = mapped_column(String(36))
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_export_jobs_cache_key", "cache_key", "created_at"),
                      Index("ix_export_jobs_expires_at", "expires_at"))


class Watch(Base):
    """A profile re-analysed on a schedule: due when it never ran or its last run started ``every_seconds`` ago."""

    __tablename__ = "watches"

    username: Mapped[str] = mapped_column(String(30), primary_key=True)
    every_seconds: Mapped[int] = mapped_column(Integer)
    max_reels: Mapped[int | None] = mapped_column(Integer)
    last_analysis_id: Mapped[str | None] = mapped_column(ForeignKey("analyses.id", ondelete="SET NULL"))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Alert(Base):
    """Something worth telling the analyst that a completed watch analysis found (a viral new reel, a follower jump)."""

    __tablename__ = "alerts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"))
    previous_analysis_id: Mapped[str | None] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # the reel's media id, or "followers": one alert per subject
    shortcode: Mapped[str | None] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivery_error: Mapped[str | None] = mapped_column(Text)
    # runs that have tried to send it (core.watchlists.delivery caps them), and until when one run holds it
    delivery_rounds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delivery_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("analysis_id", "kind", "subject", name="uq_alerts_analysis_kind_subject"),
        Index("ix_alerts_username_created", "username", "created_at"),
        Index("ix_alerts_created_at", "created_at"),
    )


class RouteRefusal(Base):
    """An Instagram route refused as retired (core.instagram.routes): every process skips it until
    ``refused_at`` + REELSCOPE_ROUTE_SKIP_HOURS, then tries it again."""

    __tablename__ = "instagram_route_refusals"

    route: Mapped[str] = mapped_column(String(80), primary_key=True)  # "<capability> via <route name>"
    capability: Mapped[str] = mapped_column(String(32))
    status: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    refused_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnalysisTopics(Base):
    """The topics of one analysis (core.analytics.topics), computed once and kept until its reels change:
    ``stamp`` names the method version, the analysis's ``updated_at`` and its reel count they were computed from."""

    __tablename__ = "analysis_topics"

    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(96))
    topics: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"label", "terms", "hashtags"}, ...]
    assignments: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # reel position (as text) → topic index
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkerHeartbeat(Base):
    """A process that runs analyses (a Celery worker process, or a thread-mode dashboard or API), and when it was
    last seen alive (core.observability.housekeeping writes it every lease renewal)."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(160), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InstagramRequestCount(Base):
    """Instagram requests one process made in one minute with one capability, route and outcome; every process
    adds its own rows, so sums over a window are right across processes (core.observability.instagram_requests)."""

    __tablename__ = "instagram_request_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    minute: Mapped[datetime] = mapped_column(UTCDateTime)
    capability: Mapped[str] = mapped_column(String(32))
    route: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_instagram_request_counts_minute", "minute"),)


class SystemAlert(Base):
    """One incident of a built-in system alert (core.observability.system_alerts): when it fired and resolved,
    and whether each of its two webhook messages was delivered. ``open_rule`` equals ``rule`` while it fires and is
    NULL once resolved, so a unique index lets at most one open incident per rule exist, whichever process looks."""

    __tablename__ = "system_alerts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    rule: Mapped[str] = mapped_column(String(32))
    open_rule: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivery_error: Mapped[str | None] = mapped_column(Text)
    sending_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("open_rule", name="uq_system_alerts_open_rule"),
                      Index("ix_system_alerts_rule_started", "rule", "started_at"))
