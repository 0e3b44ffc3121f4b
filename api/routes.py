"""The /api/v1 endpoints (README: REST API). Each reads its inputs, makes one or two calls into core, shapes the reply."""

from __future__ import annotations

import importlib.util
import logging
import re
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import WithJsonSchema
from starlette.background import BackgroundTask

import core
from api.caller import FORBIDDEN, Admin, Caller
from api.problems import ApiProblem, not_found
from api.results import SORT_COLUMNS, BadCursor, ReelQuery, load_enriched, page_reels, summary_json
from api.schemas import (
    AnalysesCreated,
    AnalysisCreated,
    AnalysisList,
    AnalysisOut,
    AnalysisRequest,
    Health,
    Problem,
    ReelPageOut,
    StatusName,
    SummaryOut,
)
from core.analytics.filters import ReelFilters
from core.analytics.metrics import PLAYS_TIERS
from core.domain.usernames import normalise_username, split_usernames
from core.exports.documents import (
    AnalysisStillRunning,
    ExportError,
    ExportOptions,
    UnknownAnalysis,
    UnknownFields,
    open_export,
    parse_fields,
)
from core.exports.fields import all_fields
from core.exports.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE
from core.jobs import submission
from core.settings import load_settings
from core.storage import analyses as store
from core.storage.engine import Database, get_database
from core.storage.topics import stored_topics
from core.storage.unavailable import probe_write, store_problem

log = logging.getLogger("reelscope.api")
PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX)

_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
_NOT_FOUND = {404: {**_PROBLEM, "description": "No analysis with this id."}}
AnalysisId = Annotated[str, Path(description="The analysis id returned by POST /api/v1/analyses.", max_length=64)]


def comma_list_pattern(values) -> str:
    """A regular expression for comma-separated values, each one of ``values`` (enumerates them in the schema)."""
    one = "(" + "|".join(re.escape(v) for v in values) + ")"
    return f"^{one}(,{one})*$"


# Documented, not enforced: an unknown name gets this API's own 422 naming it.
TierList = Annotated[str, WithJsonSchema({"type": "string", "pattern": comma_list_pattern(PLAYS_TIERS)})]
FieldList = Annotated[str, WithJsonSchema({"type": "string", "maxLength": 4000,
                                           "pattern": comma_list_pattern(all_fields())})]


def _db() -> Database:
    return get_database()


def _links(analysis_id: str) -> dict:
    base = f"{PREFIX}/analyses/{analysis_id}"
    return {"self": base, "reels": f"{base}/reels", "summary": f"{base}/summary", "export": f"{base}/export"}


def _analysis(state: store.AnalysisState) -> AnalysisOut:
    return AnalysisOut(
        analysis_id=state.analysis_id, username=state.username, status=state.status, progress=state.progress,
        message=state.message, eta_seconds=state.eta_seconds, error=state.error, error_kind=state.error_kind,
        max_reels=state.max_reels, reels_fetched=state.reels_fetched, reels_stored=state.reels_stored,
        is_demo=state.is_demo, data_source=state.data_source, created_at=state.created_at, updated_at=state.updated_at,
        started_at=state.started_at, finished_at=state.finished_at, rate_limited_until=state.rate_limited_until,
        access=state.access, access_notice=state.access_notice, requested_by=state.requested_by,
        withheld_fields=list(state.withheld_fields) if state.withheld_fields is not None else None,
        links=_links(state.analysis_id))


def _state_or_404(db: Database, analysis_id: str) -> store.AnalysisState:
    state = store.get_state(db, analysis_id)
    if state is None:
        raise not_found(analysis_id)
    return state


# --- health ---------------------------------------------------------------------------------------------------

@router.get("/health", response_model=Health, tags=["health"], summary="Is the API up and its database reachable?",
            responses={503: {**_PROBLEM, "description": "The database is not reachable, read-only or full."}})
def health(request: Request) -> Health:
    settings = load_settings()
    try:
        probe_write(get_database())  # a real write: read-only or full is not healthy
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        detail = store_problem(exc) or "The database is not reachable."
        log.warning("health check: %s", detail)
        raise ApiProblem(503, detail, slug="database-unavailable", title="Service unavailable") from exc
    return Health(status="ok", version=core.__version__, database="ok", demo=settings.demo, queue=settings.queue,
                  auth=request.app.state.api_settings.needs_token)


