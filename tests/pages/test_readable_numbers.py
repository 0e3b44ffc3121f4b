"""Issue 22 item 17 through AppTest: wide enough count columns, a Compare sheet that shows what its caption names,
one rounding of per-day rates, readable log axes, tooltips in an analyst's words, export variants in History."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from core.exports.documents import ExportOptions, open_export
from core.exports.history import record_export
from core.jobs.submission import create_analyses, wait_for
from core.storage import analyses as store
from tests.pages.conftest import open_page, open_tab
from ui.tables import rates
from ui.text import fmt_rate

RESULTS_TABS = ("Overview", "Reels table", "Hashtags & mentions", "Top performers", "Trends & duration",
                "Posting times")
# Code words a tooltip must not quote: backticks, snake_case field names, null/True, ISO 8601, formulas.
JARGON = re.compile(r"`|\b[a-z]+_[a-z0-9_]+\b|\b[A-Z]+_[A-Z0-9_]+\b|\bnull\b|\bTrue\b|\bFalse\b|ISO 8601|\bmax\(|\w \+ \w+\) /|\w / \w")
# "12,345,678" in the table's 14 px font (about 8 px a character) plus cell padding and the sort arrow.
PIXELS_FOR_EIGHT_DIGITS = len("12,345,678") * 8 + 24


def _completed(db, username):
    return next(s for s in store.list_states(db, username=username) if s.status == "completed")


def _reels_table_columns(db, username="demo_creator") -> tuple[dict, pd.DataFrame]:
    analysis = _completed(db, username)
    at = open_tab(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id}), analysis.analysis_id,
                  "Reels table")
    table = next(df for df in at.dataframe if "effective_plays" in df.value.columns)
    return json.loads(table.proto.columns), table.value


def _log_axes(spec: str) -> list[dict]:
    layout = json.loads(spec)["layout"]
    return [axis for name, axis in layout.items() if re.fullmatch(r"[xy]axis\d*", name) and axis.get("type") == "log"]


def test_the_plays_column_fits_an_eight_digit_count(seeded_store):
    columns, _ = _reels_table_columns(seeded_store)
    for count in ("effective_plays", "likes", "comments", "plays_per_day"):
        assert columns[count]["width"] >= PIXELS_FOR_EIGHT_DIGITS, count


def test_compare_shows_every_key_figure_and_the_row_its_caption_names(seeded_store):
    at = open_page("pages/2_Compare.py")
    assert not at.exception, at.exception
    sheet = next(df for df in at.dataframe if "key figure" in df.value.columns).value
    assert list(sheet.columns)[0] == "key figure"  # then one column per profile, nothing off to the right
    assert sorted(sheet.columns[1:]) == ["@demo_creator", "@demo_travel"]
    named = [bold for c in at.caption for bold in re.findall(r"\*\*(.+?)\*\*", c.value)]
    assert "Engagement vs size benchmark" in named
    assert set(named) <= set(sheet["key figure"])
    benchmark = sheet.set_index("key figure").loc["Engagement vs size benchmark"]
    assert set(benchmark) <= {"above benchmark", "within benchmark", "below benchmark", "unknown"}


def test_median_plays_per_day_reads_the_same_on_compare_and_results(seeded_store):
    at = open_page("pages/2_Compare.py")
    sheet = next(df for df in at.dataframe if "key figure" in df.value.columns).value.set_index("key figure")
    on_compare = sheet.loc["Median plays per day", "@demo_creator"]
    assert re.fullmatch(r"\d{1,3}(,\d{3})*|\d{1,2}\.\d", on_compare), on_compare  # '847' / '1,234' / '12.3'

    analysis = _completed(seeded_store, "demo_creator")
    results = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    card = next(m for m in results.metric if m.label == "Plays per day")
    assert card.value == on_compare


@pytest.mark.parametrize("value, text", [(846.519, "847"), (1_234_567.8, "1,234,568"), (100.0, "100"),
                                         (99.96, "100"), (12.34, "12.3"), (0.04, "0.0"), (None, "—")])
def test_per_day_rates_are_whole_from_100_and_one_decimal_below(value, text):
    assert fmt_rate(value) == text


def test_every_per_day_table_column_rounds_by_the_one_rule():
    shown = rates(pd.Series([846.519, 12.34, None, 99.96], dtype="Float64"))
    assert shown.tolist() == [847.0, 12.3, pd.NA, 100.0]


def test_the_reels_table_rounds_plays_per_day_by_the_one_rule(seeded_store):
    columns, table = _reels_table_columns(seeded_store)
    known = table["plays_per_day"].dropna()
    assert len(known) > 0
    assert all(v == (round(v) if v >= 100 else round(v, 1)) for v in known)  # whole from 100 up, one decimal below
    assert columns["plays_per_day"]["type_config"]["format"] == "localized"
    assert columns["plays_per_day"]["type_config"]["format"] == "localized"


def test_every_log_axis_labels_its_ticks_in_full(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    specs = []
    for tab in RESULTS_TABS:
        specs += [chart.proto.spec for chart in open_tab(at, analysis.analysis_id, tab).get("plotly_chart")]
    specs += [chart.proto.spec for chart in open_page("pages/2_Compare.py").get("plotly_chart")]
    log_axes = [axis for spec in specs for axis in _log_axes(spec)]
    assert len(log_axes) >= 3  # plays over time, duration vs plays, compare plays per reel
    assert all(axis.get("tickformat") == "~s" for axis in log_axes), log_axes


def test_reels_table_tooltips_speak_an_analysts_language(seeded_store):
    columns, _ = _reels_table_columns(seeded_store)
    helps = {name: spec["help"] for name, spec in columns.items() if spec.get("help")}
    assert len(helps) >= 25
    jargon = {name: JARGON.findall(text) for name, text in helps.items() if JARGON.search(text)}
    assert jargon == {}


def test_results_kpi_tooltips_speak_an_analysts_language(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    helps = [m.proto.help for m in at.metric if m.proto.help]
    assert helps
    assert [h for h in helps if JARGON.search(h)] == []


def test_history_table_tooltips_speak_an_analysts_language(seeded_store):
    at = open_page("pages/3_History.py")
    helps = [spec["help"] for table in at.dataframe for spec in json.loads(table.proto.columns).values()
             if spec.get("help")]
    assert any("Where the data came from" in text for text in helps)
    assert [text for text in helps if JARGON.search(text)] == []


@pytest.mark.parametrize("plain, variant", [(True, "CSV (plain table)"), (False, "CSV for Excel")])
def test_history_tells_plain_csv_from_csv_for_excel(empty_store, plain, variant):
    [analysis] = wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=60)
    stream = open_export(empty_store, analysis.analysis_id, ExportOptions(format="csv", plain=plain))
    stream.read_all()
    recorded = record_export(empty_store, stream)
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    history = next(df for df in at.dataframe if "sha256" in df.value.columns).value
    row = history[history["sha256"] == recorded.sha256[:12]]
    assert list(row["format"]) == [variant]
    assert any(variant in option for option in at.selectbox(key="export_history_pick_all").options)
