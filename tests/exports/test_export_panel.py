"""The dashboard's export panel and history: they render, and their download gives the CLI's bytes."""

from __future__ import annotations

import codecs
import io
from datetime import UTC, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.exports.documents import ExportOptions, export_bytes
from core.exports.history import list_exports
from ui.export_panel import FORMAT_CHOICES, export_options


def _panel_app(analysis_id: str, filters: dict | None) -> None:
    from core.analytics.filters import ReelFilters
    from ui.export_panel import render_export_history, render_export_panel

    render_export_panel(analysis_id, ReelFilters.from_dict(filters) if filters else None)
    render_export_history(analysis_id)


def test_panel_renders_choices_and_the_history(export_env, monkeypatch):
    db, ids, _, env = export_env
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_function(_panel_app, args=(ids["demo_creator"], {"tiers": ["viral"]}), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert [r.label for r in at.radio] == ["Format", "Reels"]
    assert at.radio[0].value == "csv" and "pandas.read_csv" in FORMAT_CHOICES["csv"]  # the plain table by default
    assert at.radio[1].value == "Export what I see"
    assert at.multiselect[0].label.startswith("Fields")
    at.radio[0].set_value("json").run()
    assert not at.exception and not at.checkbox  # no plain option for JSON; small export: no gzip offer


def test_download_button_bytes_equal_the_cli_function_and_are_recorded(export_env, monkeypatch):
    from ui.export_panel import _generate_and_record

    db, ids, _, env = export_env
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    exported_at = datetime(2026, 5, 2, 8, 0, 0, tzinfo=UTC)
    options = ExportOptions(format="csv", fields=("shortcode", "caption", "likes"))
    before = len(list_exports(db, ids["weird_captions"]))
    data = _generate_and_record(ids["weird_captions"], options, exported_at)
    assert data == export_bytes(db, ids["weird_captions"], options, exported_at=exported_at)
    history = list_exports(db, ids["weird_captions"])
    assert len(history) == before + 1 and any(h.created_at == exported_at for h in history)


def test_the_default_csv_opens_with_a_plain_pandas_read_csv_and_the_excel_one_has_the_header(export_env):
    db, ids, catalogue, _ = export_env
    plain = export_bytes(db, ids["demo_creator"], export_options("csv"))
    table = pd.read_csv(io.BytesIO(plain))
    assert len(table) == len(catalogue["demo_creator"].videos) and "shortcode" in table.columns
    excel = export_bytes(db, ids["demo_creator"], export_options("csv-excel"))
    assert excel.startswith(codecs.BOM_UTF8) and b"data source" in excel.split(b"\r\n\r\n")[0]
    with pytest.raises(pd.errors.ParserError):
        pd.read_csv(io.BytesIO(excel))


def test_panel_offers_excel_and_its_download_is_the_workbook(export_env, monkeypatch):
    from ui.export_panel import _generate_and_record

    db, ids, _, env = export_env
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_function(_panel_app, args=(ids["demo_creator"], None), default_timeout=30)
    at.run()
    assert "Excel (.xlsx)" in at.radio[0].options
    at.radio[0].set_value("xlsx").run()
    assert not at.exception, at.exception
    assert any(".xlsx" in b.label for b in at.get("download_button"))
    options = ExportOptions(format="xlsx")
    exported_at = datetime(2026, 5, 2, 8, 0, 0, tzinfo=UTC)
    assert _generate_and_record(ids["demo_creator"], options, exported_at) == \
        export_bytes(db, ids["demo_creator"], options, exported_at=exported_at)


def test_copy_download_link_shows_a_signed_link_with_its_expiry(export_env, monkeypatch, tmp_path):
    db, ids, _, env = export_env
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("REELSCOPE_API_PUBLIC_URL", "http://reelscope.test:8000")
    at = AppTest.from_function(_panel_app, args=(ids["demo_creator"], None), default_timeout=30)
    at.run()
    next(b for b in at.button if b.label == "Copy download link").click().run()
    assert not at.exception, at.exception
    assert at.code[0].value.startswith("http://reelscope.test:8000/api/v1/downloads/")
    assert any(c.value.startswith("Expires ") for c in at.caption)
