"""The store's memory of Instagram routes refused as retired (``core.instagram.routes.RouteMemory``).

Every process (dashboard, API, workers, CLI) reads the same table, so a refusal learned once is skipped
everywhere until ``REELSCOPE_ROUTE_SKIP_HOURS`` have passed; then the route is tried again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.instagram.routes import Refusal, Route
from core.settings import load_settings
from core.storage.engine import Database, get_database, retry_when_locked
from core.storage.models import RouteRefusal


class StoredRouteMemory:
    """``refused_since`` reads the table at most every ``fresh_seconds`` (an anonymous analysis asks before every
    post-detail request); ``all_refusals`` always reads it."""

    def __init__(self, db: Database, skip: timedelta, fresh_seconds: float = 5.0) -> None:
        self.db = db
        self.skip = skip
        self.fresh_seconds = fresh_seconds
        self._cached: tuple[float, dict[str, tuple[datetime, Refusal]]] | None = None

    def refused_since(self, route: Route) -> tuple[datetime, Refusal] | None:
        if self._cached is None or time.monotonic() - self._cached[0] > self.fresh_seconds:
            self._cached = (time.monotonic(), self.all_refusals())
        found = self._cached[1].get(route.key)
        return found if found is not None and found[0] > datetime.now(UTC) - self.skip else None

    @retry_when_locked
    def remember(self, route: Route, refusal: Refusal) -> None:
        with self.db.transaction() as session:
            row = session.get(RouteRefusal, route.key)
            if row is None:
                session.add(RouteRefusal(route=route.key, capability=route.capability, status=refusal.status,
                                         message=refusal.message[:2000], refused_at=datetime.now(UTC)))
            else:
                row.status, row.message, row.refused_at = refusal.status, refusal.message[:2000], datetime.now(UTC)
        self._cached = None

    def all_refusals(self) -> dict[str, tuple[datetime, Refusal]]:
        cutoff = datetime.now(UTC) - self.skip
        with self.db.session() as session:
            rows = session.scalars(select(RouteRefusal).where(RouteRefusal.refused_at > cutoff)).all()
        return {row.route: (row.refused_at, Refusal(row.status, row.message)) for row in rows}


def shared_route_memory() -> StoredRouteMemory:
    """The route memory of the configured store (DATABASE_URL), which every process shares."""
    settings = load_settings()
    return StoredRouteMemory(get_database(settings.database_url), timedelta(hours=settings.route_skip_hours))
