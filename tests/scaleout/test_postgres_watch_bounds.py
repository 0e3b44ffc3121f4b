"""Issue 22 item 5 on PostgreSQL: the largest interval and reel cap fit its 32-bit integer columns; what would
overflow them is refused before it reaches the database."""

from __future__ import annotations

import pytest

from core.storage.engine import get_database
from core.storage.models import Watch
from core.watchlists.watches import (
    MAX_EVERY_SECONDS,
    InvalidDuration,
    InvalidMaxReels,
    add_watches,
    list_watches,
    parse_duration,
)


def test_the_bounds_fit_postgresql_and_overflowing_values_are_refused(pg_url):
    db = get_database(pg_url)
    add_watches(db, ["pg_bounds"], parse_duration("3650d"), 100_000)
    with db.session() as session:
        stored = session.get(Watch, "pg_bounds")
        assert (stored.every_seconds, stored.max_reels) == (MAX_EVERY_SECONDS, 100_000)
    with pytest.raises(InvalidDuration):
        parse_duration("24856d")  # 2,147,558,400 s: past int32
    with pytest.raises(InvalidMaxReels):
        add_watches(db, ["pg_bounds"], 3600, 2_147_483_648)
    assert [(w.every_seconds, w.max_reels) for w in list_watches(db)] == [(MAX_EVERY_SECONDS, 100_000)]
