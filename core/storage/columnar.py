"""A columnar copy of each completed analysis's reels, one Parquet file per analysis, for analytics across profiles.

A completed analysis never changes (a re-run is a new analysis; a retry replaces the reels in one transaction
before the analysis completes), so its reels are written once, at completion, to
``<columns dir>/<analysis id>.parquet`` (``REELSCOPE_COLUMNS_DIR``, default ``data/columns``). The SQLite (or
PostgreSQL) store stays the source of truth: a file is trusted only while its footer names the analysis, its
``updated_at`` and its reel count as the store has them now; a missing, stale or unreadable file is rebuilt from
the store, never used. Deleting an analysis removes its file; files of analyses that no longer exist are pruned.

Writes go to a temporary file in the same folder and are renamed into place, so a reader never sees half a file
and two writers of the same analysis (the job's completion hook and a page's backfill) cannot collide.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Sequence

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from core.domain.reel_fields import REEL_FIELDS, names_where
from core.settings import load_settings
from core.storage.engine import Database
from core.storage.models import Analysis, ProfileSnapshot, Reel, Status

log = logging.getLogger("reelscope.columnar")

FORMAT_VERSION = "3"  # 2: per-reel context columns; 3: columns in core.domain.reel_fields order
_META_ID, _META_UPDATED, _META_REELS, _META_FORMAT = (b"reelscope.analysis_id", b"reelscope.updated_at",
                                                       b"reelscope.reels", b"reelscope.format")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_writing = threading.Lock()

_ARROW_TYPES = {"text": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
                "datetime": pa.timestamp("us", tz="UTC"), "list": pa.list_(pa.string())}
SCHEMA = pa.schema([(f.name, _ARROW_TYPES[f.kind]) for f in REEL_FIELDS if f.exported])
COLUMNS: tuple[str, ...] = tuple(SCHEMA.names)


def columns_dir() -> Path:
    """Where the Parquet files live: ``REELSCOPE_COLUMNS_DIR`` or ``data/columns`` under the project."""
    return load_settings().columns_dir


def path_for(analysis_id: str, folder: Path | None = None) -> Path:
    if not _SAFE_ID.match(analysis_id):
        raise ValueError(f"not an analysis id: {analysis_id!r}")
    return (folder or columns_dir()) / f"{analysis_id}.parquet"


@dataclass(frozen=True)
class Completed:
    """What the store says about one completed analysis: the facts a file must match to be trusted."""

    analysis_id: str
    username: str
    created_at: datetime
    updated_at: datetime
    reels: int
    followers: int | None
    is_demo: bool
    data_source: str = "instagram"

    @property
    def stamp(self) -> str:
        return _stamp(self.updated_at)


def _stamp(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def completed_analyses(db: Database, ids: Sequence[str] | None = None) -> list[Completed]:
    """Every completed analysis (or those of ``ids``) with its profile's followers, oldest first.

    ``reels_fetched`` is the reel count: ``store.complete_with_reels`` sets it to the number of reels it stored in
    the same transaction that completes the analysis, so it is exact for completed analyses (and costs no scan)."""
    query = (select(Analysis.id, Analysis.username, Analysis.created_at, Analysis.updated_at, Analysis.reels_fetched,
                    ProfileSnapshot.followers, Analysis.is_demo, Analysis.data_source)
             .outerjoin(ProfileSnapshot, ProfileSnapshot.analysis_id == Analysis.id)
             .where(Analysis.status == Status.COMPLETED).order_by(Analysis.created_at, Analysis.id))
    if ids is not None:
        query = query.where(Analysis.id.in_(list(ids)))
    with db.session() as session:
        return [Completed(i, u, c, up, int(n or 0), f, bool(d), s or "instagram")
                for i, u, c, up, n, f, d, s in session.execute(query)]


# --- writing -------------------------------------------------------------------------------------------------

def _table_from_store(db: Database, analysis: Completed) -> pa.Table:
    columns = [getattr(Reel, name) for name in COLUMNS]
    with db.session() as session:
        rows = session.execute(select(*columns).where(Reel.analysis_id == analysis.analysis_id)
                               .order_by(Reel.position)).all()
    data = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    arrays = [pa.array(list(values), type=SCHEMA.field(name).type) for name, values in zip(COLUMNS, data, strict=True)]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def write(db: Database, analysis: Completed, folder: Path | None = None) -> pa.Table:
    """(Re)build the analysis's file from the store; return the table written."""
    table = _table_from_store(db, analysis)
    if table.num_rows != analysis.reels:
        # The store's rows disagree with its own count (should not happen for a completed analysis):
        # record what was read, so the file is rebuilt again next time rather than trusted.
        log.warning("analysis %s: %d reels stored, %d recorded", analysis.analysis_id, table.num_rows, analysis.reels)
    table = table.replace_schema_metadata(footer(analysis))
    write_atomically(table, path_for(analysis.analysis_id, folder))
    return table


