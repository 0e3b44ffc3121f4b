"""The rows of an export: stored reels read in batches, joined with their computed metrics, filtered.

Creator-relative metrics (medians, percentile tiers) need every reel of the analysis, so
``core.analytics.metrics.enrich_reels`` runs once over a lean, numbers-only frame of the whole analysis; text
columns (captions, URLs) are streamed in batches and joined to the metrics by position, so memory
grows with the numbers (tens of bytes a reel), never with the text.

Every batch is a dict of plain Python columns, ready for JSON and for the csv module: None for unknown,
int, finite float, bool, str, list of str, and ``posted_at`` as an ISO 8601 UTC string.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Text, case, select, type_coerce

from core.domain.reel_fields import EXPORTED_NAMES, names_where
from core.exports.fields import LIST_SEPARATOR, RAW_FIELDS, field_infos
from core.storage.engine import Database
from core.storage.models import Reel
from core.storage.topics import with_topics

BATCH_SIZE = 5000
READ_COLUMNS = EXPORTED_NAMES
_TIMES = names_where(kind="datetime")
_LISTS, _OPTIONAL_LISTS = names_where(kind="list", required=True), names_where(kind="list", required=False)
_FLAGS, _OPTIONAL_FLAGS = names_where(kind="boolean", required=True), names_where(kind="boolean", required=False)
_UNTYPED = (*_TIMES, *_LISTS, *_OPTIONAL_LISTS)  # converted here, faster than type processors
_COUNTS = ("likes", "comments", "plays", "views")
_LEAN = ("position", *_COUNTS, "posted_at")  # what enrich_reels reads (another column: the KeyError fallback)
_PRESENCE = "_present"  # the lean read's bitmask of which checked columns hold a value in that reel


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


def _as_optional_lists(values: list) -> list[list | None]:
    """Stored JSON arrays as lists, NULL (or JSON null) as None: a context list Instagram did not send."""
    return [None if v is None else json.loads(v) if isinstance(v, str) else list(v) for v in values]


def _optional_bools(values: list) -> list[bool | None]:
    return [None if v is None else bool(v) for v in values]


_STORED_TIME = r"(?s)^(.{10}) (.{8}).(.{6})$"  # what iso_utc rewrites: 26 characters, a space at index 10
_JSON_STRINGS = r'^\[[ \t\n\r]*("[^"\\\x00-\x1f]*"([ \t\n\r]*,[ \t\n\r]*"[^"\\\x00-\x1f]*")*)?[ \t\n\r]*\]$'


def _only_text(values: list) -> bool:
    return set(map(type, values)) <= {str, type(None)}


def _all_stored_form(text: pa.StringArray) -> bool:
    """Whether every value is ASCII, 26 characters long with a space at index 10 (what iso_utc rewrites)."""
    if text.null_count or not len(text):
        return False
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + len(text) + 1]
    if not (np.diff(offsets) == 26).all():
        return False
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    return bool(data.max() < 128 and (data[10::26] == ord(" ")).all())


def _iso_utc_array(values: list) -> pa.Array:
    """``iso_utc`` of each value as an Arrow string array; SQLite's stored form is rewritten by a kernel."""
    if not _only_text(values):
        return pa.array([iso_utc(v) for v in values], pa.string())
    text = pa.array(values, pa.string())
    if _all_stored_form(text):  # the usual case: every value as SQLite stores it, sliced without regexes
        fraction = pc.utf8_slice_codeunits(text, 20, 26)
        fraction = pc.if_else(pc.equal(fraction, "000000"), "", pc.binary_join_element_wise(".", fraction, ""))
        return pc.binary_join_element_wise(pc.utf8_slice_codeunits(text, 0, 10), "T",
                                           pc.utf8_slice_codeunits(text, 11, 19), fraction, "+00:00", "")
    stored = pc.fill_null(pc.match_substring_regex(text, _STORED_TIME), False)
    iso = pc.replace_substring_regex(text, r"(?s)^(.{10}) (.{8}).000000$", r"\1T\2+00:00")
    iso = pc.replace_substring_regex(iso, _STORED_TIME, r"\1T\2.\3+00:00")
    other = pc.invert(stored)
    if pc.any(pc.and_(other, pc.is_valid(text))).as_py():
        rest = [iso_utc(v) for v in pc.filter(text, other).to_pylist()]
        iso = pc.replace_with_mask(iso, other, pa.array(rest, pa.string()))
    return iso


