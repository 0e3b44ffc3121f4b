"""Topics everywhere the data goes: demo_topics (reels on four themes, cooking and travel in Spanish and English,
plays differing by theme) analysed with the real instaloader against the emulator, then exported and read back."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sklearn.metrics import adjusted_rand_score

from core.analytics.filters import ReelFilters
from core.exports.documents import ExportOptions, export_bytes
from core.storage.models import AnalysisTopics
from tests.exports.conftest import analysed_store

PROFILE = "demo_topics"


@pytest.fixture(scope="module")
def topics_env(tmp_path_factory, emulator_server):
    """(db, analysis id, the emulator's reels of demo_topics by shortcode)."""
    with analysed_store(tmp_path_factory, emulator_server, [PROFILE], folder="topics") as (db, ids, _env):
        media = {m.code: m for m in emulator_server.catalogue[PROFILE].media if m.product_type == "clips"}
        yield db, ids[PROFILE], media


def _json(db, analysis_id, **options) -> dict:
    return json.loads(export_bytes(db, analysis_id, ExportOptions(format="json", **options)))


def test_topics_agree_with_the_themes_the_reels_were_written_on(topics_env):
    db, analysis_id, media = topics_env
    reels = _json(db, analysis_id)["reels"]
    themes = [media[r["shortcode"]].theme or "none" for r in reels]
    assert adjusted_rand_score(themes, [r["topic"] or "none" for r in reels]) >= 0.8
    assert all(r["topic"] is None for r, theme in zip(reels, themes, strict=True) if theme == "none")


def test_json_topics_equal_a_recomputation_from_the_exported_reels(topics_env):
    db, analysis_id, _ = topics_env
    document = _json(db, analysis_id)
    reels, topics = document["reels"], document["analysis"]["topics"]
    counts = Counter(r["topic"] for r in reels if r["topic"] is not None)
    assert {t["label"]: t["reels"] for t in topics} == dict(counts)
    for topic in topics:
        plays = [r["effective_plays"] for r in reels if r["topic"] == topic["label"] and r["effective_plays"] is not None]
        assert topic["median_plays"] == statistics.median(plays)
        likes = [r["likes"] for r in reels if r["topic"] == topic["label"] and r["likes"] is not None]
        assert topic["median_likes"] == statistics.median(likes)
        assert topic["share"] == pytest.approx(topic["reels"] * 100 / len(reels))
        assert set(topic) >= {"label", "terms", "hashtags", "reels", "share", "median_plays", "median_engagement_rate"}
        assert topic["hashtags"] and all(not tag.startswith("#") for tag in topic["hashtags"])
    assert "topic" in document["data_dictionary"]


def test_the_best_topic_by_median_plays_holds_most_of_the_best_themes_reels(topics_env):
    db, analysis_id, media = topics_env
    document = _json(db, analysis_id)
    best = max(document["analysis"]["topics"], key=lambda t: t["median_plays"] or 0)
    cooking = Counter(r["topic"] for r in document["reels"] if media[r["shortcode"]].theme == "cooking")
    assert cooking.most_common(1)[0][0] == best["label"]


def test_the_csv_topic_column_matches_the_json_and_is_empty_where_it_is_null(topics_env):
    db, analysis_id, _ = topics_env
    by_code = {r["shortcode"]: r["topic"] for r in _json(db, analysis_id)["reels"]}
    rows = list(csv.DictReader(io.StringIO(export_bytes(db, analysis_id, ExportOptions(plain=True)).decode())))
    assert {row["shortcode"]: row["topic"] for row in rows} == {k: v or "" for k, v in by_code.items()}
    assert any(v is None for v in by_code.values())


def test_the_excel_reels_sheet_has_a_topic_column(topics_env, tmp_path):
    db, analysis_id, _ = topics_env
    path = tmp_path / "reels.xlsx"
    path.write_bytes(export_bytes(db, analysis_id, ExportOptions(format="xlsx")))
    sheet = openpyxl.load_workbook(path, read_only=True)["Reels"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("topic")
    by_code = {r["shortcode"]: r["topic"] for r in _json(db, analysis_id)["reels"]}
    code = rows[0].index("shortcode")
    assert {row[code]: row[column] for row in rows[1:]} == by_code


def test_a_topic_filter_exports_only_that_topics_reels_and_its_numbers(topics_env):
    db, analysis_id, _ = topics_env
    label = _json(db, analysis_id)["analysis"]["topics"][0]["label"]
    document = _json(db, analysis_id, filters=ReelFilters(topic=label))
    assert {r["topic"] for r in document["reels"]} == {label}
    assert [t["label"] for t in document["analysis"]["topics"]] == [label]
    assert document["analysis"]["topics"][0]["share"] == 100.0


def test_an_export_without_the_topic_field_has_no_topics_list(topics_env):
    db, analysis_id, _ = topics_env
    document = _json(db, analysis_id, fields=("shortcode", "plays"))
    assert "topics" not in document["analysis"] and set(document["reels"][0]) == {"shortcode", "plays"}


def test_topics_are_computed_once_and_stay_the_same(topics_env):
    db, analysis_id, _ = topics_env
    first = _json(db, analysis_id)["analysis"]["topics"]
    with db.session() as session:
        stored = session.get(AnalysisTopics, analysis_id)
        computed_at = stored.computed_at
    assert _json(db, analysis_id)["analysis"]["topics"] == first
    with db.session() as session:
        assert session.get(AnalysisTopics, analysis_id).computed_at == computed_at


def test_the_api_gives_each_reel_its_topic_and_the_summary_lists_the_topics(topics_env):
    from api.app import create_app
    from tests.api.api_helpers import api_settings

    db, analysis_id, _ = topics_env
    exported = _json(db, analysis_id)
    with TestClient(create_app(api_settings())) as client:
        summary = client.get(f"/api/v1/analyses/{analysis_id}/summary").json()
        reels = client.get(f"/api/v1/analyses/{analysis_id}/reels", params={"limit": 1000}).json()["reels"]
        label = summary["topics"][0]["label"]
        filtered = client.get(f"/api/v1/analyses/{analysis_id}/reels", params={"topic": label}).json()["reels"]
    assert [(t["label"], t["reels"]) for t in summary["topics"]] == \
        [(t["label"], t["reels"]) for t in exported["analysis"]["topics"]]
    assert {r["shortcode"]: r["topic"] for r in reels} == {r["shortcode"]: r["topic"] for r in exported["reels"]}
    assert filtered and {r["topic"] for r in filtered} == {label}


def test_the_excel_export_has_a_topics_sheet_with_the_json_exports_numbers(topics_env):
    db, analysis_id, _media = topics_env
    expected = _json(db, analysis_id)["analysis"]["topics"]
    workbook = openpyxl.load_workbook(io.BytesIO(export_bytes(db, analysis_id, ExportOptions(format="xlsx"))),
                                      read_only=True)
    assert workbook.sheetnames == ["Profile", "Reels", "Hashtags", "Topics", "Data dictionary"]
    rows = list(workbook["Topics"].iter_rows(values_only=True))
    header, body = rows[0], [r for r in rows[1:len(expected) + 1]]
    assert header[:4] == ("topic", "top terms", "top hashtags", "reels")
    assert [r[0] for r in body] == [t["label"] for t in expected]
    assert [r[3] for r in body] == [t["reels"] for t in expected]
    by_title = dict(zip(header, zip(*body, strict=True), strict=False))
    assert list(by_title["median plays"]) == pytest.approx([t["median_plays"] for t in expected])
    lifts = [t["plays_lift"] for t in expected]
    assert [v is None for v in by_title["plays lift"]] == [v is None for v in lifts]  # empty when not ranked
    assert [v for v in by_title["plays lift"] if v is not None] == pytest.approx([v for v in lifts if v is not None])
    assert list(by_title["ranked"]) == ["yes" if t["supported"] else "no" for t in expected]
    assert [r[1] for r in body] == [" · ".join(t["terms"]) for t in expected]


def test_an_excel_export_without_the_topic_field_has_no_topics_sheet(topics_env):
    db, analysis_id, _media = topics_env
    data = export_bytes(db, analysis_id, ExportOptions(format="xlsx", fields=("shortcode", "effective_plays")))
    assert "Topics" not in openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
