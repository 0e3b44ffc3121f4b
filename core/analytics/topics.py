"""Topics: which themes a creator posts about, and how each theme performs.

Pure functions: an enriched reels frame with a ``topic`` column in, per-topic tables out. Finding the topics
(scikit-learn, networkx) lives in core.analytics.topic_model, so importing this module stays cheap.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analytics.context import MIN_SAMPLE

METHOD_VERSION = "4"  # stored topics of an older method are recomputed
MAX_TOPICS = 8
MIN_TOPICS = 2
REELS_PER_TOPIC = 5  # at most one topic per this many reels with usable words: fewer topics for small profiles
RESOLUTION = 0.8  # Louvain resolution: below 1 favours fewer, larger themes (measured in bench/topics_bench.py)
HASHTAG_WEIGHT = 2.0  # co-occurrences with a hashtag count double (measured in bench/topics_bench.py)
LABEL_TERMS = 3
LABEL_HASHTAGS = 3
NO_TOPIC = "no topic"  # how charts name the reels without a topic (the exports leave them empty)


@dataclass(frozen=True)
class Topic:
    label: str  # "sourdough · receta · pasta"
    terms: tuple[str, ...]  # its most characteristic caption words (or hashtags, for hashtag-only themes)
    hashtags: tuple[str, ...]  # its most characteristic hashtags, without "#"


@dataclass(frozen=True)
class TopicModel:
    topics: tuple[Topic, ...]  # most reels first
    assignments: np.ndarray  # one topic index per reel, in the order given; -1 = no topic

    def labels(self) -> list[str | None]:
        return reel_topics(self)


def reel_topics(model: TopicModel) -> list[str | None]:
    """Topic: the label of the reel's topic, found from the creator's own caption words and hashtags (no fixed
    list of topics); empty for a reel without one.

    Method: each reel's terms are its caption words (lower case, without hashtags, mentions, links, numbers,
    words under three letters and the function words of 30+ languages) and its hashtags. Terms used by only one
    reel are dropped; the rest are weighted by TF-IDF (rarer terms count more). Terms that appear on the same
    reels are linked (by the number of reels using both, doubled when one is a hashtag), and Louvain community detection (networkx, resolution 0.8, fixed seed) splits the term
    network into themes. Because a bilingual creator uses the same hashtags and loanwords with both languages,
    "receta" and "recipe" land in one theme rather than one theme per language. Each reel goes to the theme holding
    most of its TF-IDF weight. The number of topics comes from the data: themes with fewer than 5 reels are folded
    into their reels' next-best theme (while more than two remain), and a profile has at most 8 topics and at most
    one per 5 reels with usable words, so small profiles get fewer. Reels with no usable words (no caption,
    emoji only, or only words no other reel uses) get no topic.
    Label: 3 of the topic's caption words (hashtags when its reels have no caption words), each the word with the
    most TF-IDF weight on the topic's reels plus on those of its reels the words before it miss, so a topic written
    in two languages is labelled in both, e.g. "viaje · hotel · trip"; its top 3 hashtags are listed beside it.
    Ties are broken alphabetically, so the same reels always give the same topics and labels. Chosen over TF-IDF + NMF and
    TF-IDF (+ LSA) + k-means by the adjusted Rand index against labelled bilingual captions (bench/topics_bench.py).
    """
    names = [topic.label for topic in model.topics]
    return [names[i] if i >= 0 else None for i in model.assignments.tolist()]


# --------------------------------------------------------------------------------------------------------------
# per-topic performance over an enriched frame with a ``topic`` column (label or <NA>)


PERFORMANCE_COLUMNS: tuple[str, ...] = (
    "topic", "reels", "share", "plays_sample", "median_plays", "rate_sample", "median_engagement_rate",
    "likes_sample", "median_likes", "median_plays_per_day", "plays_lift", "supported",
)
# aggregates.ranking_metric's names → the topic_performance column a chart ranks topics by
RANKED_BY: dict[str, str] = {"plays": "median_plays", "engagement_rate": "median_engagement_rate",
                             "likes": "median_likes"}
SAMPLE_OF: dict[str, str] = {"median_plays": "plays_sample", "median_engagement_rate": "rate_sample",
                             "median_likes": "likes_sample"}


def _median(values: pd.Series) -> float:
    finite = values.to_numpy(dtype="float64", na_value=np.nan)
    finite = finite[np.isfinite(finite)]
    return float(np.median(finite)) if finite.size else np.nan


def topic_performance(enriched: pd.DataFrame, min_sample: int = MIN_SAMPLE) -> pd.DataFrame:
    """One row per topic, most reels first: reels; share (% of all reels in the frame, reels without a topic
    included); plays_sample (its reels with known plays); median_plays (plays = the play count, falling back to the
    view count, as everywhere); rate_sample and median_engagement_rate (% of followers); likes_sample and
    median_likes; median_plays_per_day; plays_lift = the
    topic's median plays / the creator's median plays over all reels (1.0 = typical for this creator); supported
    = plays_sample >= min_sample (5). Medians skip unknown values; plays_lift is empty below min_sample, and
    topics are only ranked when supported."""
    topics = enriched["topic"]
    known = topics.notna().to_numpy()
    creator_median = _median(enriched["effective_plays"])
    rows = []
    for label in pd.unique(topics[known]):
        group = enriched[(topics == label).to_numpy(dtype=bool, na_value=False)]
        plays = group["effective_plays"]
        sample = int(plays.notna().sum())
        median_plays = _median(plays)
        supported = sample >= min_sample
        rows.append({
            "topic": str(label), "reels": len(group), "share": len(group) * 100.0 / len(enriched),
            "plays_sample": sample, "median_plays": median_plays,
            "rate_sample": int(group["engagement_rate"].notna().sum()),
            "median_engagement_rate": _median(group["engagement_rate"]),
            "likes_sample": int(group["likes"].notna().sum()) if "likes" in group.columns else 0,
            "median_likes": _median(group["likes"]) if "likes" in group.columns else np.nan,
            "median_plays_per_day": _median(group["plays_per_day"]),
            "plays_lift": median_plays / creator_median if supported and creator_median > 0 else np.nan,
            "supported": supported,
        })
    table = pd.DataFrame(rows, columns=list(PERFORMANCE_COLUMNS))
    if table.empty:
        return table
    table = table.sort_values(["reels", "topic"], ascending=[False, True], kind="stable").reset_index(drop=True)
    for name in ("median_plays", "median_engagement_rate", "median_likes", "median_plays_per_day", "plays_lift"):
        table[name] = pd.array(table[name].to_numpy(dtype="float64"), dtype="Float64")
    return table


def ranked_topics(performance: pd.DataFrame, by: str = "median_plays") -> pd.DataFrame:
    """The topics with at least ``MIN_SAMPLE`` reels with a known ``by`` value, best first: median plays, or (the
    fallback order of core.analytics.aggregates.ranking_metric, for analyses without plays) median engagement
    rate or median likes."""
    enough = performance[SAMPLE_OF[by]].to_numpy() >= MIN_SAMPLE
    ranked = performance[enough & performance[by].notna().to_numpy(dtype=bool)]
    return ranked.sort_values([by, "topic"], ascending=[False, True]).reset_index(drop=True)


def topic_mix_by_month(enriched: pd.DataFrame) -> pd.DataFrame:
    """Reels per calendar month (UTC) and topic: month (first day), topic (``NO_TOPIC`` for reels without one),
    reels, share (% of that month's reels). Months without reels are left out; undated reels too."""
    dated = enriched[enriched["posted_at"].notna()]
    if dated.empty:
        return pd.DataFrame({"month": pd.Series(dtype="datetime64[ns]"), "topic": pd.Series(dtype=object),
                             "reels": pd.Series(dtype="int64"), "share": pd.Series(dtype="float64")})
    month = dated["posted_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    topic = dated["topic"].astype(object).where(dated["topic"].notna(), NO_TOPIC)
    counts = pd.DataFrame({"month": month.to_numpy(), "topic": topic.to_numpy()}).value_counts().rename("reels")
    table = counts.reset_index().sort_values(["month", "reels", "topic"], ascending=[True, False, True])
    table["share"] = table["reels"] * 100.0 / table.groupby("month")["reels"].transform("sum")
    return table.reset_index(drop=True)


def topics_summary(enriched: pd.DataFrame, topics: Sequence[Topic]) -> list[dict]:
    """The export's ``analysis.topics``: one dict per topic label the reels carry, most reels first, with label,
    terms, hashtags and the ``topic_performance`` numbers (medians as plain floats, None when unknown)."""
    described = {topic.label: topic for topic in topics}
    out = []
    for row in topic_performance(enriched).to_dict(orient="records"):
        topic = described.get(row["topic"])
        entry = {"label": row["topic"], "terms": list(topic.terms) if topic else [],
                 "hashtags": list(topic.hashtags) if topic else []}
        for name in PERFORMANCE_COLUMNS[1:]:
            value = row[name]
            entry[name] = None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) \
                else (bool(value) if name == "supported" else int(value) if name == "reels" or
                      name.endswith("_sample") else float(value))
        out.append(entry)
    return out


TOPIC_DESCRIPTION = " ".join(inspect.getdoc(reel_topics).split())