def _joined_lists(values: list) -> pa.Array:
    """Stored JSON arrays of strings as their items joined with LIST_SEPARATOR ("" for none), as csv_column
    joins ``_as_lists(values)``. Arrays of plain strings (no escapes) are rewritten by kernels; the rest parsed."""
    simple = pa.array([False] * len(values))
    if _only_text(values):
        text = pa.array(values, pa.string())
        if text.null_count == len(text) or pc.all(pc.equal(text, "[]")).as_py():  # nothing listed in any reel
            return pa.repeat("", len(text))
        simple = pc.fill_null(pc.match_substring_regex(text, _JSON_STRINGS), True)  # NULL joins as "", like []
        # no escapes, so every '"' delimits an item: the items are the odd pieces between quotes
        items = pc.list_slice(pc.split_pattern(pc.fill_null(text, "[]"), '"'), 1, None, 2)
        joined = pc.binary_join(items, LIST_SEPARATOR)
        if pc.all(simple).as_py():
            return joined
    else:
        joined = pa.nulls(len(values), pa.string())
    other = pc.invert(simple)
    rest = [v for v, plain in zip(values, simple.to_pylist(), strict=True) if not plain]
    rest_joined = [LIST_SEPARATOR.join(v) if v else "" for v in _as_lists(rest)]
    return pc.replace_with_mask(joined, other, pa.array(rest_joined, pa.string()))


def _columns(rows: list, names: tuple[str, ...]) -> dict[str, list]:
    """Row tuples as one list per column (an itemgetter per column is faster than ``zip(*rows)``)."""
    return {name: list(map(itemgetter(i), rows)) for i, name in enumerate(names)}


def _presence(checked: tuple[str, ...]):
    """One integer per reel: bit i set when ``checked[i]`` is not NULL (at most 62 columns)."""
    table = Reel.__table__.c
    return sum((case((table[name].is_not(None), 1 << bit), else_=0) for bit, name in enumerate(checked)),
               start=0).label(_PRESENCE)


def _query(columns: tuple[str, ...], analysis_id: str, checked: tuple[str, ...] = ()):
    table = Reel.__table__.c
    selected = [type_coerce(table[name], Text).label(name) if name in _UNTYPED else table[name] for name in columns]
    if checked:
        selected.append(_presence(checked))
    return select(*selected).where(table.analysis_id == analysis_id).order_by(table.position)


def _partitions(db: Database, columns: tuple[str, ...], analysis_id: str, size: int,
                checked: tuple[str, ...] = ()) -> Iterator[list]:
    """Lists of up to ``size`` row tuples. On SQLite straight from the DBAPI cursor: building SQLAlchemy Row
    objects cost more than the query itself, and no selected column has a result processor that matters
    (posted_at and the JSON arrays are read as text; booleans are made bool by the readers)."""
    with db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            result = conn.execution_options(yield_per=size).execute(_query(columns, analysis_id, checked))
            yield from result.partitions()
            return
        compiled = _query(columns, analysis_id, checked).compile(dialect=conn.dialect)
        params = compiled.construct_params()
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(str(compiled), tuple(params[name] for name in compiled.positiontup or ()))
            while rows := cursor.fetchmany(size):
                yield rows
        finally:
            cursor.close()


class _Computed:
    """The whole analysis's computed columns, kept as numpy arrays and taken out per batch by position."""

    def __init__(self, enriched: pd.DataFrame, names: list[str], keep_series: bool,
                 empty: frozenset[str] = frozenset()) -> None:
        self.index = pd.Index(enriched.index)
        self.empty = empty  # stored columns checked by the lean read and NULL in every reel of the analysis
        self.kinds: dict[str, str] = {}
        self._take: dict[str, Any] = {}
        self._arrays: dict[str, tuple[str, np.ndarray, Any]] = {}  # name → (kind, values, missing or labels)
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
            self._arrays[name] = ("text", codes, pa.array(labels, pa.string()))
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
            self._arrays[name] = (self.kinds[name], values, missing)
        elif pd.api.types.is_bool_dtype(dtype):
            values = series.to_numpy(dtype=bool)
            self.kinds[name] = "boolean"
            self._take[name] = lambda idx, values=values: values[idx].tolist()
            self._arrays[name] = ("boolean", values, None)
        else:
            values = series.to_numpy(dtype=object)
            self.kinds[name] = "text"
            self._take[name] = lambda idx, values=values: [None if pd.isna(v) else str(v) for v in values[idx]]

    def take_array(self, name: str, idx: np.ndarray) -> pa.Array:
        """The same values as ``take``, as an Arrow array (null where ``take`` gives None), for csv_block."""
        if name not in self._arrays:
            return pa.array(self.take(name, idx))
        kind, values, missing = self._arrays[name]
        if kind == "text":  # categorical codes; -1 → the trailing None label
            codes = values[idx]
            return missing.take(pa.array(np.where(codes < 0, len(missing) - 1, codes)))
        if kind == "boolean":
            return pa.array(values[idx])
        return pa.array(values[idx], mask=missing[idx])

    def indexer(self, positions: list[int]) -> np.ndarray:
        return self.index.get_indexer(positions)

    def take(self, name: str, idx: np.ndarray) -> list:
        if name not in self._take:
            return [None] * len(idx)
        return self._take[name](idx)


