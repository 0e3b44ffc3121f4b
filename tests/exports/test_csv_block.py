"""core.exports.csv_encoding.csv_block writes exactly what the csv module writes for the same cells."""

from __future__ import annotations

import math
import random

import numpy as np
import pyarrow as pa
import pytest

from core.exports.csv_encoding import CsvEncoder, csv_block, csv_column

_PIECES = ['"', ",", "\r", "\n", "\t", "=", "+", "-", "@", " ", "\x00", "  =", "é", "日本", "😀", "'", "|", '""', "a", "\\", "\u2028",
           "\x00", "0"]


def _expected(columns: list[list], kinds: list[str]) -> bytes:
    cells = [csv_column(list(values), kind) for values, kind in zip(columns, kinds, strict=True)]
    return CsvEncoder().rows(zip(*cells, strict=True)).encode("utf-8")


def _text(rng: random.Random) -> str | None:
    if rng.random() < 0.1:
        return None
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 6)))


def _float(rng: random.Random) -> float | None:
    choice = rng.random()
    if choice < 0.1:
        return None
    if choice < 0.2:
        return rng.choice([0.0, -0.0, 1.0, 7.0, 1e-4, 1e-5, 1e9, 1e15, 1e16, 1e300, 5e-324, math.inf, -math.inf,
                           999999999.5, 123456789.0, 0.1, 1 / 3])
    if choice < 0.4:
        return float(round(10 ** rng.uniform(-6, 18)))
    sign = -1 if rng.random() < 0.2 else 1
    return sign * 10 ** rng.uniform(-8, 20)


def _column(rng: random.Random, kind: str, n: int) -> list:
    if kind in ("text", "datetime"):
        return [_text(rng) for _ in range(n)]
    if kind == "number":
        return [_float(rng) for _ in range(n)]
    if kind == "integer":
        return [None if rng.random() < 0.1 else rng.choice([0, -1, 10 ** 15, rng.randint(-10 ** 6, 10 ** 9)])
                for _ in range(n)]
    if kind == "boolean":
        return [rng.choice([True, False, None]) for _ in range(n)]
    if kind == "list":
        return [rng.choice([None, []]) if rng.random() < 0.2 else [_text(rng) or "" for _ in range(rng.randint(1, 3))]
                for _ in range(n)]
    raise AssertionError(kind)


KINDS = ["text", "number", "integer", "boolean", "datetime", "list"]


@pytest.mark.parametrize("seed", range(6))
def test_csv_block_matches_the_csv_module(seed: int) -> None:
    rng = random.Random(seed)
    kinds = [rng.choice(KINDS) for _ in range(rng.randint(1, 8))]
    columns = [_column(rng, kind, 400) for kind in kinds]
    assert csv_block(columns, kinds) == _expected(columns, kinds)


@pytest.mark.parametrize("kind", KINDS)
def test_a_single_column_writes_empty_cells_as_quoted_empty_text(kind: str) -> None:
    rng = random.Random(kind)
    columns = [_column(rng, kind, 300)]
    assert csv_block(columns, [kind]) == _expected(columns, [kind])


def test_arrow_columns_match_their_python_values() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([10 ** rng.uniform(-8, 20, 20_000), -(10 ** rng.uniform(-8, 12, 2_000)),
                             np.round(10 ** rng.uniform(0, 17, 5_000)), [np.nan, np.inf, 0.0, -0.0]])
    missing = np.zeros(len(values), dtype=bool)
    missing[::17] = True
    floats = pa.array(values, mask=missing)
    ints = pa.array(rng.integers(-10 ** 12, 10 ** 12, len(values)), mask=missing)
    flags = pa.array(rng.integers(0, 2, len(values)).astype(bool), mask=missing)
    labels = pa.array([rng.choice(["viral", "=bad", "a,b", 'q"q']) for _ in range(len(values))], mask=missing)
    arrays = [floats, ints, flags, labels]
    kinds = ["number", "integer", "boolean", "text"]
    python = [a.to_pylist() for a in arrays]  # nulls → None; NaN and inf stay floats
    assert csv_block(arrays, kinds) == _expected(python, kinds)


def test_unexpected_types_take_the_per_value_path() -> None:
    columns = [[1, 2.5, None, "x"], [1.0, 2, None, 3], [True, 1, None, False], ["a", 1, None, "=b"]]
    kinds = ["integer", "number", "boolean", "computed"]
    assert csv_block(columns, kinds) == _expected(columns, kinds)


def test_no_rows_no_bytes() -> None:
    assert csv_block([[], []], ["text", "number"]) == b""


def test_stored_lists_and_times_convert_as_the_per_value_readers_do() -> None:
    import json

    from core.exports.fields import LIST_SEPARATOR
    from core.exports.rows import _as_lists, _iso_utc_array, _joined_lists, iso_utc

    rng = random.Random(7)
    lists = [[_text(rng) or "" for _ in range(rng.randint(0, 3))] for _ in range(500)]
    stored = [json.dumps(v, ensure_ascii=rng.random() < 0.5, separators=rng.choice([(",", ":"), (", ", ": ")]))
              for v in lists] + ['[ "a" , "b" ]', "[]", '["x"]', '["a\\"b"]']
    expected = [LIST_SEPARATOR.join(v) if v else "" for v in _as_lists(stored)]
    assert _joined_lists(stored).to_pylist() == expected
    with pytest.raises(TypeError):  # as LIST_SEPARATOR.join does
        _joined_lists(['[1, "a"]'])
    times = ["2024-01-01 00:00:00.000000", "2024-01-01 10:11:12.123456", "2024-01-01T10:11:12+00:00",
             "2024-01-01 10:11:12", None]
    assert _iso_utc_array(times).to_pylist() == [iso_utc(v) for v in times]
    for batch in (times[:1], times[1:2], times[:2], ["2024-01-01 00:00:00.00000é"], ["2024-01-01X00:00:00.000000"]):
        assert _iso_utc_array(batch).to_pylist() == [iso_utc(v) for v in batch]  # fixed-width path and its exits


def test_filtered_export_of_times_with_and_without_a_fraction(tmp_path) -> None:
    """A batch mixing whole-second and fractional posting times used to fail the filter's datetime parsing."""
    from datetime import UTC, date, datetime

    from core.analytics.filters import ReelFilters
    from core.domain.fetched import FetchedReel
    from core.exports.documents import ExportOptions, export_bytes
    from core.storage import analyses as store
    from core.storage.engine import Database

    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    [analysis_id] = store.insert_analyses(db, ["mixed"], None, None)
    reels = [FetchedReel(media_id=f"m{i}", shortcode=f"C{i}", url=f"https://www.instagram.com/reel/C{i}/",
                         thumbnail_url=None, caption=None, likes=10, comments=1, plays=100 * (i + 1), views=None,
                         posted_at=datetime(2026, 1, 1 + i, 12, 0, 0, 250_000 if i % 2 else 0, tzinfo=UTC),
                         duration=10.0, product_type="clips", is_pinned=False, hashtags=(), mentions=())
             for i in range(6)]
    store.complete_with_reels(db, analysis_id, reels)
    data = export_bytes(db, analysis_id, ExportOptions(format="csv", plain=True, fields=("shortcode", "posted_at"),
                                                       filters=ReelFilters(date_from=date(2026, 1, 3))))
    assert data.decode().splitlines() == ["shortcode,posted_at", "C2,2026-01-03T12:00:00+00:00",
                                          "C3,2026-01-04T12:00:00.250000+00:00", "C4,2026-01-05T12:00:00+00:00",
                                          "C5,2026-01-06T12:00:00.250000+00:00"]
    db.dispose()
