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
    """The profile's latest ``limit`` completed analyses from the data source of its newest one, oldest first
    (growth never mixes demo data with Instagram's)."""
    with db.session() as session:
        completed = select(Analysis).where(Analysis.username == username, Analysis.status == Status.COMPLETED)
        newest = session.scalar(completed.order_by(Analysis.created_at.desc()).limit(1))
        if newest is None:
            return []
        analyses = list(session.scalars(completed.where(Analysis.data_source == newest.data_source)
                                        .order_by(Analysis.created_at.desc()).limit(limit)))
    return [_snapshot(db, a) for a in reversed(analyses)]


def snapshot_with_previous(db: Database, analysis_id: str) -> tuple[Snapshot | None, Snapshot | None]:
    """A completed analysis and the same profile's latest completed analysis from the same data source created
    before it (or None): alerts never compare demo data with Instagram's."""
    with db.session() as session:
        current = session.get(Analysis, analysis_id)
        if current is None or current.status != Status.COMPLETED:
            return None, None
        previous = session.scalar(select(Analysis).where(Analysis.username == current.username,
                                                         Analysis.status == Status.COMPLETED,
                                                         Analysis.id != current.id,
                                                         Analysis.data_source == current.data_source,
                                                         Analysis.created_at < current.created_at)
                                  .order_by(Analysis.created_at.desc()).limit(1))
    return _snapshot(db, current), (None if previous is None else _snapshot(db, previous))
