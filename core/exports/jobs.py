"""Export jobs: an export built into a file under ``REELSCOPE_EXPORT_DIR``, with progress, handed out by a signed
link that expires (core.exports.links). The REST API, the dashboard and the CLI's bytes are the same
``core.exports.documents.open_export``.

    job = start_export(db, analysis_id, ExportOptions(format="parquet"))   # building, or ready at once
    job = get_job(db, job.export_id)                                       # poll: progress 0-100
    path = download_file(db, token)                                        # LinkNotFound / LinkExpired

* Small exports (up to ``INLINE_ROWS`` reels, ``INLINE_XLSX_ROWS`` for Excel) are built in the request and
  are ready at once; larger ones build on this process's export threads and report progress as they go.
* The same request (analysis, its last update, the resolved options) returns the building or ready export again
  while its link has at least ``REUSE_MARGIN`` left, instead of building it twice.
* A ready export's link works until ``expires_at`` (``REELSCOPE_DOWNLOAD_TTL_SECONDS`` after it was ready). Its
  file is deleted by ``remove_expired_files``, which the lease keeper (core.jobs.lease) runs every few seconds and
  the API runs at start-up. The job and the export history keep their records; re-download regenerates the
  identical file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from core.exports import links
from core.exports.documents import (
    ExportError,
    ExportOptions,
    ExportStream,
    filters_to_dict,
    media_type,
    open_export,
)
from core.exports.history import ChecksumMismatch, UnknownExport, export_dir, record_export, regenerate
from core.jobs.lease import add_chore
from core.jobs.leasing import keep_leases
from core.settings import load_settings
from core.storage.engine import Database
from core.storage.models import Analysis, ExportJob, Reel, utcnow

log = logging.getLogger("reelscope.exports")

INLINE_ROWS = 10_000  # more reels than this: built in the background with a progress bar
INLINE_XLSX_ROWS = 2_000  # Excel is slower per reel
REUSE_MARGIN = timedelta(seconds=60)  # a cached export is handed out again only with at least this much link left
STALE_BUILD = timedelta(minutes=10)  # a build that reported nothing for this long was interrupted
EXPORT_THREADS = 2
STATUSES = ("building", "ready", "failed", "expired")
_FILE = re.compile(r"^job-([0-9a-f-]{36})\.")  # job-<id>.<ext>, and job-<id>.<ext>.part… while written

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


class LinkNotFound(ExportError):
    """A link this server did not sign, or whose export is unknown: 404."""


class LinkExpired(ExportError):
    """A genuine link past its expiry: 410."""


@dataclass(frozen=True)
class ExportJobState:
    """One export job as the API returns it (CONTRACTS §13)."""

    export_id: str
    analysis_id: str
    status: str  # building | ready | failed | expired
    progress: int
    rows: int | None
    bytes: int | None
    sha256: str | None
    filename: str | None
    url: str | None
    expires_at: datetime | None
    error: str | None
    format: str
    created_at: datetime

    def as_json(self) -> dict:
        return {"export_id": self.export_id, "analysis_id": self.analysis_id, "status": self.status,
                "progress": self.progress, "rows": self.rows, "bytes": self.bytes, "sha256": self.sha256,
                "filename": self.filename, "format": self.format, "url": self.url,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None, "error": self.error,
                "created_at": self.created_at.isoformat()}


# --- options, cache key, files ----------------------------------------------------------------------------

def options_dict(stream: ExportStream) -> dict:
    """The resolved options of an opened export (fields spelled out, filters in their dict form)."""
    options = stream.options
    return {"format": options.format, "plain": options.plain, "fields": list(stream.fields),
            "filters": filters_to_dict(options.filters), "gzip": options.gzip}


def options_from_dict(data: dict) -> ExportOptions:
    return ExportOptions(format=data["format"], plain=data["plain"], fields=tuple(data["fields"]),
                         gzip=data["gzip"], filters=data.get("filters"))


def cache_key(analysis_id: str, analysis_updated_at: datetime | None, options: dict) -> str:
    """The same analysis, unchanged since, with the same options: the same export."""
    text = json.dumps([analysis_id, analysis_updated_at.isoformat() if analysis_updated_at else None, options],
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def job_path(export_id: str, filename: str, folder: Path | None = None) -> Path:
    """Where a job's file lives: ``<REELSCOPE_EXPORT_DIR>/job-<export id><extension>``."""
    extension = "".join(Path(filename).suffixes[-2:]) if filename.endswith(".gz") else Path(filename).suffix
    return (folder or export_dir()) / f"job-{export_id}{extension}"


