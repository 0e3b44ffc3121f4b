"""Request and response models: they drive validation and the OpenAPI schema at /docs and /openapi.json.

Reel keys are the export field names (README: Command line); unknown counts are null, never 0.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from core.domain.reel_fields import REEL_FIELDS
from core.domain.usernames import MAX_USERNAME_LENGTH
from core.jobs.submission import MAX_REELS_LIMIT


def _not_a_boolean(value: Any) -> Any:
    """JSON true/false is not a count (pydantic's lax mode would read false as 0)."""
    if isinstance(value, bool):
        raise ValueError("expected a whole number, not true or false")
    return value


ReelCap = Annotated[int, Field(ge=0, le=MAX_REELS_LIMIT), BeforeValidator(_not_a_boolean)]  # this order keeps
# minimum/maximum in the JSON schema
# An interval of 1 s .. 3650 d (core.watchlists.watches.MAX_EVERY_DAYS), as digits and one unit.
EVERY_PATTERN = ("^(([1-9][0-9]{0,7}|[12][0-9]{8}|30[0-9]{7}|31[0-4][0-9]{6}|315[0-2][0-9]{5}|3153[0-5][0-9]{4}"
                 "|315360000)[sS]|([1-9][0-9]{0,5}|[1-4][0-9]{6}|5[01][0-9]{5}|52[0-4][0-9]{4}|525[0-5][0-9]{3}"
                 "|5256000)[mM]|([1-9][0-9]{0,3}|[1-7][0-9]{4}|8[0-6][0-9]{3}|87[0-5][0-9]{2}|87600)[hH]"
                 "|([1-9][0-9]{0,2}|[12][0-9]{3}|3[0-5][0-9]{2}|36[0-4][0-9]|3650)[dD])$")
StatusName = Literal["pending", "processing", "completed", "failed"]
# An Instagram username as the API accepts it: '@' optional, letters, digits, '_' and single inner dots (case is
# ignored). Documented, not enforced here: a name breaking it gets the API's own 422 naming each rule broken.
USERNAME_PATTERN = rf"^@?(?=[A-Za-z0-9_.]{{1,{MAX_USERNAME_LENGTH}}}$)[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$"
USERNAME_ITEMS = {"items": {"type": "string", "pattern": USERNAME_PATTERN, "minLength": 1,
                            "maxLength": MAX_USERNAME_LENGTH + 1}}


class AnalysisRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"usernames": ["natgeo", "@nasa"], "max_reels": 50}]})

    usernames: list[str] = Field(min_length=1, max_length=1000,
                                 description="Instagram usernames, with or without '@' (pattern below, at most "
                                             f"{MAX_USERNAME_LENGTH} characters after '@'). Every name must be valid, "
                                             "else nothing is created (422).",
                                 json_schema_extra=USERNAME_ITEMS)
    max_reels: ReelCap | None = Field(default=None,
                                      description="Fetch only the N most recent reels of each profile (default: all; "
                                                  f"at most {MAX_REELS_LIMIT:,}).")


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
    progress: int = Field(ge=0, le=100, description="0-100 (README: Architecture).")
    message: str | None = Field(description="What the job is doing now, or its outcome.")
    eta_seconds: float | None = Field(description="Estimated seconds left while processing; null when unknown.")
    error: str | None = Field(description="A readable sentence when the analysis failed.")
    error_kind: str | None = Field(description="Failure kind, e.g. profile_not_found, profile_private, "
                                               "rate_limited, network, forbidden, soft_blocked, "
                                               "instaloader_outdated, internal.")
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
    access: str | None = Field(default=None, description='"anonymous" or "logged in as @name"; null before '
                                                         "the analysis reached Instagram.")
    withheld_fields: list[str] | None = Field(default=None, description="Export fields Instagram sent no value "
                                                                        'for, e.g. ["plays", "views"] anonymously.')
    access_notice: str | None = Field(default=None, description="Set when the access was not what was set up, "
                                                                "e.g. a stored session that expired.")
    requested_by: str | None = Field(default=None, description="Who asked for it: a signed-in email, an API "
                                                               'token\'s name, "cli" or "dashboard".')
    links: AnalysisLinks


class AnalysisList(BaseModel):
    analyses: list[AnalysisOut]


# The export's raw reel fields come from the one reel-field registry (core.domain.reel_fields); the computed
# metrics and tiers follow them, and any further key core.analytics.metrics adds passes through (extra="allow").
_FIELD_TYPES = {"text": str, "integer": int, "number": float, "boolean": bool, "datetime": datetime,
                "list": list[str]}