# --- analyses -------------------------------------------------------------------------------------------------

def _rejections(usernames: list[str], rejected) -> list[dict]:
    """Each bad name with the rule it broke and where it is in the request."""
    errors = []
    for item in rejected:
        index = next((i for i, entry in enumerate(usernames) if item.raw in split_usernames(entry)
                      or (item.raw == "" and not entry.strip())), None)
        errors.append({
            "detail": f"{item}", "username": item.raw, "rule": item.reason,
            "pointer": f"#/usernames/{index}" if index is not None else "#/usernames",
        })
    return errors


@router.post("/analyses", status_code=status.HTTP_202_ACCEPTED, response_model=AnalysesCreated, tags=["analyses"],
             summary="Submit usernames; one analysis starts per valid name",
             responses={422: {**_PROBLEM, "description": "An invalid username (each is listed in `errors` with "
                                                         "the rule it broke); nothing was created."}})
def create_analyses(body: AnalysisRequest, response: Response, person: Caller) -> AnalysesCreated:
    db = _db()
    try:
        ids = submission.create_analyses(body.usernames, body.max_reels, db=db, requested_by=person.name)
    except submission.InvalidSubmission as exc:
        errors = _rejections(body.usernames, exc.rejected) or [{"detail": str(exc), "pointer": "#/usernames"}]
        raise ApiProblem(422, str(exc), slug="invalid-usernames", title="Invalid usernames", errors=errors) from exc
    states = store.list_states(db, ids=ids, limit=len(ids))
    by_id = {s.analysis_id: s for s in states}
    created = [AnalysisCreated(analysis_id=i, username=by_id[i].username, status=by_id[i].status)
               for i in ids if i in by_id]
    if len(created) == 1:
        response.headers["Location"] = _links(created[0].analysis_id)["self"]
    return AnalysesCreated(analyses=created)


