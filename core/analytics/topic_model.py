"""Finding topics: the reels' caption words and hashtags in, a TopicModel (core.analytics.topics) out.

Kept apart from core.analytics.topics because scikit-learn takes about a second to import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from core.analytics.context import MIN_SAMPLE
from core.analytics.topic_terms import all_reel_terms
from core.analytics.topics import (
    HASHTAG_WEIGHT,
    LABEL_HASHTAGS,
    LABEL_TERMS,
    MAX_TOPICS,
    MIN_TOPICS,
    REELS_PER_TOPIC,
    RESOLUTION,
    Topic,
    TopicModel,
)


def _term_matrix(terms: list[list[str]]) -> tuple[sparse.csr_matrix, list[str]]:
    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=2, sublinear_tf=True, dtype=np.float64)
    try:
        return vectorizer.fit_transform(terms).tocsr(), list(vectorizer.get_feature_names_out())
    except ValueError:  # no term is used by two reels
        return sparse.csr_matrix((len(terms), 0)), []


def _identity(terms: list[str]) -> list[str]:
    return terms


def _term_communities(matrix: sparse.csr_matrix, is_hashtag: np.ndarray) -> list[list[int]]:
    """Louvain communities of the term co-occurrence graph, ordered. Edge weight: reels using both terms, times
    ``HASHTAG_WEIGHT`` when either is a hashtag (hashtags carry a theme across languages)."""
    binary = (matrix > 0).astype(np.float64)
    cooccurrence = sparse.triu(binary.T @ binary, k=1).tocoo()
    weights = cooccurrence.data * np.where(is_hashtag[cooccurrence.row] | is_hashtag[cooccurrence.col],
                                           HASHTAG_WEIGHT, 1.0)
    graph = nx.Graph()
    graph.add_nodes_from(range(matrix.shape[1]))
    graph.add_weighted_edges_from(zip(cooccurrence.row.tolist(), cooccurrence.col.tolist(), weights.tolist(),
                                      strict=True))
    communities = nx.community.louvain_communities(graph, weight="weight", resolution=RESOLUTION, seed=0)
    return sorted((sorted(c) for c in communities), key=lambda c: c[0])


def topic_bounds(usable_reels: int) -> int:
    """The most topics a profile may have: 8, and at most one per 5 reels with usable words (at least 1)."""
    return max(1, min(MAX_TOPICS, usable_reels // REELS_PER_TOPIC))


def _assign(scores: np.ndarray, limit: int) -> tuple[np.ndarray, list[int]]:
    """Each reel to the community holding most of its weight; the community with the fewest reels is dropped
    (its reels move to their next-best community) while there are more than ``limit``, or while it has fewer than
    ``MIN_SAMPLE`` reels and more than ``MIN_TOPICS`` remain."""
    keep = list(range(scores.shape[1]))
    while True:
        labels = scores[:, keep].argmax(axis=1)
        counts = np.bincount(labels, minlength=len(keep))
        weakest = int(np.lexsort((-np.arange(len(keep)), counts))[0])
        if len(keep) > limit or (counts[weakest] < MIN_SAMPLE and len(keep) > MIN_TOPICS):
            keep.pop(weakest)
            continue
        return labels, keep


def _covering(names: list[str], rows: sparse.csr_matrix, wanted: list[int], n: int) -> list[str]:
    """Up to n of the ``wanted`` terms, greedily: each time the term with the most TF-IDF weight on all the topic's
    reels plus on the reels no term picked so far appears on. A topic written in two languages so tends to get a
    word of each in its label, rather than three words of its larger language."""
    picked: list[int] = []
    uncovered = np.ones(rows.shape[0], dtype=bool)
    overall = np.asarray(rows.sum(axis=0)).ravel()
    for _ in range(n):
        weights = overall + np.asarray(rows[uncovered].sum(axis=0)).ravel()
        remaining = [i for i in wanted if i not in picked and weights[i] > 0]
        if not remaining:
            break
        best = min(remaining, key=lambda i: (-round(float(weights[i]), 9), names[i]))
        picked.append(best)
        uncovered &= np.asarray(rows[:, best].todense()).ravel() == 0
    return [names[i] for i in picked]


def _top(names: list[str], weights: np.ndarray, wanted: Iterable[int], n: int) -> list[str]:
    wanted = [i for i in wanted if weights[i] > 0]
    wanted.sort(key=lambda i: (-round(float(weights[i]), 9), names[i]))
    return [names[i] for i in wanted[:n]]


def _unique_labels(candidates: list[list[str]]) -> list[str]:
    labels, seen = [], set()
    for terms in candidates:
        label = " · ".join(terms[:LABEL_TERMS]) or "untitled"
        extra = LABEL_TERMS
        while label in seen and extra < len(terms):
            extra += 1
            label = " · ".join(terms[:extra])
        suffix = 2
        base = label
        while label in seen:
            label, suffix = f"{base} ({suffix})", suffix + 1
        seen.add(label)
        labels.append(label)
    return labels


def find_topics(captions: Sequence[str | None], hashtags: Sequence[Iterable[str] | None]) -> TopicModel:
    """The topics of a creator's reels and each reel's topic; the method is described in
    core.analytics.topics.reel_topics (the methodology text)."""
    terms = all_reel_terms(captions, hashtags)
    matrix, names = _term_matrix(terms)
    assignments = np.full(len(terms), -1, dtype=np.int64)
    usable = np.flatnonzero(matrix.getnnz(axis=1) > 0) if matrix.shape[1] else np.empty(0, dtype=np.int64)
    if usable.size == 0:
        return TopicModel((), assignments)
    rows = matrix[usable]
    communities = _term_communities(rows, np.array([name.startswith("#") for name in names], dtype=bool))
    membership = sparse.csr_matrix((np.ones(sum(map(len, communities))),
                                    (np.concatenate(communities), np.repeat(np.arange(len(communities)),
                                                                            list(map(len, communities))))),
                                   shape=(len(names), len(communities)))
    scores = (rows @ membership).toarray()
    labels, kept = _assign(scores, topic_bounds(usable.size))
    described = []
    words = [i for i in range(len(names)) if not names[i].startswith("#")]
    tags = [i for i in range(len(names)) if names[i].startswith("#")]
    for index, community in enumerate(kept):
        weights = np.asarray(rows[labels == index].sum(axis=0)).ravel()
        members = set(communities[community])
        # the theme's own terms first, then any other term its reels use most
        top_words = _covering(names, rows[labels == index], [i for i in words if i in members], LABEL_TERMS)
        top_words += [w for w in _top(names, weights, words, LABEL_TERMS * 2) if w not in top_words]
        top_tags = _top(names, weights, [i for i in tags if i in members], LABEL_HASHTAGS)
        top_tags += [t for t in _top(names, weights, tags, LABEL_HASHTAGS * 2) if t not in top_tags]
        described.append((int((labels == index).sum()), top_words[:LABEL_TERMS + 2], top_tags[:LABEL_HASHTAGS]))
    order = sorted(range(len(described)), key=lambda i: (-described[i][0], described[i][1], described[i][2]))
    label_terms = [described[i][1] or described[i][2] for i in order]
    unique = _unique_labels(label_terms)
    topics = tuple(Topic(label, tuple(terms[:LABEL_TERMS]), tuple(t.lstrip("#") for t in described[i][2]))
                   for label, terms, i in zip(unique, label_terms, order, strict=True))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    assignments[usable] = rank[labels]
    return TopicModel(topics, assignments)