_METRIC_FIELDS = {
    "effective_plays": (int | float | None, None),
    "interactions": (int | float | None, None),
    "engagement_rate": (float | None, None),
    "plays_tier": (str | None, None),
    "engagement_tier": (str | None, None),
    "benchmark_tier": (str | None, None),
    "topic": (str | None, Field(default=None, description="The reel's topic label (core.analytics.topics); null "
                                                        "when it has none.")),
}
ReelOut = create_model(
    "ReelOut", __config__=ConfigDict(extra="allow"),
    __doc__="One reel: the export's raw fields plus every computed metric and tier.",
    **{field.name: (_FIELD_TYPES[field.kind] | None, Field(default=None, description=field.description))
       for field in REEL_FIELDS if field.exported},
    **_METRIC_FIELDS,
)


class ReelPageOut(BaseModel):
    reels: list[ReelOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    total: int = Field(description="Reels matching the filters (all pages).")
    partial: bool = Field(description="True until the analysis completes: the reels stored so far.")


class SummaryOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    analysis_id: str
    username: str
    status: StatusName
    partial: bool = Field(description="True until the analysis completes: the summary of the reels stored so far "
                                      "(medians and tiers over those).")
    reels_stored: int = Field(description="Reels the summary is computed over.")
    reference_time: datetime | None = Field(description="Ages and per-day rates are measured at this moment.")
    profile: dict[str, Any] | None
    kpis: dict[str, Any] = Field(description="core.analytics.aggregates.profile_summary: medians, means, known counts, "
                                             "posting frequency, hidden likes, tier counts, benchmark tier.")
    tiers: dict[str, Any]
    top_hashtags: list[dict[str, Any]]
    top_mentions: list[dict[str, Any]]
    top_reels: list[dict[str, Any]]
    topics: list[dict[str, Any]] = Field(default_factory=list, description=(
        "One per topic, most reels first: label, terms, hashtags, reels, share (% of reels), plays_sample, "
        "median_plays, rate_sample, median_engagement_rate, likes_sample, median_likes, median_plays_per_day, "
        "plays_lift (null below 5 reels with known plays), supported."))


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


class WatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"usernames": ["natgeo", "@nasa"], "every": "1d", "max_reels": 50}]})

    usernames: list[str] = Field(min_length=1, max_length=1000,
                                 description="Profiles to watch, with or without '@'. Every name must be valid, else "
                                             "nothing is stored (422). A watched name gets the new interval.",
                                 json_schema_extra=USERNAME_ITEMS)
    every: str = Field(default="1d", max_length=16, description="Interval between analyses: 30s, 90m, 12h, 1d, 7d … "
                                                                "at most 3650d (ten years).",
                       json_schema_extra={"pattern": EVERY_PATTERN})
    max_reels: ReelCap | None = Field(default=None,
                                      description="Analyse only the N most recent reels each time (at most "
                                                  f"{MAX_REELS_LIMIT:,}).")


class WatchOut(BaseModel):
    """A watch (README: Watchlists and alerts keys, as `python -m core watch list --json`)."""

    username: str
    every_seconds: int
    max_reels: int | None
    last_analysis_id: str | None
    last_run_at: datetime | None
    next_due_at: datetime | None = Field(description="Null when the watch has never run (due now).")
    due: bool
    last_status: StatusName | None = None


class WatchList(BaseModel):
    watches: list[WatchOut]


class AlertOut(BaseModel):
    """An alert (README: Watchlists and alerts keys, as `python -m core alerts --json`), plus the metric used and a sentence."""

    alert_id: str
    username: str
    kind: str = Field(description="viral_reel or follower_change.")
    analysis_id: str
    shortcode: str | None
    value: float = Field(description="viral_reel: the reel's count of `metric`; follower_change: percent change.")
    threshold: float = Field(description="viral_reel: multiple × the creator's median; follower_change: percent.")
    created_at: datetime
    metric: str = Field(description="plays, views or likes (the first known for the reel), or followers.")
    message: str
    previous_analysis_id: str | None
    url: str | None
    delivery_state: Literal["delivered", "pending", "failed", "no_webhook"] = Field(
        description="Webhook delivery: delivered; pending (a later run re-sends it); failed (every allowed run "
                    "failed, see delivery_error); no_webhook (REELSCOPE_ALERT_WEBHOOK_URL is not set).")
    delivery_attempts: int = Field(description="HTTP attempts made so far.")
    delivery_error: str | None = Field(description="Why the last attempt failed, e.g. HTTP 500.")
    delivered_at: datetime | None


class AlertList(BaseModel):
    alerts: list[AlertOut]


class GrowthOut(BaseModel):
    """A profile across its completed snapshots (core.analytics.growth)."""

    username: str
    snapshots: list[dict[str, Any]] = Field(description="Oldest first: followers (and change), median plays, median "
                                                        "engagement rate, reels, new reels.")
    reel_gains: list[dict[str, Any]] = Field(description="Plays gained by each reel since the previous snapshot "
                                                         "that had it, at the latest snapshot; largest first.")
    new_reels: list[dict[str, Any]] = Field(description="Reels of the latest snapshot the previous one did not have.")
