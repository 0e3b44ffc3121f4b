"""The Parquet export, read back with pandas, polars and DuckDB: ids exact (above 2^53 too), nulls stay null,
counts are nullable integers, times UTC timestamps, lists list columns; the CSV's documented pandas dtypes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.exports.documents import ExportOptions, export_bytes, open_export
from core.exports.fields import CSV_READ_DTYPES

ID_FIELDS = ("media_id", "location_id", "audio_id")
COUNTS = ("likes", "comments", "plays", "views")


def _json_reels(db, analysis_id) -> list[dict]:
    return json.loads(export_bytes(db, analysis_id, ExportOptions(format="json")))["reels"]


def _parquet(db, analysis_id, **options) -> bytes:
    return export_bytes(db, analysis_id, ExportOptions(format="parquet", **options))


def _none(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


def test_pandas_reads_every_id_exactly_and_nulls_as_nulls(export_env):
    db, ids, _, _ = export_env
    expected = _json_reels(db, ids["demo_creator"])
    frame = pd.read_parquet(io.BytesIO(_parquet(db, ids["demo_creator"])))
    assert any(r["audio_id"] and int(r["audio_id"]) > 2 ** 53 for r in expected)  # the case that matters is here
    assert any(r["audio_id"] is None for r in expected) and any(r["location_id"] is None for r in expected)
    for name in ID_FIELDS:
        assert [_none(v) for v in frame[name]] == [r[name] for r in expected], name


def test_pandas_gets_nullable_integer_counts_and_utc_timestamps(export_env):
    db, ids, _, _ = export_env
    expected = _json_reels(db, ids["hidden_likes"])
    frame = pd.read_parquet(io.BytesIO(_parquet(db, ids["hidden_likes"])))
    assert all(str(frame[name].dtype) == "Int64" for name in COUNTS)
    assert [_none(v) for v in frame["likes"]] == [r["likes"] for r in expected]
    assert None in [r["likes"] for r in expected]
    assert str(frame["posted_at"].dtype) == "datetime64[us, UTC]"
    assert [t.isoformat() for t in frame["posted_at"]] == [datetime.fromisoformat(r["posted_at"]).isoformat()
                                                            for r in expected]


def test_lists_are_list_columns_and_unknown_lists_stay_null(export_env):
    db, ids, _, _ = export_env
    expected = _json_reels(db, ids["demo_creator"])
    table = pq.read_table(io.BytesIO(_parquet(db, ids["demo_creator"])))
    assert pa.types.is_list(table.schema.field("hashtags").type)
    assert table.column("collaborators").to_pylist() == [r["collaborators"] for r in expected]
    assert table.column("hashtags").to_pylist() == [r["hashtags"] for r in expected]


def test_polars_and_duckdb_read_the_same_values(export_env, tmp_path):
    db, ids, _, _ = export_env
    expected = _json_reels(db, ids["demo_creator"])
    path = tmp_path / "reels.parquet"
    path.write_bytes(_parquet(db, ids["demo_creator"]))
    frame = pl.read_parquet(path)
    assert frame["audio_id"].to_list() == [r["audio_id"] for r in expected]
    assert frame["plays"].dtype == pl.Int64 and frame["plays"].to_list() == [r["plays"] for r in expected]
    rows = duckdb.sql(f"SELECT audio_id, likes, sponsors FROM read_parquet('{path}')").fetchall()
    assert rows == [(r["audio_id"], r["likes"], r["sponsors"]) for r in expected]


def test_metadata_carries_the_profile_and_data_dictionary(export_env):
    db, ids, _, _ = export_env
    schema = pq.read_schema(io.BytesIO(_parquet(db, ids["demo_creator"], fields=("shortcode", "plays"))))
    meta = json.loads(schema.metadata[b"reelscope"])
    assert meta["profile"]["username"] == "demo_creator"
    assert list(meta["data_dictionary"]) == ["shortcode", "plays"]
    assert schema.names == ["shortcode", "plays"]


def test_parquet_is_deterministic_and_never_gzipped(export_env):
    db, ids, _, _ = export_env
    stamp = datetime(2026, 5, 1, 12, 0)
    first = open_export(db, ids["weird_captions"], ExportOptions(format="parquet", gzip=True), exported_at=stamp)
    again = open_export(db, ids["weird_captions"], ExportOptions(format="parquet"), exported_at=stamp)
    assert first.read_all() == again.read_all()
    assert first.filename.endswith(".parquet") and first.media_type == "application/vnd.apache.parquet"


def test_cli_writes_parquet(export_env, tmp_path):
    _, ids, _, env = export_env
    out = tmp_path / "out.parquet"
    result = subprocess.run([sys.executable, "-m", "core", "export", ids["demo_creator"], "--format", "parquet",
                             "-o", str(out)], env={**__import__("os").environ, **env}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert pd.read_parquet(out)["media_id"].map(type).eq(str).all()


@pytest.mark.parametrize("username", ["demo_creator", "hidden_likes"])
def test_plain_csv_read_with_the_documented_dtypes_keeps_ids_exact(export_env, username):
    db, ids, _, _ = export_env
    expected = _json_reels(db, ids[username])
    frame = pd.read_csv(io.BytesIO(export_bytes(db, ids[username], ExportOptions(plain=True))), dtype=CSV_READ_DTYPES)
    for name in ID_FIELDS:
        assert [_none(v) for v in frame[name]] == [r[name] for r in expected], name


def test_the_documented_dtypes_are_needed_a_bare_read_csv_rounds_audio_ids(export_env):
    """Why the README, the panel and the data dictionary name the dtypes: blanks make pandas read ids as floats."""
    db, ids, _, _ = export_env
    expected = [r["audio_id"] for r in _json_reels(db, ids["demo_creator"])]
    bare = pd.read_csv(io.BytesIO(export_bytes(db, ids["demo_creator"], ExportOptions(plain=True))))
    assert bare["audio_id"].dtype == "float64"
    assert [None if v != v else str(int(v)) for v in bare["audio_id"]] != expected