def _state(job: ExportJob, now: datetime) -> ExportJobState:
    expired = job.status == "ready" and job.expires_at is not None and job.expires_at <= now
    status = "expired" if expired else job.status
    url = links.download_path(job.id, job.expires_at) if status == "ready" and job.expires_at else None
    return ExportJobState(job.id, job.analysis_id, status, job.progress, job.rows, job.bytes, job.sha256,
                          job.filename, url, job.expires_at, job.error, job.options.get("format", ""),
                          job.created_at)


def _ttl() -> timedelta:
    return timedelta(seconds=load_settings().download_ttl_seconds)


def _whole_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


# --- starting, building, polling ---------------------------------------------------------------------------

def start_export(db: Database, analysis_id: str, options: ExportOptions | None = None, *,
                 background: bool | None = None, now: datetime | None = None) -> ExportJobState:
    """A ready or building export of the analysis; raises UnknownAnalysis / UnknownFields / ExportError at once.

    ``background`` None: by size (see the module docstring); True/False forces it (tests, the CLI)."""
    stream = open_export(db, analysis_id, options)
    resolved = options_dict(stream)
    now = now or utcnow()
    with db.session() as session:
        updated_at = session.scalar(select(Analysis.updated_at).where(Analysis.id == analysis_id))
        total = session.scalar(select(func.count()).select_from(Reel).where(Reel.analysis_id == analysis_id)) or 0
    key = cache_key(analysis_id, updated_at, resolved)
    reused = _reusable(db, key, now)
    if reused is not None:
        return reused
    with db.transaction() as session:
        job = ExportJob(analysis_id=analysis_id, cache_key=key, options=resolved, status="building", progress=0,
                        filename=stream.filename, exported_at=stream.exported_at, created_at=now, updated_at=now)
        session.add(job)
        session.flush()
        export_id = job.id
    keep_house(db)
    limit = INLINE_XLSX_ROWS if stream.options.format == "xlsx" else INLINE_ROWS
    if background if background is not None else total > limit:
        _pool().submit(_build_logged, db, export_id, stream, total)
    else:
        _build_logged(db, export_id, stream, total)
    return get_job(db, export_id)


def _reusable(db: Database, key: str, now: datetime) -> ExportJobState | None:
    with db.session() as session:
        jobs = session.scalars(select(ExportJob).where(ExportJob.cache_key == key,
                                                       ExportJob.status.in_(("building", "ready")))
                               .order_by(ExportJob.created_at.desc()).limit(5)).all()
        for job in jobs:
            if job.status == "building" and job.updated_at > now - STALE_BUILD:
                return _state(job, now)
            if job.status == "ready" and job.expires_at is not None and job.expires_at - now >= REUSE_MARGIN:
                return _state(job, now)
    return None


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=EXPORT_THREADS, thread_name_prefix="reelscope-export")
        return _executor


def keep_house(db: Database) -> None:
    """Make sure this process's housekeeping loop (the lease keeper) runs, so expired files are deleted."""
    add_chore(remove_expired_files)
    try:
        keep_leases(db)
    except Exception:  # noqa: BLE001 - housekeeping also runs at start-up; an export must not fail over it
        log.exception("could not start the housekeeping loop")


