"""Issue 14 item 8: which CSV injection variants does a real spreadsheet run? LibreOffice Calc (Debian's headless
build) opens CSV files and reports every cell it turned into a formula: first our raw variants (to check the rule
in core.exports.csv_encoding.is_formula against it), then a real export holding every variant (nothing may run)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.domain.fetched import FetchedProfile, FetchedReel
from core.exports.csv_encoding import is_formula
from core.exports.documents import ExportOptions, open_export
from core.storage import analyses as store
from core.storage.engine import Database

pytestmark = pytest.mark.slow

# Leading characters reported to slip past formula checks, each in front of a formula.
VARIANTS = {
    "equals": "=1+1", "plus": "+1+1", "minus": "-1+1", "at": "@SUM(1;1)", "tab": "\t=1+1", "cr": "\r=1+1",
    "space": " =1+1", "two spaces": "  =SUM(1;1)", "space plus": " +1+1", "space tab": " \t=1+1",
    "newline": "\n=1+1", "crlf": "\r\n=1+1", "nul": "\x00=1+1", "space nul": " \x00=1+1",
    "full-width equals": "＝1+1", "full-width plus": "＋1+1", "full-width minus": "－1+1", "full-width at": "＠SUM(1;1)",
    "bom": "\ufeff=1+1", "zero-width space": "\u200b=1+1", "zero-width joiner": "\u200d=1+1", "word joiner": "\u2060=1+1",
    "no-break space": "\u00a0=1+1", "ideographic space": "\u3000=1+1", "soft hyphen": "\u00ad=1+1",
    "vertical tab": "\x0b=1+1", "form feed": "\x0c=1+1", "right-to-left override": "\u202e=1+1",
    "hyperlink": '=HYPERLINK("http://example.com";"x")',
}
# LibreOffice's CSV import options (filter token 11): leading spaces kept (its default), or trimmed.
IMPORT_MODES = {"default": "CSV:44,34,76,1", "trim spaces": "CSV:44,34,76,1,,0,false,true,false,false,true"}
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


@pytest.fixture(scope="module")
def soffice() -> str:
    binary = shutil.which("soffice")
    if binary is None:
        message = "LibreOffice is not installed (scripts/install-system-deps.sh: libreoffice-calc-nogui)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    return binary


def formulas_in(soffice: str, csv_path: Path, mode: str, work: Path) -> list[tuple[int, str]]:
    """(row number, formula) of every cell LibreOffice Calc runs as a formula when it opens ``csv_path``."""
    out = work / mode.replace(" ", "-")
    out.mkdir()
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    f"--infilter={IMPORT_MODES[mode]}", "--convert-to", "fods", "--outdir", str(out), str(csv_path)],
                   check=True, capture_output=True, timeout=180)
    [converted] = out.glob("*.fods")
    rows = ET.parse(converted).getroot().iter(TABLE + "table-row")
    return [(number, cell.get(TABLE + "formula")) for number, row in enumerate(rows, start=1)
            for cell in row.iter(TABLE + "table-cell") if cell.get(TABLE + "formula")]


@pytest.mark.parametrize("mode", IMPORT_MODES)
def test_every_variant_libreoffice_runs_as_a_formula_is_one_the_rule_neutralises(soffice, tmp_path, mode):
    names = list(VARIANTS)
    raw = tmp_path / "raw.csv"
    with raw.open("w", newline="", encoding="utf-8-sig") as file:
        csv.writer(file, lineterminator="\r\n").writerows([name, VARIANTS[name]] for name in names)
    ran = {names[row - 1] for row, _ in formulas_in(soffice, raw, mode, tmp_path)}
    assert {"equals", "nul", "hyperlink"} <= ran  # the check itself works: plain formulas do run
    assert {name for name in ran if not is_formula(VARIANTS[name])} == set()
    if mode == "trim spaces":
        assert {"space", "two spaces"} <= ran


@pytest.mark.parametrize("mode", IMPORT_MODES)
def test_no_cell_of_an_export_holding_every_variant_runs_as_a_formula(soffice, tmp_path, mode):
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    [analysis_id] = store.insert_analyses(db, ["hostile"], None, None)
    store.save_profile(db, analysis_id, FetchedProfile(
        user_id="1", username="hostile", full_name=" =1+1", biography="\x00=1+1", followers=10, following=1,
        media_count=len(VARIANTS), is_private=False, is_verified=None, profile_pic_url=None))
    store.complete_with_reels(db, analysis_id, [FetchedReel(
        media_id=str(i), shortcode=f"C{i}", url=f"https://www.instagram.com/reel/C{i}/", thumbnail_url=None,
        caption=text, likes=1, comments=1, plays=10, views=None, posted_at=datetime(2026, 1, 1, tzinfo=UTC),
        duration=5.0, product_type="clips", is_pinned=False, hashtags=(), mentions=()) for i, text in
        enumerate(VARIANTS.values())])
    exported = tmp_path / "export.csv"
    exported.write_bytes(b"".join(open_export(db, analysis_id, ExportOptions(format="csv"))))
    assert formulas_in(soffice, exported, mode, tmp_path) == []