def _enrich_whole_analysis(db: Database, analysis_id: str, followers: int | None, now: datetime,
                           names: list[str], keep_series: bool, checked: tuple[str, ...] = ()) -> _Computed:
    """core.analytics.metrics.enrich_reels over every reel of the analysis, reading only the numeric columns.

    The same read finds which of the ``checked`` columns are NULL in every reel (``_Computed.empty``), so the
    CSV read can leave them out: reels stored without their context (older analyses, or Instagram not sending
    it) then cost nothing for those columns."""
    from core.analytics.metrics import enrich_reels

    parts: dict[str, list] = {name: [] for name in _LEAN}
    present = 0
    in_sql = tuple(name for name in checked if name not in _LEAN)  # the lean columns' own values tell the rest
    lean_read = (*_LEAN, _PRESENCE) if in_sql else _LEAN
    for partition in _partitions(db, _LEAN, analysis_id, 50_000, in_sql):
        columns = _columns(partition, lean_read)
        if in_sql:
            present |= int(np.bitwise_or.reduce(np.fromiter(columns[_PRESENCE], dtype="int64",
                                                            count=len(partition))))
        parts["position"].append(np.fromiter(columns["position"], dtype="int64", count=len(partition)))
        for name in _COUNTS:
            parts[name].append(np.array(columns[name], dtype="float64"))  # None → NaN
        posted = list(columns["posted_at"])
        parts["posted_at"].append(pd.to_datetime(posted, utc=True, format="ISO8601" if posted and
                                                  isinstance(posted[0], str) else None).tz_convert(None).to_numpy())

    def joined(name: str, dtype: str) -> np.ndarray:
        return np.concatenate(parts[name]) if parts[name] else np.array([], dtype=dtype)

    lean = pd.DataFrame(index=pd.Index(joined("position", "int64"), name="position"))
    empty = {name for bit, name in enumerate(in_sql) if not present >> bit & 1}
    for name in _COUNTS:
        values = joined(name, "float64")
        missing = np.isnan(values)
        lean[name] = pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing)
        if name in checked and missing.all():
            empty.add(name)
    lean["posted_at"] = pd.to_datetime(joined("posted_at", "datetime64[ns]"), utc=True)
    parts.clear()
    try:
        enriched = enrich_reels(lean, followers, now)
    except KeyError:  # a metric needs a text column: enrich the full frame instead (more memory)
        from core.storage.queries import load_reels_frame

        lean = load_reels_frame(db, analysis_id).set_index("position", drop=False)
        enriched = enrich_reels(lean, followers, now)
    del lean
    if "topic" in names:
        enriched = with_topics(db, analysis_id, enriched)
    return _Computed(enriched, names, keep_series, frozenset(empty))