def footer(analysis: Completed, format_version: str = FORMAT_VERSION) -> dict[bytes, bytes]:
    """The metadata a file prepared from ``analysis`` carries: what must still match the store for it to be trusted
    (``trusted``). ``format_version`` names the kind of file and its layout."""
    return {_META_ID: analysis.analysis_id.encode(), _META_UPDATED: analysis.stamp.encode(),
            _META_REELS: str(analysis.reels).encode(), _META_FORMAT: format_version.encode()}


def write_atomically(table: pa.Table, target: Path) -> None:
    """Write ``table`` to ``target`` through a temporary file in the same folder renamed into place, so a reader
    never sees half a file and two writers cannot collide."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary, compression="lz4")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_completed(db: Database, analysis_id: str) -> bool:
    """The completion hook (``core.jobs.pipeline``): write the file of a just-completed analysis. Never raises: the cache
    failing must not fail an analysis (the file is then built lazily by the next reader). True when written."""
    try:
        found = completed_analyses(db, [analysis_id])
        if not found:
            return False
        write(db, found[0])
        return True
    except Exception:  # noqa: BLE001 - a cache failure is logged, never an analysis failure
        log.exception("could not write the columnar file of analysis %s", analysis_id)
        return False


def remove(analysis_id: str, folder: Path | None = None) -> None:
    """Delete the analysis's files: its columnar copy and what is prepared beside it (``<id>.*.parquet``, e.g.
    core.storage.overview_frames). Never raises for a missing file or an odd id."""
    try:
        target = path_for(analysis_id, folder)
        for path in (target, *target.parent.glob(f"{analysis_id}.*.parquet")):
            path.unlink(missing_ok=True)
    except (OSError, ValueError):
        log.warning("could not remove the columnar file of analysis %s", analysis_id, exc_info=True)


# --- reading -------------------------------------------------------------------------------------------------

def trusted(table: pa.Table, analysis: Completed, format_version: str = FORMAT_VERSION) -> bool:
    """Whether a file read back still describes ``analysis`` as the store has it now (its ``footer``)."""
    return footer(analysis, format_version).items() <= (table.schema.metadata or {}).items() \
        and table.num_rows == analysis.reels


def read(db: Database, analysis: Completed, columns: Sequence[str] | None = None,
         folder: Path | None = None) -> pa.Table:
    """The analysis's reels (only ``columns`` when given), from its file when that is current, else rebuilt."""
    path = path_for(analysis.analysis_id, folder)
    try:
        table = pq.ParquetFile(path).read(columns=list(columns) if columns else None, use_threads=False)
        if trusted(table, analysis):
            return table
        reason = "stale"
    except FileNotFoundError:
        reason = "missing"
    except (OSError, pa.ArrowException, ValueError):  # truncated, corrupt or not Parquet: never trusted
        reason = "unreadable"
    log.info("rebuilding the columnar file of analysis %s (%s)", analysis.analysis_id, reason)
    with _writing:
        table = write(db, analysis, folder)
    return table.select(list(columns)) if columns else table


def read_many(db: Database, analyses: Sequence[Completed], columns: Sequence[str],
              folder: Path | None = None) -> list[pa.Table]:
    return [read(db, analysis, columns, folder) for analysis in analyses]


def prune(db: Database, folder: Path | None = None) -> int:
    """Remove files whose analysis is no longer completed in the store (deleted, or somehow re-opened)."""
    folder = folder or columns_dir()
    if not folder.is_dir():
        return 0
    keep = {a.analysis_id for a in completed_analyses(db)}
    removed = 0
    for path in folder.glob("*.parquet"):  # <id>.parquet and what is prepared beside it, <id>.<kind>.parquet
        if path.name.split(".", 1)[0] not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def reels_frame(db: Database, analysis_id: str):
    """A completed analysis's reels as ``core.storage.queries.load_reels_frame`` returns them (same columns, dtypes and
    order), read from its file (rebuilt first when missing or stale); None when the analysis is not completed."""
    import pandas as pd

    from core.storage.queries import REEL_COLUMNS

    found = completed_analyses(db, [analysis_id])
    if not found:
        return None
    table = read(db, found[0])
    integers, numbers, times = names_where(kind="integer"), names_where(kind="number"), names_where(kind="datetime")
    flags = names_where(kind="boolean", required=True)
    data = {}
    for name in REEL_COLUMNS:
        column = table.column(name)
        if name in integers:
            data[name] = column.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        elif name in numbers:
            data[name] = column.to_pandas(types_mapper={pa.float64(): pd.Float64Dtype()}.get)
        elif name in times and len(column):  # microseconds in UTC, as queries gives them (100× faster than via
            data[name] = column.to_pandas()    # Python datetimes)
        elif name in times:  # no reels: the resolution pandas gives an empty column, as queries does
            data[name] = pd.to_datetime(pd.Series([], dtype="object"), utc=True)
        elif name in flags:
            data[name] = column.fill_null(False).to_pandas()
        else:  # text, lists, optional booleans: plain Python objects (None for unknown)
            data[name] = pd.Series(column.to_pylist(), dtype="object")
    return pd.DataFrame(data, columns=list(REEL_COLUMNS))
