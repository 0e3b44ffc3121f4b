"""The rows of an export: stored reels read in batches, joined with their computed metrics, filtered.

Creator-relative metrics (medians, percentile tiers) need every reel of the analysis, so
``core.metrics.enrich_reels`` runs once over a lean, numbers-only frame of the whole analysis; text
columns (captions, URLs) are streamed in batches and joined to the metrics by position, so memory
grows with the numbers (tens of bytes a reel), never with the text.

Every batch is a dict of plain Python columns, ready for JSON and for the csv module: None for unknown,
int, finite float, bool, str, list of str, and ``posted_at`` as an ISO 8601 UTC string.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Text, select, type_coerce

from core.db import Database
from core.export_fields import RAW_FIELDS, field_infos
from core.models import Reel

BATCH_SIZE = 5000
READ_COLUMNS = ("media_id", "shortcode", "url", "thumbnail_url", "caption", "likes", "comments", "plays", "views",
                "posted_at", "duration", "product_type", "is_pinned", "hashtags", "mentions", "position")
_UNTYPED = ("posted_at", "hashtags", "mentions")  # converted here, faster than per-value type processors
_COUNTS = ("likes", "comments", "plays", "views")
_LEAN = ("position", *_COUNTS, "posted_at", "duration", "is_pinned")


def iso_utc(value: object) -> str | None:
    """A stored UTC time as ``2026-05-01T14:03:00+00:00`` (``datetime.isoformat`` of the aware value)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()
    text = str(value)
    if len(text) == 26 and text[10] == " ":  # SQLite's "YYYY-MM-DD HH:MM:SS.ffffff"
        fraction = text[20:]
        return f"{text[:10]}T{text[11:19]}{'' if fraction == '000000' else '.' + fraction}+00:00"
    return iso_utc(datetime.fromisoformat(text))


def _as_lists(values: list) -> list[list]:
    """Stored JSON arrays as lists; SQLite gives their text, which is parsed in one call per batch."""
    if all(isinstance(v, str) for v in values):
        return json.loads("[" + ",".join(values) + "]")
    return [[] if v is None else json.loads(v) if isinstance(v, str) else list(v) for v in values]


def _query(columns: tuple[str, ...], analysis_id: str):
    table = Reel.__table__.c
    selected = [type_coerce(table[name], Text).label(name) if name in _UNTYPED else table[name] for name in columns]
    return select(*selected).where(table.analysis_id == analysis_id).order_by(table.position)


def _partitions(db: Database, columns: tuple[str, ...], analysis_id: str, size: int) -> Iterator[list]:
    with db.engine.connect() as conn:
        result = conn.execution_options(yield_per=size).execute(_query(columns, analysis_id))
        yield from result.partitions()


class _Computed:
    """The whole analysis's computed columns, kept as numpy arrays and taken out per batch by position."""

    def __init__(self, enriched: pd.DataFrame, names: list[str], keep_series: bool) -> None:
        self.index = pd.Index(enriched.index)
        self.kinds: dict[str, str] = {}
        self._take: dict[str, Any] = {}
        series = {name: enriched[name] for name in names if name in enriched.columns}
        for name, column in series.items():
            self._prepare(name, column)
        self.series = series if keep_series else {}  # the filters need pandas columns; plain exports do not

    def _prepare(self, name: str, series: pd.Series) -> None:
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy()
            labels = [str(c) for c in dtype.categories] + [None]  # code -1 (missing) → None
            self.kinds[name] = "text"
            self._take[name] = lambda idx, codes=codes, labels=labels: [labels[c] for c in codes[idx].tolist()]
        elif pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
            integer = pd.api.types.is_integer_dtype(dtype)
            values = series.to_numpy(dtype="int64" if integer else "float64",
                                     na_value=0 if integer else np.nan)
            missing = series.isna().to_numpy()
            if not integer:
                missing = missing | ~np.isfinite(values)
            self.kinds[name] = "integer" if integer else "number"
            self._take[name] = lambda idx, values=values, missing=missing: [
                None if gone else v for v, gone in zip(values[idx].tolist(), missing[idx].tolist(), strict=True)]
        elif pd.api.types.is_bool_dtype(dtype):
            values = series.to_numpy(dtype=bool)
            self.kinds[name] = "boolean"
            self._take[name] = lambda idx, values=values: values[idx].tolist()
        else:
            values = series.to_numpy(dtype=object)
            self.kinds[name] = "text"
            self._take[name] = lambda idx, values=values: [None if pd.isna(v) else str(v) for v in values[idx]]

    def indexer(self, positions: list[int]) -> np.ndarray:
        return self.index.get_indexer(positions)

    def take(self, name: str, idx: np.ndarray) -> list:
        if name not in self._take:
            return [None] * len(idx)
        return self._take[name](idx)