@router.get("/analyses", response_model=AnalysisList, tags=["analyses"], summary="List analyses, newest first")
def list_analyses(
    username: Annotated[str | None, Query(description="Only this creator (with or without '@').")] = None,
    status_: Annotated[StatusName | None, Query(alias="status", description="Only analyses in this state.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AnalysisList:
    name = normalise_username(username) if username else None
    states = store.list_states(_db(), username=name, status=status_, limit=limit)
    return AnalysisList(analyses=[_analysis(s) for s in states])


@router.get("/analyses/{analysis_id}", response_model=AnalysisOut, tags=["analyses"], responses=_NOT_FOUND,
            summary="One analysis: status, progress, message, ETA, error")
def get_analysis(analysis_id: AnalysisId) -> AnalysisOut:
    return _analysis(_state_or_404(_db(), analysis_id))


@router.post("/analyses/{analysis_id}/retry", status_code=status.HTTP_202_ACCEPTED, response_model=AnalysisOut,
             tags=["analyses"], summary="Run a failed analysis again",
             responses={**_NOT_FOUND, 409: {**_PROBLEM, "description": "Only failed analyses can be retried."}})
def retry_analysis(analysis_id: AnalysisId) -> AnalysisOut:
    db = _db()
    state = _state_or_404(db, analysis_id)
    if not submission.retry_analysis(analysis_id, db=db):
        raise ApiProblem(409, f"Only a failed analysis can be retried; this one is {state.status}.",
                         slug="not-retryable", title="Analysis not retryable", analysis_status=state.status)
    return _analysis(_state_or_404(db, analysis_id))


@router.post("/analyses/{analysis_id}/cancel", status_code=status.HTTP_202_ACCEPTED, response_model=AnalysisOut,
             tags=["analyses"], summary="Ask a pending or running analysis to stop (it then fails as cancelled)",
             responses={**_NOT_FOUND, 409: {**_PROBLEM, "description": "The analysis has already finished."}})
def cancel_analysis(analysis_id: AnalysisId) -> AnalysisOut:
    db = _db()
    state = _state_or_404(db, analysis_id)
    if not submission.cancel_analysis(analysis_id, db=db):
        raise ApiProblem(409, f"Only a pending or processing analysis can be cancelled; this one is {state.status}.",
                         slug="not-cancellable", title="Analysis not cancellable", analysis_status=state.status)
    return _analysis(_state_or_404(db, analysis_id))


@router.delete("/analyses/{analysis_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["analyses"],
               responses={**_NOT_FOUND, **FORBIDDEN},
               summary="Delete an analysis with its profile snapshot and reels (admin tokens only)")
def delete_analysis(analysis_id: AnalysisId, _: Admin) -> Response:
    db = _db()
    state = _state_or_404(db, analysis_id)
    if state.is_active:
        submission.cancel_analysis(analysis_id, db=db)  # a running job stops at its next progress report
    if not store.delete_analysis(db, analysis_id):
        raise not_found(analysis_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- results --------------------------------------------------------------------------------------------------

def _filters(min_plays: int | None, hashtag: str | None, q: str | None, date_from: date | None,
             date_to: date | None, tier: list[str] | None, **context) -> ReelFilters:
    tiers = tuple(t.strip() for item in (tier or []) for t in item.split(",") if t.strip())
    try:
        return ReelFilters(date_from=date_from, date_to=date_to, tiers=tiers, min_plays=min_plays,
                           hashtag=hashtag or None, caption_search=q or None, **context)
    except ValueError as exc:
        raise ApiProblem(422, str(exc), slug="validation-error", title="Invalid request",
                         errors=[{"detail": str(exc), "pointer": "#/query/tier", "location": "query",
                                  "name": "tier", "code": "value_error"}]) from exc


class _FilterParams:
    """The Results page filters as query parameters (core.analytics.filters.ReelFilters)."""

    def __init__(
        self,
        min_plays: Annotated[int | None, Query(ge=0, description="Only reels with at least this many plays.")] = None,
        hashtag: Annotated[str | None, Query(max_length=200, description="Only reels using this hashtag "
                                                                         "(with or without '#').")] = None,
        q: Annotated[str | None, Query(max_length=200, description="Case-insensitive text in the caption.")] = None,
        date_from: Annotated[date | None, Query(description="Posted on or after this UTC date (YYYY-MM-DD).")] = None,
        date_to: Annotated[date | None, Query(description="Posted on or before this UTC date (YYYY-MM-DD).")] = None,
        tier: Annotated[list[TierList] | None, Query(description="Plays tier(s) to keep: " + ", ".join(PLAYS_TIERS)
                                                     + " (repeat or comma-separate).")] = None,
        sponsored: Annotated[bool | None, Query(description="true: only sponsored reels (paid partnership or "
                                                            "sponsor tags); false: only organic ones.")] = None,
        collab: Annotated[bool | None, Query(description="true: only reels with collaborators; false: only solo "
                                                         "reels.")] = None,
        audio_type: Annotated[Literal["original", "licensed"] | None, Query(description="Only reels with this "
                                                                                         "audio type.")] = None,
        location: Annotated[str | None, Query(max_length=200, description="Case-insensitive text in the tagged "
                                                                          "place's name.")] = None,
        topic: Annotated[str | None, Query(max_length=200, description="Only reels of this topic label (see "
                                                                       "the summary's topics).")] = None,
    ) -> None:
        self.filters = _filters(min_plays, hashtag, q, date_from, date_to, tier, sponsored=sponsored, collab=collab,
                                audio_type=audio_type, location=location or None, topic=topic or None)


@router.get("/analyses/{analysis_id}/reels", response_model=ReelPageOut, tags=["results"],
            summary="The analysis's reels with every metric; cursor-paginated, sortable, filterable",
            responses={**_NOT_FOUND, 400: {**_PROBLEM, "description": "A cursor that is not valid for this query."}})
def list_reels(
    analysis_id: AnalysisId,
    params: Annotated[_FilterParams, Depends()],
    limit: Annotated[int, Query(ge=1, le=1000, description="Reels per page.")] = 100,
    cursor: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page.")] = None,
    sort: Annotated[Literal[tuple(SORT_COLUMNS)], Query(description="Sort key (plays = plays, else views). "  # type: ignore[valid-type]
                                                        "Unknown values always come last.")] = "position",
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> JSONResponse:
    db = _db()
    state = _state_or_404(db, analysis_id)
    query = ReelQuery(sort=sort, order=order, filters=params.filters)
    enriched, _profile = load_enriched(db, state)
    try:
        page = page_reels(enriched, query, limit, cursor)
    except BadCursor as exc:
        raise ApiProblem(400, str(exc), slug="invalid-cursor", title="Invalid cursor") from exc
    # Plain JSON (the model documents it): reel keys keep the export's field order.
    return JSONResponse({"reels": page.reels, "next_cursor": page.next_cursor, "total": page.total,
                         "partial": state.is_partial})


@router.get("/analyses/{analysis_id}/summary", response_model=SummaryOut, tags=["results"], responses=_NOT_FOUND,
            summary="KPIs, tier counts, top hashtags, mentions and reels (core.analytics.aggregates)")
def get_summary(analysis_id: AnalysisId,
                top: Annotated[int, Query(ge=1, le=100, description="Rows in each top list.")] = 10) -> SummaryOut:
    db = _db()
    state = _state_or_404(db, analysis_id)
    enriched, profile = load_enriched(db, state)
    return SummaryOut(**summary_json(state, enriched, profile, top, stored_topics(db, analysis_id).topics))


def _record(db: Database, stream, requested_by: str | None = None) -> None:
    """Record the finished export in the history, as the CLI does (when core.exports.history is present)."""
    if not stream.sha256 or importlib.util.find_spec("core.exports.history") is None:
        return
    from core.exports.history import record_export

    try:
        record_export(db, stream, requested_by)
    except Exception:  # noqa: BLE001 - the download already succeeded; the history is best effort
        log.exception("could not record the export of analysis %s", stream.analysis_id)


@router.get("/analyses/{analysis_id}/export", tags=["results"],
            summary="Download the export: the same bytes as `python -m core export`, streamed",
            response_class=StreamingResponse,
            responses={**_NOT_FOUND,
                       200: {"description": "The export file as an attachment named "
                                            "reelscope_<username>_<YYYYmmdd-HHMMSS>.csv|.json[.gz]|.xlsx|.parquet.",
                             "content": {"text/csv": {}, "application/json": {}, "application/gzip": {},
                                         XLSX_MEDIA_TYPE: {}, "application/vnd.apache.parquet": {}}},
                       409: {**_PROBLEM, "description": "The analysis is still running: export it once completed."},
                       422: {**_PROBLEM, "description": "Unknown field name or bad option."}})
def export_analysis(
    analysis_id: AnalysisId,
    params: Annotated[_FilterParams, Depends()],
    person: Caller,
    format_: Annotated[Literal["csv", "json", "xlsx", "parquet"], Query(alias="format")] = "csv",
    plain: Annotated[bool, Query(description="CSV table only, without the BOM and profile header.")] = False,
    fields: Annotated[FieldList | None, Query(max_length=4000, description="Comma-separated field names, in order "
                                                                           "(default: all): " + ", ".join(all_fields()))
                      ] = None,
    gzip: Annotated[bool, Query(description="Gzip the file (.csv.gz / .json.gz; ignored for xlsx and parquet).")] = False,
) -> StreamingResponse:
    db = _db()
    filters = None if params.filters.is_empty else params.filters
    if fields is not None and not any(part.strip() for part in fields.split(",")):  # given, but naming nothing
        raise ApiProblem(422, "fields names no field: leave it out for every field, or list the fields wanted.",
                         slug="unknown-fields", title="Unknown export fields",
                         errors=[{"detail": "empty field list", "pointer": "#/query/fields", "location": "query",
                                  "name": "fields"}])
    try:
        options = ExportOptions(format=format_, plain=plain, fields=parse_fields(fields), gzip=gzip, filters=filters)
        stream = open_export(db, analysis_id, options)
    except UnknownAnalysis as exc:
        raise not_found(analysis_id) from exc
    except AnalysisStillRunning as exc:
        raise ApiProblem(409, str(exc), slug="analysis-running", title="Analysis still running") from exc
    except UnknownFields as exc:
        raise ApiProblem(422, str(exc), slug="unknown-fields", title="Unknown export fields",
                         errors=[{"detail": f"unknown field {name!r}", "pointer": "#/query/fields",
                                  "location": "query", "name": "fields", "field": name} for name in exc.names]) \
            from exc
    except ExportError as exc:
        raise ApiProblem(422, str(exc), slug="validation-error", title="Invalid request") from exc
    headers = {"Content-Disposition": f'attachment; filename="{stream.filename}"',
               "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(iter(stream), media_type=stream.media_type, headers=headers,
                             background=BackgroundTask(_record, db, stream, person.name))
