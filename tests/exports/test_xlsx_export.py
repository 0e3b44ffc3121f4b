"""The Excel workbook read back with openpyxl: every Reels cell equals what the emulator served (raw fields) and
what the JSON export says (every field), numbers as numbers, times as dates, URLs as links, text never a formula."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils.escape import unescape

from core.exports.documents import ExportOptions, all_fields, export_bytes, open_export
from core.exports.xlsx import CELL_LIMIT, SHEETS, TRUNCATION_MARK, _CellWriter, _Formats, cell_text, hashtag_counts
from tests.exports.context_expectations import expected_context
from tests.exports.test_export_roundtrip import EXPORTED_AT, PROFILES, expected_json_reel


def _workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(sheet) -> list[tuple]:
    """The sheet's values, strings with OOXML's _xHHHH_ escapes decoded, as Excel shows them (openpyxl leaves the
    escapes XlsxWriter writes for control characters such as a caption's carriage return)."""
    return [tuple(unescape(v) if isinstance(v, str) else v for v in row) for row in sheet.iter_rows(values_only=True)]


def _expected_cell(value):
    """A JSON export value as openpyxl reads its Excel cell back."""
    if isinstance(value, list):
        return "|".join(value) or None  # an empty list is an empty string cell, which openpyxl reads as None
    if value == "":
        return None
    return value


@pytest.mark.parametrize("username", PROFILES)
def test_every_reels_cell_equals_what_the_emulator_served(export_env, username):
    db, ids, catalogue, _ = export_env
    profile = catalogue[username]
    book = _workbook(export_bytes(db, ids[username], ExportOptions(format="xlsx"), exported_at=EXPORTED_AT))
    assert book.sheetnames == list(SHEETS)
    rows = _rows(book["Reels"])
    assert list(rows[0]) == list(all_fields())
    document = json.loads(export_bytes(db, ids[username], ExportOptions(format="json")))
    assert len(rows) - 1 == len(profile.videos) == len(document["reels"])
    for media, row, reel in zip(profile.videos, rows[1:], document["reels"], strict=True):
        cells = dict(zip(rows[0], row, strict=True))
        served = {**expected_json_reel(media), **expected_context(profile, media)}
        served["posted_at"] = datetime.fromtimestamp(media.taken_at, UTC).replace(tzinfo=None)
        assert {k: cells[k] for k in served} == {k: _expected_cell(v) for k, v in served.items()}, media.code
        for name in all_fields():  # computed metrics too: as the JSON export has them
            expected = reel[name]
            if name == "posted_at":
                continue
            if isinstance(expected, float):
                assert cells[name] == pytest.approx(expected, rel=1e-12), name
            else:
                assert cells[name] == _expected_cell(expected), name


def test_reels_sheet_is_typed_linked_frozen_and_filtered(export_env):
    db, ids, catalogue, _ = export_env
    book = _workbook(export_bytes(db, ids["demo_creator"], ExportOptions(format="xlsx")))
    sheet = book["Reels"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    second = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert second["likes"].data_type == "n" and isinstance(second["likes"].value, int)
    assert second["posted_at"].is_date and "UTC" in sheet.cell(1, header.index("posted_at") + 1).comment.text
    assert second["posted_at"].number_format.endswith('"UTC"')
    assert second["url"].hyperlink.target == second["url"].value
    assert second["is_pinned"].data_type == "b"
    assert sheet.column_dimensions["A"].width > 8


def test_the_profile_sheet_has_the_snapshot_access_and_withheld_fields(export_env):
    db, ids, catalogue, _ = export_env
    profile = catalogue["hidden_likes"]
    book = _workbook(export_bytes(db, ids["hidden_likes"], ExportOptions(format="xlsx"), exported_at=EXPORTED_AT))
    values = {row[0]: row[1] for row in book["Profile"].iter_rows(min_row=2, values_only=True)}
    assert values["username"] == "hidden_likes" and values["user id"] == profile.user_id
    assert values["biography"] == profile.biography
    assert values["followers"] == profile.followers and values["media count"] == profile.media_count
    assert values["access"] == "logged in as @demo_viewer" and values["withheld by Instagram"] == "nothing"
    assert values["exported at (UTC)"] == datetime(2026, 5, 1, 14, 3)


def test_hashtags_and_dictionary_sheets(export_env):
    db, ids, catalogue, _ = export_env
    book = _workbook(export_bytes(db, ids["demo_creator"], ExportOptions(format="xlsx")))
    reels = json.loads(export_bytes(db, ids["demo_creator"], ExportOptions(format="json")))["reels"]
    tags = [tuple(r) for r in book["Hashtags"].iter_rows(min_row=2, values_only=True)]
    assert tags == hashtag_counts([[r["hashtags"] for r in reels]])
    dictionary = {r[0]: r for r in book["Data dictionary"].iter_rows(min_row=2, values_only=True)}
    assert list(dictionary) == list(all_fields())
    assert "coauthor" in dictionary["collaborators"][4]


def test_formula_like_captions_are_strings_never_formulas(export_env):
    db, ids, catalogue, _ = export_env
    book = _workbook(export_bytes(db, ids["weird_captions"], ExportOptions(format="xlsx", fields=("caption",))))
    cells = [row[0] for row in book["Reels"].iter_rows(min_row=2)]
    formula = next(c for c in cells if c.value and c.value.startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    assert [unescape(c.value) if c.value else None for c in cells] == \
        [m.caption or None for m in catalogue["weird_captions"].videos]


def test_text_over_the_cell_limit_is_cut_and_marked(tmp_path):
    long = "=" + "x" * (CELL_LIMIT + 50)
    assert len(cell_text(long)) == CELL_LIMIT and cell_text(long).endswith(TRUNCATION_MARK)
    assert cell_text("short") == "short"
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Reels")
    fmt = book.add_format()
    _CellWriter(sheet, _Formats(fmt, fmt, fmt, fmt)).write(0, 0, long, "text", "caption")
    book.close()
    cell = openpyxl.load_workbook(path)["Reels"]["A1"]
    assert cell.data_type == "s" and cell.value == long[:CELL_LIMIT - len(TRUNCATION_MARK)] + TRUNCATION_MARK


def test_same_export_gives_the_same_bytes_and_gzip_is_ignored(export_env):
    db, ids, _, _ = export_env
    stream = open_export(db, ids["hidden_likes"], ExportOptions(format="xlsx", gzip=True), exported_at=EXPORTED_AT)
    first = stream.read_all()
    assert stream.filename.endswith(".xlsx") and stream.media_type.endswith("spreadsheetml.sheet")
    again = open_export(db, ids["hidden_likes"], ExportOptions(format="xlsx"), exported_at=EXPORTED_AT).read_all()
    assert first == again and first[:2] == b"PK"


def test_cli_writes_the_workbook(export_env, tmp_path):
    db, ids, catalogue, env = export_env
    out = tmp_path / "book.xlsx"
    result = subprocess.run([sys.executable, "-m", "core", "export", ids["demo_creator"], "--format", "xlsx",
                             "-o", str(out)], capture_output=True, text=True, env={**os.environ, **env},
                            timeout=120)
    assert result.returncode == 0, result.stderr
    rows = list(openpyxl.load_workbook(out)["Reels"].iter_rows(values_only=True))
    assert list(rows[0]) == list(all_fields()) and len(rows) == len(catalogue["demo_creator"].videos) + 1


def test_engagement_rate_cells_show_two_decimals_in_percent_units_and_keep_their_exact_value(export_env):
    db, ids, _, _ = export_env
    book = _workbook(export_bytes(db, ids[PROFILES[0]], ExportOptions(format="xlsx"), exported_at=EXPORTED_AT))
    sheet = book["Reels"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("engagement_rate")] for row in sheet.iter_rows(min_row=2)]
    known = [c for c in cells if isinstance(c.value, float)]
    assert known and all(c.number_format == '0.00" %"' for c in known)
    per_day = [row[header.index("plays_per_day")] for row in sheet.iter_rows(min_row=2)]
    assert all(c.number_format == "#,##0.0" for c in per_day if isinstance(c.value, float))
