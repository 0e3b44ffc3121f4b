"""The Overview frame of each completed analysis (core.analytics.overview_frame), prepared when it completes.

It is kept beside the analysis's columnar copy as ``<columns dir>/<analysis id>.overview.parquet`` and trusted the
same way (core.storage.columnar): only while its footer names the analysis, its ``updated_at`` and its reel count as
the store has them now. A missing, stale or unreadable file is rebuilt from the store (and written again), never
used. Opening Results then reads these few columns, with every metric already computed, instead of reading every
column of every reel and computing the metrics on the first page open.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.analytics.metrics import enrich_analysis
from core.analytics.overview_frame import overview_frame
from core.storage import analyses as store
from core.storage import columnar, queries
from core.storage.engine import Database

log = logging.getLogger("reelscope.overview_frames")

FORMAT_VERSION = "overview-1"  # in the footer columnar.trusted checks (the columnar copy's own format: "3")


def path_for(analysis_id: str, folder: Path | None = None) -> Path:
    return columnar.path_for(analysis_id, folder).with_suffix(".overview.parquet")


def _computed(db: Database, analysis: columnar.Completed) -> tuple[pd.DataFrame, dict | None]:
    """The Overview frame computed from the store (its columnar copy), and the profile it was computed with."""
    state = store.get_state(db, analysis.analysis_id)
    reels = columnar.reels_frame(db, analysis.analysis_id)
    if reels is None:
        reels = queries.load_reels_frame(db, analysis.analysis_id)
    profile = queries.load_profile(db, analysis.analysis_id)
    finished_at, updated_at = (state.finished_at, state.updated_at) if state else (None, analysis.updated_at)
    return overview_frame(enrich_analysis(reels, profile, finished_at, updated_at)), profile


def _write(frame: pd.DataFrame, analysis: columnar.Completed, folder: Path | None = None) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)  # keeps pandas' metadata (the dtypes) beside ours
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           **columnar.footer(analysis, FORMAT_VERSION)})
    columnar.write_atomically(table, path_for(analysis.analysis_id, folder))


def _as_computed(table: pa.Table) -> pd.DataFrame:
    """The frame as overview_frame gives it: text as Python objects (None when unknown), tiers as categoricals of
    plain labels (pandas would otherwise read both back as its string dtype)."""
    frame = table.to_pandas()
    for name in frame.columns:
        dtype = frame[name].dtype
        if isinstance(dtype, pd.StringDtype):
            frame[name] = pd.Series(table.column(name).to_pylist(), dtype="object")
        elif isinstance(dtype, pd.CategoricalDtype):
            categories = pd.Index(list(dtype.categories), dtype="object")
            frame[name] = pd.Categorical.from_codes(frame[name].cat.codes, categories=categories,
                                                    ordered=dtype.ordered)
    return frame


def _read(analysis: columnar.Completed, folder: Path | None = None) -> pd.DataFrame | None:
    try:
        table = pq.read_table(path_for(analysis.analysis_id, folder), use_threads=False)
    except FileNotFoundError:
        return None
    except (OSError, pa.ArrowException, ValueError):  # truncated, corrupt or not Parquet: never trusted
        log.info("the overview frame of analysis %s is unreadable; rebuilding it", analysis.analysis_id)
        return None
    if not columnar.trusted(table, analysis, FORMAT_VERSION):
        return None  # stale: the analysis changed (or another format)
    return _as_computed(table)


def load(db: Database, analysis_id: str, folder: Path | None = None) -> tuple[pd.DataFrame, dict | None] | None:
    """A completed analysis's Overview frame and profile: from its file when that is current, else computed from the
    store and written. None when the analysis is not completed."""
    found = columnar.completed_analyses(db, [analysis_id])
    if not found:
        return None
    frame = _read(found[0], folder)
    if frame is not None:
        return frame, queries.load_profile(db, analysis_id)
    frame, profile = _computed(db, found[0])
    try:
        _write(frame, found[0], folder)
    except OSError:  # a read-only or full disk: the frame is still right, only not kept
        log.warning("could not keep the overview frame of analysis %s", analysis_id, exc_info=True)
    return frame.reset_index(drop=True), profile


def prepare_when_completed(db: Database, analysis_id: str) -> bool:
    """The completion hook (core.jobs.pipeline): prepare the just-completed analysis's Overview frame, so the first
    Results page need not. Never raises: a reader computes it instead. True when prepared."""
    try:
        return load(db, analysis_id) is not None
    except Exception:  # noqa: BLE001 - an optimisation; load runs again when the page opens
        log.warning("the overview frame of analysis %s was not prepared at completion", analysis_id, exc_info=True)
        return False
