"""/api/v1/watches and /api/v1/alerts: the watchlist, growth across snapshots, and alerts (README: Watchlists and alerts)."""

from __future__ import annotations

import math
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path, Query, Response, status

from api.caller import FORBIDDEN, Admin
from api.problems import ApiProblem
from api.schemas import USERNAME_PATTERN, AlertList, AlertOut, GrowthOut, Problem, WatchList, WatchOut, WatchRequest
from core.analytics import growth
from core.domain.usernames import normalise_username, validate_username
from core.jobs import submission
from core.storage.engine import get_database
from core.storage.snapshots import completed_snapshots
from core.watchlists import watches
from core.watchlists.alerts import alert_record, list_alerts

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX)

_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
# The pattern is documented; a name breaking it gets this API's own 422 naming the rule (as the CLI's exit 2).
_NAME_SCHEMA = {"pattern": USERNAME_PATTERN}
Username = Annotated[str, Path(description="A watched profile (with or without '@').", max_length=64,
                               json_schema_extra=_NAME_SCHEMA)]


def _valid_name(raw: str, pointer: str) -> str:
    """The normalised name, or 422 naming the rule it breaks (as the CLI's exit 2)."""
    try:
        return validate_username(raw)
    except ValueError as exc:
        raise ApiProblem(422, str(exc), slug="invalid-usernames", title="Invalid usernames",
                         errors=[{"detail": str(exc), "username": raw, "pointer": pointer}]) from exc


def _watch(state: watches.WatchState) -> WatchOut:
    return WatchOut(username=state.username, every_seconds=state.every_seconds, max_reels=state.max_reels,
                    last_analysis_id=state.last_analysis_id, last_run_at=state.last_run_at,
                    next_due_at=state.next_due_at, due=state.due, last_status=state.last_status)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: unknown values (<NA>, NaN) become null, timestamps ISO 8601."""
    rows = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for key, value in row.items():
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                clean[key] = None
            elif isinstance(value, pd.Timestamp):
                clean[key] = value.isoformat()
            elif isinstance(value, list):
                clean[key] = value
            elif hasattr(value, "item"):
                clean[key] = value.item()
            else:
                clean[key] = value
        rows.append(clean)
    return rows


@router.get("/watches", response_model=WatchList, tags=["watches"], summary="Every watch, with when it is next due")
def list_watches() -> WatchList:
    return WatchList(watches=[_watch(w) for w in watches.list_watches(get_database())])


@router.post("/watches", status_code=status.HTTP_201_CREATED, response_model=WatchList, tags=["watches"],
             summary="Watch profiles (or change the interval of watched ones)",
             responses={**FORBIDDEN,
                        422: {**_PROBLEM, "description": "An invalid username or interval; nothing was stored."}})
def add_watches(body: WatchRequest, person: Admin) -> WatchList:
    db = get_database()
    try:
        names = watches.add_watches(db, body.usernames, watches.parse_duration(body.every), body.max_reels,
                                    requested_by=person.name)
    except watches.InvalidDuration as exc:
        raise ApiProblem(422, str(exc), slug="invalid-interval", title="Invalid interval",
                         errors=[{"detail": str(exc), "pointer": "#/every"}]) from exc
    except watches.InvalidMaxReels as exc:
        raise ApiProblem(422, str(exc), slug="validation-error", title="Invalid request",
                         errors=[{"detail": str(exc), "pointer": "#/max_reels"}]) from exc
    except submission.InvalidSubmission as exc:
        errors = [{"detail": str(r), "username": r.raw, "rule": r.reason, "pointer": "#/usernames"}
                  for r in exc.rejected] or [{"detail": str(exc), "pointer": "#/usernames"}]
        raise ApiProblem(422, str(exc), slug="invalid-usernames", title="Invalid usernames", errors=errors) from exc
    return WatchList(watches=[_watch(w) for w in watches.list_watches(db) if w.username in names])


@router.delete("/watches/{username}", status_code=status.HTTP_204_NO_CONTENT, tags=["watches"],
               summary="Stop watching a profile (its analyses and alerts are kept)",
               responses={**FORBIDDEN, 404: {**_PROBLEM, "description": "The profile is not watched."}})
def remove_watch(username: Username, _: Admin) -> Response:
    try:
        watches.remove_watches(get_database(), [username])
    except (watches.UnknownWatch, submission.InvalidSubmission) as exc:
        raise ApiProblem(404, f"@{normalise_username(username)} is not watched.", slug="watch-not-found",
                         title="Watch not found") from exc
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/watches/{username}/growth", response_model=GrowthOut, tags=["watches"],
            summary="Followers, median plays and engagement over every snapshot; plays gained; new reels",
            responses={404: {**_PROBLEM, "description": "The profile is not watched and has no completed analysis."},
                       422: {**_PROBLEM, "description": "An invalid username."}})
def profile_growth(username: Username,
                   limit: Annotated[int, Query(ge=1, le=1000, description="Latest N snapshots.")] = 100) -> GrowthOut:
    name = _valid_name(username, "#/path/username")
    db = get_database()
    snapshots = completed_snapshots(db, name, limit=limit)
    if not snapshots and not watches.is_watched(db, name):
        raise ApiProblem(404, f"@{name} is not watched and has no completed analysis.", slug="watch-not-found",
                         title="Watch not found")
    history = growth.reel_plays_history(snapshots)
    fresh = (growth.new_reels(snapshots[-2].reels, snapshots[-1].reels) if len(snapshots) >= 2
             else pd.DataFrame(columns=["media_id", "shortcode", "url", "plays", "views", "likes", "posted_at"]))
    return GrowthOut(username=name, snapshots=_records(growth.profile_growth(snapshots)),
                     reel_gains=_records(growth.latest_gains(history)),
                     new_reels=_records(fresh[["media_id", "shortcode", "url", "plays", "views", "likes",
                                               "posted_at"]]))


@router.get("/alerts", response_model=AlertList, tags=["watches"], summary="Alerts raised by watch analyses",
            responses={422: {**_PROBLEM, "description": "An invalid username."}})
def alerts(username: Annotated[str | None, Query(description="Only this profile (with or without '@').",
                                                max_length=64, json_schema_extra=_NAME_SCHEMA)] = None,
           limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> AlertList:
    name = _valid_name(username, "#/query/username") if username else None
    return AlertList(alerts=[AlertOut(**alert_record(a)) for a in list_alerts(get_database(), username=name,
                                                                            limit=limit)])
