"""Completed analyses of one profile as snapshots over time: what growth charts and alerts compare."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select

from core.storage import queries
from core.storage.engine import Database
from core.storage.models import Analysis, Status


@dataclass(frozen=True)
class Snapshot:
    """One completed analysis: when it finished, the profile as it was, and its reels (core.storage.queries frame)."""

    analysis_id: str
    taken_at: datetime
    profile: dict
    reels: pd.DataFrame


def _snapshot(db: Database, analysis: Analysis) -> Snapshot:
    return Snapshot(analysis.id, analysis.finished_at or analysis.created_at,
                    queries.load_profile(db, analysis.id) or {}, queries.load_reels_frame(db, analysis.id))


def completed_snapshots(db: Database, username: str, limit: int = 100) -> list[Snapshot]:
    """The profile's latest ``limit`` completed analyses, oldest first."""
    with db.session() as session:
        analyses = list(session.scalars(select(Analysis).where(Analysis.username == username,
                                                               Analysis.status == Status.COMPLETED)
                                        .order_by(Analysis.created_at.desc()).limit(limit)))
    return [_snapshot(db, a) for a in reversed(analyses)]


def snapshot_with_previous(db: Database, analysis_id: str) -> tuple[Snapshot | None, Snapshot | None]:
    """A completed analysis and the same profile's latest completed analysis created before it (or None)."""
    with db.session() as session:
        current = session.get(Analysis, analysis_id)
        if current is None or current.status != Status.COMPLETED:
            return None, None
        previous = session.scalar(select(Analysis).where(Analysis.username == current.username,
                                                         Analysis.status == Status.COMPLETED,
                                                         Analysis.id != current.id,
                                                         Analysis.created_at < current.created_at)
                                  .order_by(Analysis.created_at.desc()).limit(1))
    return _snapshot(db, current), (None if previous is None else _snapshot(db, previous))