def _enrich_whole_analysis(db: Database, analysis_id: str, followers: int | None, now: datetime,
                           names: list[str], keep_series: bool) -> _Computed:
    """core.metrics.enrich_reels over every reel of the analysis, reading only the numeric columns."""
    from core.metrics import enrich_reels

    parts: dict[str, list] = {name: [] for name in _LEAN}
    for partition in _partitions(db, _LEAN, analysis_id, 50_000):
        columns = dict(zip(_LEAN, zip(*partition, strict=True), strict=True))
        parts["position"].append(np.fromiter(columns["position"], dtype="int64", count=len(partition)))
        for name in (*_COUNTS, "duration"):
            parts[name].append(np.array([np.nan if v is None else v for v in columns[name]], dtype="float64"))
        posted = list(columns["posted_at"])
        parts["posted_at"].append(pd.to_datetime(posted, utc=True, format="ISO8601" if posted and
                                                  isinstance(posted[0], str) else None).to_numpy())
        parts["is_pinned"].append(np.array(columns["is_pinned"], dtype=bool))

    def joined(name: str, dtype: str) -> np.ndarray:
        return np.concatenate(parts[name]) if parts[name] else np.array([], dtype=dtype)

    lean = pd.DataFrame(index=pd.Index(joined("position", "int64"), name="position"))
    for name in _COUNTS:
        values = joined(name, "float64")
        missing = np.isnan(values)
        lean[name] = pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing)
    lean["duration"] = pd.array(joined("duration", "float64"), dtype="Float64")
    lean["posted_at"] = pd.to_datetime(joined("posted_at", "datetime64[ns]"), utc=True)
    lean["is_pinned"] = joined("is_pinned", "bool")
    parts.clear()
    try:
        enriched = enrich_reels(lean, followers, now)
    except KeyError:  # a metric needs a text column: enrich the full frame instead (more memory)
        from core.queries import load_reels_frame

        lean = load_reels_frame(db, analysis_id).set_index("position", drop=False)
        enriched = enrich_reels(lean, followers, now)
    del lean
    return _Computed(enriched, names, keep_series)


class ReelBatches:
    """Iterate for column batches (``{field: [values]}``) of the analysis's reels in position order.

    ``kinds`` (field → text | integer | number | boolean | datetime | list) is complete once iteration began.
    """

    def __init__(self, db: Database, analysis_id: str, fields: tuple[str, ...], *, followers: int | None,
                 metrics_at: datetime, filters: Any = None, batch_size: int | None = None) -> None:
        self.db, self.analysis_id, self.fields, self.filters = db, analysis_id, fields, filters
        self.followers, self.metrics_at = followers, metrics_at
        self.batch_size = batch_size or BATCH_SIZE
        infos = field_infos()
        self.kinds = {name: infos[name].kind for name in fields if name in RAW_FIELDS}
        self.computed_names = [name for name in fields if name not in RAW_FIELDS]

    def __iter__(self) -> Iterator[dict[str, list]]:
        computed = None
        if self.computed_names or self.filters is not None:
            from core.metrics import PER_REEL_COLUMNS

            names = list(dict.fromkeys([*self.computed_names, *PER_REEL_COLUMNS])) if self.filters is not None \
                else self.computed_names
            computed = _enrich_whole_analysis(self.db, self.analysis_id, self.followers, self.metrics_at, names,
                                              keep_series=self.filters is not None)
            self.kinds.update({name: computed.kinds.get(name, "text") for name in self.computed_names})
        needed = READ_COLUMNS if self.filters is not None else \
            tuple(dict.fromkeys([*[n for n in self.fields if n in RAW_FIELDS], "position"]))
        for partition in _partitions(self.db, needed, self.analysis_id, self.batch_size):
            yield self._batch(partition, needed, computed)

    def _batch(self, partition: list, needed: tuple[str, ...], computed: _Computed | None) -> dict[str, list]:
        raw = dict(zip(needed, (list(c) for c in zip(*partition, strict=True)), strict=True)) if partition \
            else {name: [] for name in needed}
        if "posted_at" in raw:
            raw["posted_at"] = [iso_utc(v) for v in raw["posted_at"]]
        for name in ("hashtags", "mentions"):
            if name in raw:
                raw[name] = _as_lists(raw[name])
        if "is_pinned" in raw:
            raw["is_pinned"] = [bool(v) for v in raw["is_pinned"]]
        idx = computed.indexer(raw["position"]) if computed is not None else None
        if self.filters is not None and computed is not None:
            keep = self._keep(raw, computed, idx)
            raw = {name: [v for v, k in zip(values, keep, strict=True) if k] for name, values in raw.items()}
            idx = idx[np.asarray(keep, dtype=bool)]
        batch = {}
        for name in self.fields:
            batch[name] = raw[name] if name in raw else computed.take(name, idx)  # type: ignore[union-attr]
        return batch

    def _keep(self, raw: dict[str, list], computed: _Computed, idx: np.ndarray) -> list[bool]:
        """core.filters.apply_filters on this batch (its filters are per reel, so batches are exact)."""
        from core.filters import apply_filters
        from core.queries import reels_frame_from_rows

        names = list(raw)
        frame = reels_frame_from_rows([dict(zip(names, values, strict=True))
                                       for values in zip(*raw.values(), strict=True)])
        for name, series in computed.series.items():
            frame[name] = series.iloc[idx].reset_index(drop=True) if len(idx) else series.iloc[:0]
        kept = apply_filters(frame, self.filters)
        return frame.index.isin(kept.index).tolist()
