"""The CLI gives the function's bytes; history regenerates identical files; names never escape the folder."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select, text

import core.exports.documents as exports
import core.exports.rows as export_rows
from core.analytics.metrics import METRICS, enrich_reels
from core.exports.documents import (
    ExportOptions,
    UnknownAnalysis,
    UnknownFields,
    export_bytes,
    export_filename,
    open_export,
    parse_fields,
)
from core.exports.history import (
    cleanup_export_files,
    list_exports,
    record_export,
    regenerate,
    regenerate_bytes,
    safe_export_path,
    write_export_file,
)
from core.storage.analyses import get_state
from core.storage.engine import Database
from core.storage.models import Analysis, ExportRecord
from core.storage.queries import load_profile, load_reels_frame

ROOT = Path(__file__).resolve().parents[2]
EXPORTED_AT = datetime(2026, 5, 1, 14, 3, 0, tzinfo=UTC)


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", "export", *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, **env}, timeout=120)


def _without_timestamp(data: bytes) -> bytes:
    return re.sub(rb'(exported at,|"exported_at": ")[0-9T:+\-]+', rb"\1<t>", data)


@pytest.mark.parametrize("args", [["--format", "csv", "--plain"], ["--format", "csv"], ["--format", "json"],
                                  ["--format", "csv", "--plain", "--fields", "caption,likes,plays_tier"]])
def test_cli_stdout_is_the_functions_bytes(export_env, args):
    db, ids, _, env = export_env
    result = run_cli(env, ids["weird_captions"], *args)
    assert result.returncode == 0, result.stderr.decode()
    exported_at = list_exports(db, ids["weird_captions"])[0].created_at
    options = ExportOptions(format=args[1], plain="--plain" in args,
                            fields=parse_fields(args[args.index("--fields") + 1]) if "--fields" in args else None)
    expected = export_bytes(db, ids["weird_captions"], options, exported_at=exported_at)
    assert result.stdout == expected
    assert _without_timestamp(result.stdout) == _without_timestamp(export_bytes(db, ids["weird_captions"], options,
                                                                                exported_at=exported_at))


def test_cli_writes_gzip_file_and_records_it(export_env, tmp_path):
    db, ids, catalogue, env = export_env
    before = len(list_exports(db, ids["demo_creator"]))
    out = tmp_path / "out.json.gz"
    result = run_cli(env, ids["demo_creator"], "--format", "json", "--gzip", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    document = json.loads(gzip.decompress(out.read_bytes()))
    assert len(document["reels"]) == len(catalogue["demo_creator"].videos)
    history = list_exports(db, ids["demo_creator"])
    assert len(history) == before + 1
    record = history[0]
    assert (record.format, record.gzip, record.rows, record.bytes) == ("json", True, len(document["reels"]),
                                                                       out.stat().st_size)
    assert regenerate_bytes(db, record.export_id)[1] == out.read_bytes()


def test_cli_unknown_analysis_and_unknown_fields_exit_2_with_a_message(export_env):
    _, ids, _, env = export_env
    result = run_cli(env, "no-such-analysis", "--format", "csv")
    assert result.returncode == 2 and result.stdout == b""
    assert b"No analysis with id 'no-such-analysis'" in result.stderr
    result = run_cli(env, ids["demo_creator"], "--format", "json", "--fields", "shortcode,likez,nope")
    assert result.returncode == 2 and result.stdout == b""
    assert b"Unknown export field(s): likez, nope" in result.stderr


def test_unknown_analysis_and_fields_raise_before_any_byte(export_env):
    db, ids, _, _ = export_env
    with pytest.raises(UnknownAnalysis):
        exports.export_chunks(db, "missing", ExportOptions())
    with pytest.raises(UnknownFields) as error:
        exports.export_chunks(db, ids["demo_creator"], ExportOptions(fields=("shortcode", "bogus")))
    assert error.value.names == ["bogus"]


@pytest.mark.parametrize("options", [ExportOptions(format="json"), ExportOptions(format="csv", gzip=True),
                                     ExportOptions(plain=True, fields=("likes", "caption"))])
def test_regenerate_gives_identical_bytes_and_checksum(export_env, options):
    db, ids, _, _ = export_env
    stream = open_export(db, ids["weird_captions"], options)
    original = stream.read_all()
    info = record_export(db, stream)
    time.sleep(1.1)  # a later clock must not leak into the regenerated file
    again = regenerate(db, info.export_id)
    assert again.read_all() == original and again.sha256 == info.sha256 and again.filename == info.filename
    assert info.rows == stream.rows and info.bytes == len(original)


def test_computed_metrics_equal_core_metrics_over_the_whole_analysis_across_batches(export_env, monkeypatch):
    db, ids, _, _ = export_env
    monkeypatch.setattr(export_rows, "BATCH_SIZE", 4)  # many batches: tiers and medians must still be creator-wide
    analysis_id = ids["demo_creator"]
    reels = json.loads(export_bytes(db, analysis_id, ExportOptions(format="json"), exported_at=EXPORTED_AT))["reels"]
    enriched = enrich_reels(load_reels_frame(db, analysis_id), load_profile(db, analysis_id)["followers"],
                            get_state(db, analysis_id).finished_at)
    assert len(reels) == len(enriched) > 4
    for name in METRICS:
        expected = [None if pd.isna(v) else (str(v) if isinstance(v, str) else float(v)) for v in enriched[name]]
        actual = [None if v is None else (v if isinstance(v, str) else float(v)) for v in (r[name] for r in reels)]
        assert actual == expected, name


def test_file_names_are_safe_and_never_escape_the_export_folder(tmp_path, export_env):
    db, ids, _, _ = export_env
    folder = tmp_path / "exports"
    name = export_filename("../../etc/x", EXPORTED_AT, ExportOptions(format="json", gzip=True))
    assert "/" not in name and ".." not in name and name.endswith("_20260501-140300.json.gz")
    for hostile in ("../../etc/x", "/etc/passwd", "..\\..\\x", "a/../../b", "..", ".hidden", "x\x00y"):
        path = safe_export_path(hostile, folder)
        assert path.parent == folder.resolve()
    stream = open_export(db, ids["demo_creator"], ExportOptions())
    stream.filename = "../../etc/x"
    written = write_export_file(stream, folder)
    assert written.parent == folder.resolve() and written.read_bytes().startswith("\ufeff".encode())
    assert not (tmp_path.parent / "etc").exists()


def test_old_export_files_are_cleaned_after_the_retention_period(tmp_path, monkeypatch):
    monkeypatch.setenv("REELSCOPE_EXPORT_RETENTION_DAYS", "2")
    old, fresh, other = (tmp_path / "reelscope_a_1.csv", tmp_path / "reelscope_b_2.csv", tmp_path / "notes.txt")
    for path in (old, fresh, other):
        path.write_text("x")
    three_days_ago = time.time() - 3 * 86400
    os.utime(old, (three_days_ago, three_days_ago))
    os.utime(other, (three_days_ago, three_days_ago))
    assert cleanup_export_files(tmp_path) == [old]
    assert not old.exists() and fresh.exists() and other.exists()


def test_exports_of_an_analysis_without_reels_and_the_history_cascade(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    with db.transaction() as session:
        session.add(Analysis(id="a-1", username="nobody", status="failed"))
    header_only = export_bytes(db, "a-1", ExportOptions(), exported_at=EXPORTED_AT).decode("utf-8")
    assert header_only.startswith("\ufeffusername,nobody\r\nuser id,\r\n")
    assert header_only.splitlines()[-1].startswith("shortcode,media_id")
    stream = open_export(db, "a-1", ExportOptions(format="json"))
    document = json.loads(stream.read_all())
    assert document["reels"] == [] and document["profile"]["username"] == "nobody"
    record_export(db, stream)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM analyses WHERE id = 'a-1'"))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ExportRecord)) == 0
    db.dispose()


def test_export_what_i_see_applies_the_results_filters_to_creator_wide_metrics(export_env, monkeypatch):
    from core.analytics.filters import ReelFilters, apply_filters, describe

    db, ids, _, env = export_env
    monkeypatch.setattr(export_rows, "BATCH_SIZE", 7)
    analysis_id = ids["demo_creator"]
    filters = ReelFilters(tiers=("viral", "strong", "typical"), hashtag="#travel")
    document = json.loads(export_bytes(db, analysis_id, ExportOptions(format="json", filters=filters),
                                       exported_at=EXPORTED_AT))
    enriched = enrich_reels(load_reels_frame(db, analysis_id), load_profile(db, analysis_id)["followers"],
                            get_state(db, analysis_id).finished_at)
    seen = apply_filters(enriched, filters)
    assert 0 < len(seen) < len(enriched)
    assert [r["shortcode"] for r in document["reels"]] == list(seen["shortcode"])
    assert [r["plays_tier"] for r in document["reels"]] == [str(t) for t in seen["plays_tier"]]
    assert document["analysis"]["filters"] == filters.to_dict() and document["reel_count"] == len(seen)

    stream = open_export(db, analysis_id, ExportOptions(filters=filters.to_dict()))
    data = stream.read_all()
    assert f"filters applied,{describe(filters)}".encode() in data
    info = record_export(db, stream)
    assert info.filters == filters.to_dict() and info.rows == len(seen)
    assert regenerate_bytes(db, info.export_id)[1] == data

    everything = open_export(db, analysis_id, ExportOptions(filters=ReelFilters()))
    assert everything.context.filters is None and b"filters applied,none (everything)" in everything.read_all()

    result = run_cli(env, analysis_id, "--plain", "--fields", "shortcode", "--filters", json.dumps(filters.to_dict()))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split("\r\n")[1:-1] == list(seen["shortcode"])
