"""Topics of an analysis, computed once (core.analytics.topics.find_topics) and kept in ``analysis_topics``.

``stored_topics`` answers from the table while its stamp (method version, the analysis's ``updated_at``, its reel
count) still matches; otherwise it reads the reels' captions and hashtags, computes the topics and stores them.
A running analysis's topics are therefore recomputed as reels arrive; a completed one's are computed once.
Two processes computing at once store the same result (the method is deterministic); the later write wins.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.exc import IntegrityError

from core.analytics.topics import METHOD_VERSION, Topic
from core.storage.engine import Database
from core.storage.models import Analysis, AnalysisTopics, Reel, utcnow

log = logging.getLogger("reelscope.topics")


@dataclass(frozen=True)
class StoredTopics:
    topics: tuple[Topic, ...]
    by_position: dict[int, int]  # reel position → index into topics (reels without a topic are absent)

    def label_at(self, position: int) -> str | None:
        index = self.by_position.get(int(position))
        return None if index is None else self.topics[index].label

    def labels_for(self, positions) -> pd.Series:
        """The topic label of each position as a categorical (labels in topic order; <NA> for no topic)."""
        labels = [topic.label for topic in self.topics]
        count = len(self.by_position)
        assigned = pd.Index(np.fromiter(self.by_position.keys(), dtype=np.int64, count=count))
        topic_of = np.fromiter(self.by_position.values(), dtype=np.int64, count=count)
        found = assigned.get_indexer(np.asarray(positions, dtype=np.int64))  # -1: a reel without a topic
        codes = np.where(found >= 0, topic_of[found], -1) if count else np.full(len(found), -1, dtype=np.int64)
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=object)), name="topic")

    def attach(self, reels: pd.DataFrame) -> pd.DataFrame:
        """``reels`` plus a ``topic`` column (categorical label, <NA> for none), matched by reel position (the
        ``position`` column, else the index); ``attrs["topic_hashtags"]`` maps each label to its top hashtags."""
        labels = self.labels_for(reels["position"] if "position" in reels.columns else reels.index)
        out = reels.copy(deep=False)
        out["topic"] = pd.Categorical(labels, dtype=labels.dtype) if len(labels) else \
            pd.Categorical([], dtype=labels.dtype)
        out.attrs["topic_hashtags"] = {topic.label: list(topic.hashtags) for topic in self.topics}
        return out


def _stamp(db: Database, analysis_id: str) -> str | None:
    with db.session() as session:
        updated = session.scalar(select(Analysis.updated_at).where(Analysis.id == analysis_id))
        if updated is None:
            return None
        reels = session.scalar(select(func.count()).select_from(Reel).where(Reel.analysis_id == analysis_id))
    return f"{METHOD_VERSION}|{updated.isoformat()}|{reels}"


def _decoded(row: AnalysisTopics) -> StoredTopics:
    topics = tuple(Topic(t["label"], tuple(t["terms"]), tuple(t["hashtags"])) for t in row.topics)
    return StoredTopics(topics, {int(k): int(v) for k, v in row.assignments.items()})


def _compute(db: Database, analysis_id: str) -> StoredTopics:
    # imported here, not at the top: scikit-learn takes about a second to import, and stored topics do not need it
    from core.analytics.topic_model import find_topics

    table = Reel.__table__.c
    query = (select(table.position, table.caption, type_coerce(table.hashtags, Text))
             .where(table.analysis_id == analysis_id).order_by(table.position))
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()
    positions = [row[0] for row in rows]
    hashtags = [json.loads(row[2]) if isinstance(row[2], str) else list(row[2] or []) for row in rows]
    model = find_topics([row[1] for row in rows], hashtags)
    by_position = {int(p): int(i) for p, i in zip(positions, model.assignments.tolist(), strict=True) if i >= 0}
    return StoredTopics(model.topics, by_position)


def stored_topics(db: Database, analysis_id: str) -> StoredTopics:
    """The analysis's topics, from the table when still current, else computed now and stored."""
    stamp = _stamp(db, analysis_id)
    if stamp is None:
        return StoredTopics((), {})
    with db.session() as session:
        row = session.get(AnalysisTopics, analysis_id)
        if row is not None and row.stamp == stamp:
            return _decoded(row)
    result = _compute(db, analysis_id)
    payload = dict(stamp=stamp, computed_at=utcnow(),
                   topics=[{"label": t.label, "terms": list(t.terms), "hashtags": list(t.hashtags)}
                           for t in result.topics],
                   assignments={str(p): i for p, i in result.by_position.items()})
    try:
        with db.transaction() as session:
            row = session.get(AnalysisTopics, analysis_id)
            if row is None:
                session.add(AnalysisTopics(analysis_id=analysis_id, **payload))
            else:
                for name, value in payload.items():
                    setattr(row, name, value)
    except IntegrityError:  # another process stored them first, or the analysis was deleted meanwhile
        log.info("topics of analysis %s stored elsewhere meanwhile", analysis_id)
    return result


def with_topics(db: Database, analysis_id: str, enriched: pd.DataFrame) -> pd.DataFrame:
    """``StoredTopics.attach`` of the analysis's topics."""
    return stored_topics(db, analysis_id).attach(enriched)


def compute_when_completed(db: Database, analysis_id: str) -> None:
    """Compute and store a just-completed analysis's topics, so the first page or export need not. Never raises:
    a reader computes them instead."""
    try:
        stored_topics(db, analysis_id)
    except Exception:  # noqa: BLE001 - an optimisation; stored_topics runs again when they are read
        log.warning("topics of analysis %s not computed at completion", analysis_id, exc_info=True)
