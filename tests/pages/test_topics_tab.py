"""The Topics tab, the topic filter and Compare's topic mix (AppTest over a store of emulator analyses)."""

from __future__ import annotations

import json

import pytest

from api.results import load_enriched
from core.analytics.topics import ranked_topics, topic_performance
from core.jobs.submission import create_analyses, wait_for
from core.storage import analyses as store
from tests.conftest import demo_session, point_at
from tests.pages.conftest import open_filters, open_page, open_tab

PROFILES = ("demo_topics", "demo_travel")


@pytest.fixture(scope="module")
def _topics_database_url(tmp_path_factory, pages_emulator) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('topics-pages') / 'topics.db'}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        db = point_at(monkeypatch, url, pages_emulator.url)
        with demo_session():
            states = wait_for(create_analyses(list(PROFILES), db=db), db=db, timeout=120)
    assert [s.status for s in states] == ["completed"] * len(PROFILES)
    return url


@pytest.fixture
def topics_store(monkeypatch, pages_emulator, _topics_database_url):
    return point_at(monkeypatch, _topics_database_url, pages_emulator.url)


def _analysis(db, username):
    return next(s for s in store.list_states(db, username=username) if s.status == "completed")


def _figure(at, title: str) -> dict:
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"].get("title", {}).get("text", "").startswith(title):
            return spec
    raise AssertionError(f"no chart titled {title!r}")


def test_the_topics_tab_ranks_topics_by_median_plays_with_sample_sizes(topics_store):
    analysis = _analysis(topics_store, "demo_topics")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    at.session_state[f"methodology-{analysis.analysis_id}"] = True
    at = open_tab(at, analysis.analysis_id, "Topics")
    assert not at.exception, at.exception
    expected = ranked_topics(topic_performance(load_enriched(topics_store, analysis)[0]))
    ranked = _figure(at, "Topics by median plays")["data"][0]
    assert ranked["y"][::-1] == expected["topic"].tolist()
    assert [text.split("n = ")[1] for text in ranked["text"][::-1]] == [str(n) for n in expected["plays_sample"]]
    mix = _figure(at, "Topic mix over time")
    assert {trace["name"] for trace in mix["data"]} >= set(expected["topic"])
    tables = [d.value for d in at.dataframe]
    performance = next(t for t in tables if "plays_lift" in t.columns)
    assert sorted(performance["topic"]) == sorted(expected["topic"])
    best = next(t for t in tables if "rank" in t.columns and "caption" in t.columns)
    assert set(best["topic"]) == set(expected["topic"]) and set(best["rank"]) == {1, 2, 3}
    assert any("#### Topics" in m.value for m in at.markdown)  # the methodology section


def test_choosing_a_topic_filters_the_table_and_every_chart(topics_store):
    analysis = _analysis(topics_store, "demo_topics")
    reels = load_enriched(topics_store, analysis)[0]
    label, count = reels["topic"].value_counts().index[0], int(reels["topic"].value_counts().iloc[0])
    at = open_filters(open_tab(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id}),
                               analysis.analysis_id, "Reels table"), analysis.analysis_id)
    at.selectbox(key=f"f-topic-{analysis.analysis_id}").select(label).run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == count
    assert set(at.dataframe[0].value["topic"]) == {label}  # the table's Topic column
    assert any(f'topic "{label}"' in c.value for c in at.caption)
    at = open_tab(at, analysis.analysis_id, "Topics")
    assert _figure(at, "Topics by median plays")["data"][0]["y"] == [label]


def test_compare_shows_each_profiles_topic_mix(topics_store):
    ids = [_analysis(topics_store, name).analysis_id for name in PROFILES]
    at = open_page("pages/2_Compare.py")
    at.multiselect[0].set_value(ids).run()
    assert not at.exception, at.exception
    bars = _figure(at, "Topic mix per profile")["data"]
    assert {bar["y"][0] for bar in bars} == set(PROFILES)
    topics_of = {name: round(sum(b["x"][0] for b in bars if b["y"][0] == name)) for name in PROFILES}
    assert topics_of == {name: 100 for name in PROFILES}
