"""The CSV read leaves out stored columns that are NULL in every reel (found by the metrics' lean read); what it
writes must equal the per-value path, which reads every column, whether a context column is empty, partly filled
or filled."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from core.domain.fetched import FetchedReel
from core.exports.csv_encoding import CsvEncoder, csv_block, csv_column
from core.exports.fields import all_fields
from core.exports.rows import ReelBatches
from core.storage import analyses as store
from core.storage.engine import Database

METRICS_AT = datetime(2026, 3, 1, tzinfo=UTC)


def _reel(i: int, **context) -> FetchedReel:
    return FetchedReel(media_id=f"m{i}", shortcode=f"C{i}", url=f"https://www.instagram.com/reel/C{i}/",
                       thumbnail_url=None, caption=f"=caption {i}, #tag" if i % 3 == 0 else None,
                       likes=None if i % 4 == 0 else 10 * i, comments=i, plays=100 * (i + 1), views=None,
                       posted_at=datetime(2026, 1, 1 + i, 12, 0, 0, 250_000 if i % 2 else 0, tzinfo=UTC),
                       duration=10.5, product_type="clips", is_pinned=i == 1, hashtags=("tag",) if i % 3 == 0 else (),
                       mentions=(), **context)


def _analysis(tmp_path, context_of) -> tuple[Database, str]:
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    [analysis_id] = store.insert_analyses(db, ["nulls"], None, None)
    store.complete_with_reels(db, analysis_id, [_reel(i, **context_of(i)) for i in range(12)])
    return db, analysis_id


def _both_paths(db: Database, analysis_id: str) -> tuple[bytes, bytes, ReelBatches]:
    fields = all_fields()
    arrays = ReelBatches(db, analysis_id, fields, followers=500, metrics_at=METRICS_AT, batch_size=5, arrays=True)
    fast = b"".join(csv_block([batch[name] for name in fields], [arrays.kinds[name] for name in fields])
                    for batch in arrays)
    plain = ReelBatches(db, analysis_id, fields, followers=500, metrics_at=METRICS_AT, batch_size=5)
    encoder = CsvEncoder()
    slow = "".join(encoder.rows(zip(*[csv_column(batch[name], plain.kinds[name]) for name in fields], strict=True))
                   for batch in plain).encode("utf-8")
    return fast, slow, arrays


@pytest.mark.parametrize("context_of", [
    lambda i: {},  # no reel has any context: every context column left out of the read
    lambda i: {"location_name": "Café, Paris"} if i == 7 else {},  # one reel has one: that column is read
    lambda i: {"collaborators": ("a", "b"), "is_paid_partnership": i % 2 == 0, "audio_title": '"Song"',
               "comments_disabled": False},
], ids=["all-null", "one-value", "filled"])
def test_csv_rows_equal_the_per_value_path(tmp_path, context_of) -> None:
    db, analysis_id = _analysis(tmp_path, context_of)
    fast, slow, _ = _both_paths(db, analysis_id)
    db.dispose()
    assert fast == slow
    assert len(list(csv.reader(io.StringIO(fast.decode())))) == 12


def test_a_column_null_in_every_reel_is_not_read_but_written_empty(tmp_path) -> None:
    db, analysis_id = _analysis(tmp_path, lambda i: {"location_name": "Lyon"} if i == 11 else {})
    fast, _, arrays = _both_paths(db, analysis_id)
    db.dispose()
    rows = list(csv.DictReader(io.StringIO(fast.decode()), fieldnames=list(all_fields())))
    assert [row["location_name"] for row in rows] == [""] * 11 + ["Lyon"]
    assert {row["audio_title"] for row in rows} == {""}
    assert [row["views"] for row in rows] == [""] * 12
    assert "location_name" in arrays.read_columns
    assert not {"audio_title", "views", "collaborators", "thumbnail_url"} & set(arrays.read_columns)
