"""Per-reel context on PostgreSQL: the 0007 columns via the migration, the insert path, the exports read back."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import openpyxl

from core.domain.fetched import FetchedProfile, FetchedReel
from core.exports.documents import ExportOptions, export_bytes
from core.instagram.reel_context import CONTEXT_NAMES
from core.storage import analyses as store
from core.storage.engine import get_database

CONTEXT = {"collaborators": ("ann", "bob"), "sponsors": (), "tagged_users": None, "is_paid_partnership": True,
           "location_name": "Lisbon, Portugal", "location_id": "106339232735538", "audio_type": "licensed",
           "audio_title": "Song", "audio_artist": "Band", "audio_id": "9007199254740993",
           "comments_disabled": None}


def _reel(position: int, **context) -> FetchedReel:
    return FetchedReel(media_id=str(100 + position), shortcode=f"C{position}", url=f"https://www.instagram.com/reel/C{position}/",
                       thumbnail_url=None, caption="=1+1 hi", likes=5, comments=1, plays=100, views=None,
                       posted_at=datetime(2026, 5, 1, 14, 3, tzinfo=UTC), duration=12.0, product_type="clips",
                       is_pinned=False, hashtags=("a",), mentions=(), **context)


def test_context_round_trips_through_postgresql_exports(pg_url):
    db = get_database(pg_url)
    [analysis_id] = store.insert_analyses(db, ["pg_context"], None, owner="test")
    assert store.mark_started(db, analysis_id, "test")
    store.save_profile(db, analysis_id, FetchedProfile("1", "pg_context", None, None, 10, 1, 2, False, None, None))
    store.complete_with_reels(db, analysis_id, [_reel(0, **CONTEXT), _reel(1)], withheld_fields=[])
    reels = json.loads(export_bytes(db, analysis_id, ExportOptions(format="json")))["reels"]
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in CONTEXT.items()}
    assert {k: reels[0][k] for k in CONTEXT_NAMES} == expected
    assert {k: reels[1][k] for k in CONTEXT_NAMES} == dict.fromkeys(CONTEXT_NAMES)
    rows = list(openpyxl.load_workbook(io.BytesIO(export_bytes(db, analysis_id, ExportOptions(format="xlsx"))))
                ["Reels"].iter_rows(values_only=True))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["collaborators"], first["audio_id"], first["is_paid_partnership"]) == \
        ("ann|bob", "9007199254740993", True)
    assert first["caption"] == "=1+1 hi"
