"""complete_with_reels' SQLite fast path stores exactly what SQLAlchemy's typed Core insert stores."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from core.domain.fetched import FetchedReel
from core.storage import analyses as store
from core.storage.engine import Database
from core.storage.models import Reel

_COLUMNS = ", ".join(c for c in store._REEL_INSERT_COLUMNS if c != "analysis_id")


def _reels() -> list[FetchedReel]:
    tokyo = timezone(timedelta(hours=9))
    return [FetchedReel(media_id=f"m{i}", shortcode=f"C{i}", url=f"https://www.instagram.com/reel/C{i}/",
                        thumbnail_url=None if i % 2 else "https://cdn.example/x.jpg",
                        caption=[None, "", "=1+1 'quoted' \"x\"", "日本語 😀 #tag", "line\nbreak"][i % 5],
                        likes=[None, 0, 7, 10 ** 12][i % 4], comments=i, plays=None if i % 3 else i * 100,
                        views=None, posted_at=datetime(2026, 1, 2, 3, 4, 5, i * 1000 % 1_000_000,
                                                        tzinfo=UTC if i % 2 else tokyo),
                        duration=[None, 0.0, 12.345, 1e-7][i % 4], product_type=["clips", None][i % 2],
                        is_pinned=i == 0, hashtags=[(), ("a",), ("日本", 'q"q', "b\\s")][i % 3],
                        mentions=("friend",) if i % 2 else ()) for i in range(40)]


def test_fast_insert_matches_the_typed_core_insert(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    fast, typed = store.insert_analyses(db, ["fast", "typed"], None, None)
    reels = _reels()
    store.complete_with_reels(db, fast, reels)
    with db.transaction() as session:
        session.execute(insert(Reel), store.reel_rows(typed, reels))
    db.dispose()
    with sqlite3.connect(tmp_path / "store.db") as raw:
        def rows(analysis_id: str) -> list[tuple]:
            return raw.execute(f"SELECT {_COLUMNS}, typeof(posted_at), typeof(hashtags) FROM reels "
                               "WHERE analysis_id = ? ORDER BY position", (analysis_id,)).fetchall()
        assert rows(fast) == rows(typed)
        assert len(rows(fast)) == len(reels)


def test_naive_times_are_refused(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    [analysis_id] = store.insert_analyses(db, ["naive"], None, None)
    reel = _reels()[0]
    naive = FetchedReel(**{**reel.__dict__, "posted_at": datetime(2026, 1, 1)})
    with pytest.raises(ValueError, match="naive"):
        store.complete_with_reels(db, analysis_id, [naive])
    db.dispose()