class ReelBatches:
    """Iterate for column batches (``{field: [values]}``) of the analysis's reels in position order.

    ``kinds`` (field → text | integer | number | boolean | datetime | list) is complete once iteration began.
    """

    def __init__(self, db: Database, analysis_id: str, fields: tuple[str, ...], *, followers: int | None,
                 metrics_at: datetime, filters: Any = None, batch_size: int | None = None,
                 arrays: bool = False) -> None:
        self.db, self.analysis_id, self.fields, self.filters = db, analysis_id, fields, filters
        self.arrays = arrays  # computed columns as Arrow arrays (for core.exports.csv_encoding.csv_block), not lists
        self.followers, self.metrics_at = followers, metrics_at
        self.batch_size = batch_size or BATCH_SIZE
        infos = field_infos()
        self.kinds = {name: infos[name].kind for name in fields if name in RAW_FIELDS}
        self.computed_names = [name for name in fields if name not in RAW_FIELDS]
        self.read_columns: tuple[str, ...] = ()  # the stored columns read, once iteration began

    def __iter__(self) -> Iterator[dict[str, list]]:
        computed = None
        needed = READ_COLUMNS if self.filters is not None else \
            tuple(dict.fromkeys([*[n for n in self.fields if n in RAW_FIELDS], "position"]))
        # Arrow batches (CSV) leave out the stored columns that are NULL in every reel; the lean read checks them
        nullable = Reel.__table__.c
        checked = tuple(n for n in needed if nullable[n].nullable) if self.arrays and self.filters is None else ()
        if self.computed_names or self.filters is not None:
            from core.analytics.metrics import PER_REEL_COLUMNS

            names = list(dict.fromkeys([*self.computed_names, *PER_REEL_COLUMNS, "topic"])) \
                if self.filters is not None \
                else self.computed_names
            computed = _enrich_whole_analysis(self.db, self.analysis_id, self.followers, self.metrics_at, names,
                                              keep_series=self.filters is not None, checked=checked)
            self.kinds.update({name: computed.kinds.get(name, "text") for name in self.computed_names})
        read = self.read_columns = tuple(n for n in needed if computed is None or n not in computed.empty)
        for partition in _partitions(self.db, read, self.analysis_id, self.batch_size):
            yield self._batch(_columns(partition, read), read, computed)

    def _batch(self, raw: dict[str, list], needed: tuple[str, ...], computed: _Computed | None) -> dict[str, list]:
        if self.arrays and self.filters is None:  # for csv_block: whole columns converted by Arrow kernels
            return self._array_batch(raw, computed)
        for name in _TIMES:
            if name in raw:
                raw[name] = [iso_utc(v) for v in raw[name]]
        for name in _LISTS:
            if name in raw:
                raw[name] = _as_lists(raw[name])
        for name in _OPTIONAL_LISTS:
            if name in raw:
                raw[name] = _as_optional_lists(raw[name])
        self._booleans(raw)
        idx = computed.indexer(raw["position"]) if computed is not None else None
        if self.filters is not None and computed is not None:
            keep = self._keep(raw, computed, idx)
            raw = {name: [v for v, k in zip(values, keep, strict=True) if k] for name, values in raw.items()}
            idx = idx[np.asarray(keep, dtype=bool)]
        batch = {}
        for name in self.fields:
            if name in raw:
                batch[name] = raw[name]
            elif self.arrays:
                batch[name] = computed.take_array(name, idx)  # type: ignore[union-attr]
            else:
                batch[name] = computed.take(name, idx)  # type: ignore[union-attr]
        return batch

    def _array_batch(self, raw: dict[str, list], computed: _Computed | None) -> dict[str, Any]:
        """Like ``_batch`` without filters, but ``posted_at`` as an Arrow array of the same ISO strings, the JSON
        arrays as Arrow arrays of their strings already joined with LIST_SEPARATOR, computed columns as Arrow."""
        for name in _TIMES:
            if name in raw:
                raw[name] = _iso_utc_array(raw[name])
        for name in (*_LISTS, *_OPTIONAL_LISTS):
            if name in raw:
                raw[name] = _joined_lists(raw[name])
        self._booleans(raw)
        if computed is None:
            return {name: raw[name] for name in self.fields}
        idx = computed.indexer(raw["position"])
        return {name: raw[name] if name in raw else pa.nulls(len(idx)) if name in computed.empty
                else computed.take_array(name, idx) for name in self.fields}

    @staticmethod
    def _booleans(raw: dict[str, list]) -> None:
        """SQLite gives 0/1: booleans as bool, the optional context flags keeping None (unknown)."""
        for name in _FLAGS:
            if name in raw:
                raw[name] = [bool(v) for v in raw[name]]
        for name in _OPTIONAL_FLAGS:
            if name in raw:
                raw[name] = _optional_bools(raw[name])

    def _keep(self, raw: dict[str, list], computed: _Computed, idx: np.ndarray) -> list[bool]:
        """core.analytics.filters.apply_filters on this batch (its filters are per reel, so batches are exact)."""
        from core.analytics.filters import apply_filters
        from core.storage.queries import reels_frame_from_rows

        names = list(raw)
        columns = dict(raw)
        if "posted_at" in columns:  # ISO strings with and without a fraction in one batch: parse each as ISO 8601
            columns["posted_at"] = list(pd.to_datetime(columns["posted_at"], utc=True, format="ISO8601"))
        frame = reels_frame_from_rows([dict(zip(names, values, strict=True))
                                       for values in zip(*columns.values(), strict=True)])
        for name, series in computed.series.items():
            frame[name] = series.iloc[idx].reset_index(drop=True) if len(idx) else series.iloc[:0]
        kept = apply_filters(frame, self.filters)
        return frame.index.isin(kept.index).tolist()
