"""Request and response models: they drive validation and the OpenAPI schema at /docs and /openapi.json.

Reel keys are the export field names (CONTRACTS §3); unknown counts are null, never 0.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

StatusName = Literal["pending", "processing", "completed", "failed"]


class AnalysisRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"usernames": ["natgeo", "@nasa"], "max_reels": 50}]})

    usernames: list[str] = Field(min_length=1, max_length=1000,
                                 description="Instagram usernames, with or without '@'. Every name must be valid, "
                                             "else nothing is created (422).")
    max_reels: int | None = Field(default=None, ge=0,
                                  description="Fetch only the N most recent reels of each profile (default: all).")


class AnalysisCreated(BaseModel):
    analysis_id: str
    username: str
    status: StatusName


class AnalysesCreated(BaseModel):
    analyses: list[AnalysisCreated]


class AnalysisLinks(BaseModel):
    self: str
    reels: str
    summary: str
    export: str


class AnalysisOut(BaseModel):
    """An analysis (job) and its progress."""

    analysis_id: str
    username: str = Field(description="Without '@', lower case.")
    status: StatusName
    progress: int = Field(ge=0, le=100, description="0-100 (CONTRACTS §5).")
    message: str | None = Field(description="What the job is doing now, or its outcome.")
    eta_seconds: float | None = Field(description="Estimated seconds left while processing; null when unknown.")
    error: str | None = Field(description="A readable sentence when the analysis failed.")
    error_kind: str | None = Field(description="Failure kind, e.g. profile_not_found, profile_private, "
                                               "rate_limited, network, internal.")
    max_reels: int | None
    reels_fetched: int
    reels_stored: int
    is_demo: bool
    data_source: Literal["instagram", "emulator", "other"] = Field(
        description="Where the data came from: live Instagram, ReelScope's built-in emulator, or another origin "
                    "(INSTAGRAM_BASE_URL); recorded when the analysis was created.")
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rate_limited_until: datetime | None = Field(description="While waiting out an Instagram rate limit.")
    links: AnalysisLinks


class AnalysisList(BaseModel):
    analyses: list[AnalysisOut]


class ReelOut(BaseModel):
    """One reel: the export's raw fields plus every computed metric and tier (extra keys as core.metrics adds)."""

    model_config = ConfigDict(extra="allow")

    shortcode: str | None = None
    media_id: str | None = None
    url: str | None = None
    thumbnail_url: str | None = None
    caption: str | None = None
    likes: int | None = None
    comments: int | None = None
    plays: int | None = None
    views: int | None = None
    duration: float | None = None
    posted_at: datetime | None = None
    product_type: str | None = None
    is_pinned: bool | None = None
    hashtags: list[str] = []
    mentions: list[str] = []
    position: int | None = None
    effective_plays: int | float | None = None
    interactions: int | float | None = None
    engagement_rate: float | None = None
    plays_tier: str | None = None
    engagement_tier: str | None = None
    benchmark_tier: str | None = None


class ReelPageOut(BaseModel):
    reels: list[ReelOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    total: int = Field(description="Reels matching the filters (all pages).")


class SummaryOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    analysis_id: str
    username: str
    status: StatusName
    reference_time: datetime | None = Field(description="Ages and per-day rates are measured at this moment.")
    profile: dict[str, Any] | None
    kpis: dict[str, Any] = Field(description="core.analytics.profile_summary: medians, means, known counts, "
                                             "posting frequency, hidden likes, tier counts, benchmark tier.")
    tiers: dict[str, Any]
    top_hashtags: list[dict[str, Any]]
    top_mentions: list[dict[str, Any]]
    top_reels: list[dict[str, Any]]


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: Literal["ok"]
    demo: bool
    queue: str
    auth: bool = Field(description="Whether requests need a bearer token.")


class Problem(BaseModel):
    """RFC 9457 problem details (media type application/problem+json)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None
