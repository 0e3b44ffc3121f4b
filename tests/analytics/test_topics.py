"""Topics from caption words and hashtags (core.analytics.topic_model, core.analytics.topics)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from bench.topic_corpus import labelled_corpus
from core.analytics.topic_model import find_topics
from core.analytics.topic_terms import caption_words, reel_terms
from core.analytics.topics import (
    NO_TOPIC,
    ranked_topics,
    topic_mix_by_month,
    topic_performance,
    topics_summary,
)
from tests.analytics.builders import reel

BILINGUAL = {"en": 0.35, "es": 0.3, "bilingual": 0.15, "hashtags": 0.15, "none": 0.05}
HASHTAGS_ONLY = {"hashtags": 0.95, "none": 0.05}


def test_caption_words_drop_hashtags_mentions_links_numbers_and_function_words_of_several_languages():
    caption = "La receta de pasta with @chef.marco and the garlic https://x.example/a 2026 #Pasta ok"
    assert caption_words(caption) == ["receta", "pasta", "garlic"]
    assert reel_terms(caption, ["pasta", "Pasta", "foodie"]) == ["receta", "pasta", "garlic", "#pasta", "#foodie"]


@pytest.mark.parametrize("themes", [3, 4, 5])
@pytest.mark.parametrize("mix", [BILINGUAL, HASHTAGS_ONLY], ids=["bilingual", "hashtags-only"])
def test_topics_agree_with_the_themes_of_a_profile(themes, mix):
    corpus = labelled_corpus(300, themes, seed=1, styles=mix)
    model = find_topics(corpus.captions, corpus.hashtags)
    assert adjusted_rand_score(corpus.labels, model.assignments) >= 0.8
    assert len(model.topics) == themes


def test_spanish_and_english_captions_of_one_theme_share_a_topic():
    corpus = labelled_corpus(200, 3, seed=4, styles={"en": 0.5, "es": 0.5})
    model = find_topics(corpus.captions, corpus.hashtags)
    for theme in range(3):
        topics = model.assignments[np.asarray(corpus.labels) == theme]
        assert np.bincount(topics[topics >= 0]).max() >= 0.9 * len(topics)


def test_the_same_reels_give_the_same_topics_and_labels_every_time():
    corpus = labelled_corpus(150, 4, seed=2, styles=BILINGUAL)
    first = find_topics(corpus.captions, corpus.hashtags)
    second = find_topics(list(corpus.captions), [list(t) for t in corpus.hashtags])
    assert first.topics == second.topics
    assert first.assignments.tolist() == second.assignments.tolist()


def test_reels_without_usable_words_get_no_topic():
    captions = ["sourdough pasta recipe #pasta", "pasta sourdough dinner #pasta", "🔥🔥🔥", None, "", "the and of"]
    model = find_topics(captions, [["pasta"], ["pasta"], [], [], [], []])
    assert model.labels()[2:] == [None, None, None, None]
    assert model.labels()[0] == model.labels()[1] is not None


def test_no_reel_with_words_means_no_topics():
    model = find_topics(["😍", None], [[], []])
    assert model.topics == ()
    assert model.assignments.tolist() == [-1, -1]


def test_small_profiles_get_fewer_topics():
    corpus = labelled_corpus(12, 5, seed=3, styles={"en": 1.0})
    assert len(find_topics(corpus.captions, corpus.hashtags).topics) <= 2


def test_labels_are_top_caption_words_and_hashtags_are_listed_beside_them():
    captions = ["sourdough pasta recipe #pasta #food"] * 5 + ["gym squat workout #gym #fitness"] * 5
    hashtags = [["pasta", "food"]] * 5 + [["gym", "fitness"]] * 5
    model = find_topics(captions, hashtags)
    assert {t.label for t in model.topics} == {"pasta · recipe · sourdough", "gym · squat · workout"}
    assert {t.hashtags for t in model.topics} == {("food", "pasta"), ("fitness", "gym")}


def _reels_with_topics(enriched, topics: list[str | None], plays: list[int | None]):
    rows = [reel(f"r{i}", plays=p, position=i, posted_at=f"2026-0{1 + i % 2}-10T12:00:00Z")
            for i, p in enumerate(plays)]
    frame = enriched(rows)
    frame["topic"] = pd.Series(topics, dtype=object, index=frame.index)
    return frame


def test_topic_performance_counts_reels_shares_and_medians_and_lifts_only_supported_topics(enriched):
    topics = ["a"] * 5 + ["b"] * 2 + [None]
    frame = _reels_with_topics(enriched, topics, [100, 200, 300, 400, None, 50, 70, 10])
    table = topic_performance(frame)
    assert table["topic"].tolist() == ["a", "b"]
    assert table["reels"].tolist() == [5, 2]
    assert table["share"].tolist() == [62.5, 25.0]
    assert table["plays_sample"].tolist() == [4, 2]
    assert table["median_plays"].tolist() == [250.0, 60.0]
    assert table["supported"].tolist() == [False, False]
    assert table["plays_lift"].isna().all()
    assert ranked_topics(table).empty


def test_supported_topics_are_ranked_by_median_plays_with_lift_against_the_creator(enriched):
    topics = ["low"] * 5 + ["high"] * 5
    frame = _reels_with_topics(enriched, topics, [10, 20, 30, 40, 50, 100, 200, 300, 400, 500])
    table = topic_performance(frame)
    ranked = ranked_topics(table)
    assert ranked["topic"].tolist() == ["high", "low"]
    assert ranked["plays_lift"].round(3).tolist() == [round(300 / 75, 3), round(30 / 75, 3)]


def test_topic_mix_by_month_gives_each_months_shares_including_reels_without_a_topic(enriched):
    frame = _reels_with_topics(enriched, ["a", "a", None, "b"], [1, 2, 3, 4])
    mix = topic_mix_by_month(frame)
    january = mix[mix["month"] == pd.Timestamp("2026-01-01")]
    assert dict(zip(january["topic"], january["share"], strict=True)) == {"a": 50.0, NO_TOPIC: 50.0}


def test_topics_summary_carries_the_exported_keys(enriched):
    from core.analytics.topics import Topic

    frame = _reels_with_topics(enriched, ["a", "a", None], [1, 3, 5])
    summary = topics_summary(frame, [Topic("a", ("x", "y"), ("t",))])
    assert summary[0]["label"] == "a" and summary[0]["terms"] == ["x", "y"] and summary[0]["hashtags"] == ["t"]
    assert summary[0]["reels"] == 2 and summary[0]["median_plays"] == 2.0 and summary[0]["plays_lift"] is None
    assert {"share", "median_engagement_rate"} <= set(summary[0])


def test_without_plays_topics_rank_by_engagement_rate_when_enough_reels_have_one(enriched):
    frame = _reels_with_topics(enriched, ["a"] * 5 + ["b"] * 5, [None] * 10)
    frame.loc[frame.index[5:], "engagement_rate"] = pd.array([2.0, 2.0, 2.0, 2.0, None], dtype="Float64")
    frame.loc[frame.index[:5], "engagement_rate"] = pd.array([1.0] * 5, dtype="Float64")
    table = topic_performance(frame)
    assert table["rate_sample"].tolist() == [5, 4]
    assert ranked_topics(table, "median_engagement_rate")["topic"].tolist() == ["a"]  # b: 4 reels with a rate
    assert ranked_topics(table).empty  # no plays: nothing ranked by plays


def test_a_topic_of_hashtag_only_captions_is_labelled_by_its_hashtags():
    captions = ["#pasta #food"] * 5 + ["gym squat workout #gym"] * 5
    hashtags = [["pasta", "food"]] * 5 + [["gym"]] * 5
    model = find_topics(captions, hashtags)
    assert {t.label for t in model.topics} == {"#food · #pasta", "gym · squat · workout"}
    assert {t.terms for t in model.topics} == {("#food", "#pasta"), ("gym", "squat", "workout")}