class _Progress:
    """Writes a job's progress at most every half second and only when the percentage moved."""

    def __init__(self, db: Database, export_id: str, total: int) -> None:
        self.db, self.export_id, self.total = db, export_id, total
        self.percent, self.written_at = 0, 0.0

    def __call__(self, rows: int) -> None:
        percent = min(99, rows * 100 // self.total) if self.total else 0
        if percent > self.percent and time.monotonic() - self.written_at >= 0.5:
            self.percent, self.written_at = percent, time.monotonic()
            with self.db.transaction() as session:
                session.execute(update(ExportJob).where(ExportJob.id == self.export_id)
                                .values(progress=percent, updated_at=utcnow()))


def _build_logged(db: Database, export_id: str, stream: ExportStream, total: int) -> None:
    try:
        build(db, export_id, stream, total)
    except Exception as exc:  # noqa: BLE001 - a failed build is reported on the job, never lost in a thread
        message = str(exc) if isinstance(exc, ExportError) else "The export could not be built (internal error)."
        log.exception("export %s failed", export_id)
        with db.transaction() as session:
            session.execute(update(ExportJob).where(ExportJob.id == export_id)
                            .values(status="failed", error=message, updated_at=utcnow()))


def build(db: Database, export_id: str, stream: ExportStream, total: int) -> Path:
    """Write the export into its file (atomically), record it in the history and mark the job ready."""
    path = job_path(export_id, stream.filename)
    path.parent.mkdir(parents=True, exist_ok=True)
    stream.on_rows = _Progress(db, export_id, total)
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as out:
        for chunk in stream:
            out.write(chunk)
    os.replace(partial, path)
    record = record_export(db, stream)
    ready_at = utcnow()
    with db.transaction() as session:
        session.execute(update(ExportJob).where(ExportJob.id == export_id).values(
            status="ready", progress=100, rows=stream.rows, bytes=stream.size, sha256=stream.sha256,
            record_id=record.export_id, updated_at=ready_at, expires_at=_whole_seconds(ready_at + _ttl())))
    return path


def get_job(db: Database, export_id: str, now: datetime | None = None) -> ExportJobState:
    with db.session() as session:
        job = session.get(ExportJob, export_id)
        if job is None:
            raise UnknownExport(export_id)
        return _state(job, now or utcnow())


def wait_for_job(db: Database, export_id: str, timeout: float = 300.0) -> ExportJobState:
    """Poll until the job is no longer building (for the CLI and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        state = get_job(db, export_id)
        if state.status != "building" or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


# --- downloading -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Download:
    path: Path
    filename: str
    sha256: str
    media_type: str


def download_file(db: Database, token: str, now: datetime | None = None) -> Download:
    """The file behind a link. LinkNotFound for a token this server did not sign or whose export is not ready
    (or was made for another expiry); LinkExpired after its expiry. A file deleted early is regenerated."""
    try:
        export_id, expires_at = links.verify(token)
    except links.BadLink as exc:
        raise LinkNotFound("No download behind this link.") from exc
    now = now or utcnow()
    with db.session() as session:
        job = session.get(ExportJob, export_id)
        if job is None or job.status != "ready" or job.expires_at is None \
                or _whole_seconds(job.expires_at) != expires_at:
            raise LinkNotFound("No download behind this link.")
        filename, sha256, record_id, options = job.filename or "", job.sha256 or "", job.record_id, job.options
    if expires_at <= now:
        raise LinkExpired(f"This download link expired at {expires_at.isoformat()}; ask for the export again.")
    path = job_path(export_id, filename)
    if not path.is_file():
        _restore(db, path, record_id, sha256)
    return Download(path, filename, sha256, media_type(options_from_dict(options)))


def _restore(db: Database, path: Path, record_id: str | None, sha256: str) -> None:
    """Regenerate a job's file from the export history (identical bytes, or ChecksumMismatch)."""
    if record_id is None:
        raise LinkNotFound("No download behind this link.")
    stream = regenerate(db, record_id)
    partial = path.with_name(f"{path.name}.part-{os.getpid()}-{threading.get_ident()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(partial, "wb") as out:
        for chunk in stream:
            out.write(chunk)
    if stream.sha256 != sha256:
        partial.unlink(missing_ok=True)
        raise ChecksumMismatch("The analysis changed since this export was made; ask for the export again.")
    os.replace(partial, path)


# --- housekeeping ------------------------------------------------------------------------------------------

def remove_expired_files(db: Database, now: datetime | None = None, folder: Path | None = None) -> list[Path]:
    """Delete job files whose link expired (or whose job is gone or failed), leftovers of interrupted builds;
    mark builds that stopped reporting as failed. Returns the deleted paths."""
    now = now or utcnow()
    folder = folder or export_dir()
    with db.transaction() as session:
        session.execute(update(ExportJob).where(ExportJob.status == "building",
                                                ExportJob.updated_at < now - STALE_BUILD)
                        .values(status="failed", error="The export was interrupted; ask for it again.",
                                updated_at=now))
    if not folder.is_dir():
        return []
    candidates: dict[str, list[Path]] = {}
    for path in folder.iterdir():
        match = _FILE.match(path.name)
        if match and path.is_file() and not path.is_symlink():
            candidates.setdefault(match.group(1), []).append(path)
    if not candidates:
        return []
    with db.session() as session:
        jobs = {job.id: (job.status, job.expires_at) for job in
                session.scalars(select(ExportJob).where(ExportJob.id.in_(list(candidates))))}
    removed = []
    for export_id, paths in candidates.items():
        status, expires_at = jobs.get(export_id, (None, None))
        for path in paths:
            partial = ".part" in path.name
            keep = (status == "building" and partial) or \
                   (status == "ready" and expires_at is not None and expires_at > now)
            if not keep:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
