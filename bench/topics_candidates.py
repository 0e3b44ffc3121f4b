"""Candidate topic methods measured by bench/topics_bench.py before one was chosen for core.analytics.topics.

Each candidate takes the reels' terms (core.analytics.topic_terms) and returns one topic index per reel (-1: none),
choosing the number of topics itself within [2, max_topics].
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize


def _matrix(terms: list[list[str]]) -> tuple[sparse.csr_matrix, np.ndarray, list[str]]:
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, min_df=2, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(terms)
    except ValueError:  # no term in two reels
        return sparse.csr_matrix((len(terms), 0)), np.zeros(len(terms), dtype=bool), []
    usable = matrix.getnnz(axis=1) > 0
    return matrix, usable, list(vectorizer.get_feature_names_out())


def _k_range(n_usable: int, max_topics: int = 8) -> range:
    return range(2, max(2, min(max_topics, n_usable // 5)) + 1)


def _embedding(matrix: sparse.csr_matrix) -> np.ndarray:
    components = max(1, min(100, matrix.shape[1] - 1, matrix.shape[0] - 1))
    reduced = TruncatedSVD(components, random_state=0).fit_transform(matrix)
    return normalize(reduced)


def _silhouette(embedding: np.ndarray, labels: np.ndarray) -> float:
    if len(set(labels.tolist())) < 2:
        return -1.0
    return float(silhouette_score(embedding, labels, metric="euclidean", sample_size=min(len(labels), 1500),
                                  random_state=0))


def _spread(labels: np.ndarray, usable: np.ndarray) -> np.ndarray:
    out = np.full(len(usable), -1)
    out[usable] = labels
    return out


def lsa_kmeans(terms: list[list[str]]) -> np.ndarray:
    """TF-IDF → truncated SVD (LSA) → k-means; k by the best silhouette."""
    matrix, usable, _ = _matrix(terms)
    if usable.sum() < 4:
        return _spread(np.zeros(int(usable.sum()), dtype=int), usable)
    embedding = _embedding(matrix[usable])
    best = (-2.0, None)
    for k in _k_range(int(usable.sum())):
        labels = KMeans(k, n_init=4, random_state=0).fit_predict(embedding)
        score = _silhouette(embedding, labels)
        if score > best[0] + 1e-9:
            best = (score, labels)
    return _spread(best[1], usable)


def tfidf_kmeans(terms: list[list[str]]) -> np.ndarray:
    """k-means straight on the TF-IDF rows (no LSA); k by the best silhouette."""
    matrix, usable, _ = _matrix(terms)
    if usable.sum() < 4:
        return _spread(np.zeros(int(usable.sum()), dtype=int), usable)
    rows = matrix[usable]
    best = (-2.0, None)
    for k in _k_range(int(usable.sum())):
        labels = KMeans(k, n_init=4, random_state=0).fit_predict(rows)
        score = float(silhouette_score(rows, labels, metric="cosine", sample_size=min(rows.shape[0], 1500),
                                       random_state=0)) if len(set(labels)) > 1 else -1.0
        if score > best[0] + 1e-9:
            best = (score, labels)
    return _spread(best[1], usable)


def nmf(terms: list[list[str]]) -> np.ndarray:
    """TF-IDF → NMF; each reel to its strongest component; k by the best silhouette on the LSA embedding."""
    matrix, usable, _ = _matrix(terms)
    if usable.sum() < 4:
        return _spread(np.zeros(int(usable.sum()), dtype=int), usable)
    rows = matrix[usable]
    embedding = _embedding(rows)
    best = (-2.0, None)
    for k in _k_range(int(usable.sum())):
        weights = NMF(k, init="nndsvda", max_iter=400, random_state=0).fit_transform(rows)
        labels = weights.argmax(axis=1)
        score = _silhouette(embedding, labels)
        if score > best[0] + 1e-9:
            best = (score, labels)
    return _spread(best[1], usable)


def louvain(terms: list[list[str]]) -> np.ndarray:
    """networkx Louvain communities of the term co-occurrence graph; a reel goes to the community holding most of
    its TF-IDF weight. The largest communities are kept (at most 8)."""
    matrix, usable, names = _matrix(terms)
    if usable.sum() < 4:
        return _spread(np.zeros(int(usable.sum()), dtype=int), usable)
    binary = (matrix[usable] > 0).astype(np.float64)
    cooccurrence = (binary.T @ binary).tocoo()
    graph = nx.Graph()
    graph.add_nodes_from(range(len(names)))
    graph.add_weighted_edges_from((int(a), int(b), float(w)) for a, b, w in
                                  zip(cooccurrence.row, cooccurrence.col, cooccurrence.data, strict=True) if a < b)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=0)
    membership = np.zeros((len(names), len(communities)))
    for index, members in enumerate(communities):
        membership[list(members), index] = 1.0
    scores = matrix[usable] @ membership
    strength = np.asarray(scores.sum(axis=0)).ravel()
    keep = np.argsort(-strength)[:8]
    labels = np.asarray(scores[:, keep]).argmax(axis=1)
    return _spread(labels, usable)


CANDIDATES = {"nmf": nmf, "lsa_kmeans": lsa_kmeans, "tfidf_kmeans": tfidf_kmeans, "louvain_r1": louvain}
