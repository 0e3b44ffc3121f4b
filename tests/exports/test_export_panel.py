"""The dashboard's export panel and history: they render, and their download gives the CLI's bytes."""

from __future__ import annotations

from datetime import UTC, datetime

from streamlit.testing.v1 import AppTest

from core.exports.documents import ExportOptions, export_bytes
from core.exports.history import list_exports


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
