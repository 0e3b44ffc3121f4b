"""/api/v1 export jobs and signed download links (CONTRACTS §13, docs/exports.md).

POST an export, poll it to ready, then download it from its ``url`` without the bearer token until it expires:
GET and HEAD answer Range requests (206, 416), If-Range, ETag (the sha256) and Last-Modified, through Starlette's
``FileResponse``. Building, caching and the links themselves are core.exports.jobs and core.exports.links.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from api.problems import ApiProblem, not_found
from api.schemas import Problem
from core.analytics.filters import ReelFilters
from core.analytics.metrics import PLAYS_TIERS
from core.exports.documents import FORMATS, ExportError, ExportOptions, UnknownAnalysis, UnknownFields, parse_fields
from core.exports.fields import all_fields
from core.exports.history import ChecksumMismatch, UnknownExport
from core.exports.jobs import LinkExpired, LinkNotFound, download_file, get_job, keep_house, remove_expired_files
from core.exports.jobs import start_export as start_export_job
from core.exports.links import MAX_TOKEN_LENGTH
from core.storage.engine import get_database

log = logging.getLogger("reelscope.api")
PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX)

_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
AnalysisId = Annotated[str, Path(description="The analysis id returned by POST /api/v1/analyses.", max_length=64)]
ExportId = Annotated[str, Path(description="The export_id returned by POST …/exports.", max_length=64)]
Token = Annotated[str, Path(description="The signed token of the export's `url`.", max_length=MAX_TOKEN_LENGTH)]
FieldName = Literal[tuple(all_fields())]  # type: ignore[valid-type]


class ExportFilters(BaseModel):
    """The Results page filters, named as the export query names them; every one left out keeps everything."""

    model_config = ConfigDict(extra="forbid")

    min_plays: int | None = Field(default=None, ge=0, description="Only reels with at least this many plays.")
    hashtag: str | None = Field(default=None, max_length=200, description="Only reels using this hashtag.")
    q: str | None = Field(default=None, max_length=200, description="Case-insensitive text in the caption.")
    date_from: date | None = Field(default=None, description="Posted on or after this UTC date.")
    date_to: date | None = Field(default=None, description="Posted on or before this UTC date.")
    tier: list[Literal[tuple(PLAYS_TIERS)]] | None = Field(  # type: ignore[valid-type]
        default=None, max_length=len(PLAYS_TIERS), description="Plays tiers to keep.")
    sponsored: bool | None = Field(default=None, description="true: sponsored reels only; false: organic only.")
    collab: bool | None = Field(default=None, description="true: reels with collaborators only; false: solo only.")
    audio_type: Literal["original", "licensed"] | None = None
    location: str | None = Field(default=None, max_length=200, description="Text in the tagged place's name.")

    def reel_filters(self) -> ReelFilters | None:
        filters = ReelFilters(date_from=self.date_from, date_to=self.date_to, tiers=tuple(self.tier or ()),
                              min_plays=self.min_plays, hashtag=self.hashtag or None, caption_search=self.q or None,
                              sponsored=self.sponsored, collab=self.collab, audio_type=self.audio_type,
                              location=self.location or None)
        return None if filters.is_empty else filters


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"format": "parquet"}, {"format": "csv", "plain": True, "fields": ["shortcode", "plays"],
                                             "filters": {"min_plays": 1000}, "gzip": True}]})

    format: Literal[FORMATS] = Field(default="csv", description="csv, json, xlsx or parquet.")  # type: ignore[valid-type]
    plain: bool = Field(default=False, description="CSV table only, without the BOM and profile header.")
    fields: list[FieldName] | None = Field(default=None, max_length=200,
                                           description="Field names in the order wanted (default: all).")
    filters: ExportFilters | None = Field(default=None, description="Export only the reels these filters keep.")
    gzip: bool = Field(default=False, description="Gzip the file (.csv.gz / .json.gz; ignored for xlsx and parquet).")


class ExportOut(BaseModel):
    """An export job: building (with progress), ready (with its signed link), failed (with the reason), or
    expired (its link and file are gone; the export history keeps its record)."""

    export_id: str
    analysis_id: str
    status: Literal["building", "ready", "failed", "expired"]
    progress: int = Field(ge=0, le=100)
    rows: int | None = Field(description="Reels in the file, once ready.")
    bytes: int | None = Field(description="Size of the file, once ready.")
    sha256: str | None = Field(description="Checksum of the file (also its ETag), once ready.")
    filename: str | None
    format: str
    url: str | None = Field(description="GET/HEAD it without the bearer token until expires_at (Range supported).")
    expires_at: datetime | None
    error: str | None
    created_at: datetime


def _unknown_export(export_id: str) -> ApiProblem:
    return ApiProblem(404, f"No export with id {export_id!r}.", slug="export-not-found", title="Export not found",
                      export_id=export_id)


@router.post("/analyses/{analysis_id}/exports", status_code=status.HTTP_202_ACCEPTED, response_model=ExportOut,
             tags=["results"], summary="Build an export file with a signed download link (ready at once when small)",
             responses={404: {**_PROBLEM, "description": "No analysis with this id."},
                        422: {**_PROBLEM, "description": "Unknown field name or bad option."}})
def create_export(analysis_id: AnalysisId, body: ExportRequest, response: Response) -> ExportOut:
    try:
        filters = body.filters.reel_filters() if body.filters else None
        fields = parse_fields(",".join(body.fields)) if body.fields else None
        options = ExportOptions(format=body.format, plain=body.plain, fields=fields, gzip=body.gzip, filters=filters)
        job = start_export_job(get_database(), analysis_id, options)
    except UnknownAnalysis as exc:
        raise not_found(analysis_id) from exc
    except UnknownFields as exc:
        raise ApiProblem(422, str(exc), slug="unknown-fields", title="Unknown export fields",
                         errors=[{"detail": f"unknown field {name!r}", "pointer": "#/fields", "field": name}
                                 for name in exc.names]) from exc
    except (ExportError, ValueError) as exc:
        raise ApiProblem(422, str(exc), slug="validation-error", title="Invalid request") from exc
    response.headers["Location"] = f"{PREFIX}/exports/{job.export_id}"
    return ExportOut(**job.as_json())


@router.get("/exports/{export_id}", response_model=ExportOut, tags=["results"],
            summary="Poll an export job: progress, then its signed link",
            responses={404: {**_PROBLEM, "description": "No export with this id."}})
def poll_export(export_id: ExportId) -> ExportOut:
    try:
        return ExportOut(**get_job(get_database(), export_id).as_json())
    except UnknownExport as exc:
        raise _unknown_export(export_id) from exc


_DOWNLOAD_RESPONSES = {
    200: {"description": "The whole file (an attachment).", "content": {"application/octet-stream": {}}},
    206: {"description": "The requested byte range (Content-Range)."},
    404: {**_PROBLEM, "description": "Not a link this server signed, or no such export."},
    410: {**_PROBLEM, "description": "The link expired (or its data changed since)."},
    416: {"description": "The Range cannot be satisfied (Content-Range: bytes */size)."}}


def _file(token: str) -> FileResponse:
    try:
        found = download_file(get_database(), token)
    except LinkNotFound as exc:
        raise ApiProblem(404, str(exc), slug="download-not-found", title="Download not found") from exc
    except (LinkExpired, ChecksumMismatch) as exc:
        raise ApiProblem(410, str(exc), slug="download-expired", title="Download link expired") from exc
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename,
                        headers={"ETag": f'"{found.sha256}"', "Cache-Control": "private",
                                 "X-Content-Type-Options": "nosniff"})


@router.get("/downloads/{token}", tags=["results"], response_class=FileResponse, responses=_DOWNLOAD_RESPONSES,
            summary="Download an export by its signed link (no bearer token; Range, If-Range, ETag)")
def download(token: Token) -> FileResponse:
    return _file(token)


@router.head("/downloads/{token}", tags=["results"], response_class=FileResponse, responses=_DOWNLOAD_RESPONSES,
             summary="The headers of a download (size, ETag, Last-Modified, Accept-Ranges) without the bytes")
def download_headers(token: Token) -> FileResponse:
    return _file(token)


def startup_housekeeping() -> None:
    """At start-up: delete export files whose link expired while the API was down, and keep doing so."""
    db = get_database()
    removed = remove_expired_files(db)
    if removed:
        log.info("deleted %d expired export files", len(removed))
    keep_house(db)
