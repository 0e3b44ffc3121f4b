"""CSV and JSON exports of one analysis, streamed in chunks so memory stays flat however many reels.

One function produces the bytes for the CLI, the dashboard's download button and the REST API::

    stream = open_export(db, analysis_id, ExportOptions(format="csv"))
    for chunk in stream: ...            # bytes
    stream.filename, stream.rows, stream.size, stream.sha256   # after iteration

``export_chunks`` is the same as an iterator; ``export_bytes`` joins it. Unknown analyses and field
names raise at once (before any byte is produced), as ``UnknownAnalysis`` / ``UnknownFields``.
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import select

from core.analytics.metrics import metrics_time
from core.exports.csv_encoding import CsvEncoder, csv_block, csv_cell
from core.exports.fields import all_fields, field_infos, unknown_fields
from core.exports.leftovers import workbook_folder
from core.exports.parquet import MEDIA_TYPE as PARQUET_MEDIA_TYPE
from core.exports.parquet import arrow_schema, write_parquet
from core.exports.rows import ReelBatches
from core.exports.topics import exported_topics
from core.exports.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE
from core.exports.xlsx import file_chunks, write_workbook
from core.storage.engine import Database
from core.storage.models import Analysis, ProfileSnapshot, Reel, Status
from core.storage.queries import PROFILE_FIELDS, profile_dict

SCHEMA_VERSION = 1
FORMATS = ("csv", "json", "xlsx", "parquet")
SELF_COMPRESSED = ("xlsx", "parquet")  # a zip archive, and zstd-compressed columns: gzip adds nothing
CHUNK_BYTES = 256 * 1024
GZIP_OFFER_BYTES = 5 * 1024 * 1024  # the dashboard offers compression above this size
BOM = "\ufeff"



class ExportError(ValueError):
    """An export that cannot be made; the message is meant for the user."""


class UnknownAnalysis(ExportError):
    def __init__(self, analysis_id: str) -> None:
        self.analysis_id = analysis_id
        super().__init__(f"No analysis with id {analysis_id!r}.")


class AnalysisStillRunning(ExportError):
    """Exports are of completed analyses: while one runs, its reels so far are shown, never exported."""

    def __init__(self, username: str) -> None:
        super().__init__(f"The analysis of @{username} is still running; export it when it has completed "
                         f"(its Results page shows the reels so far).")


class UnknownFields(ExportError):
    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(f"Unknown export field(s): {', '.join(names)}. Known fields: {', '.join(all_fields())}.")


@dataclass(frozen=True)
class ExportOptions:
    """What to export. ``fields`` None = every field in the default order; ``filters`` None = everything.

    ``filters`` is a ``core.analytics.filters.ReelFilters`` (or its ``to_dict()`` form) for "export what I see".
    """

    format: str = "csv"
    plain: bool = False
    fields: tuple[str, ...] | None = None
    gzip: bool = False
    filters: Any = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ExportError(f"Unknown export format {self.format!r}; use one of {', '.join(FORMATS)}.")
        if self.fields is not None:
            object.__setattr__(self, "fields", tuple(self.fields))

    @property
    def extension(self) -> str:
        return f".{self.format}.gz" if self.gzip else f".{self.format}"

    @property
    def compressible(self) -> bool:
        """Whether ``gzip`` applies: an .xlsx workbook is a zip archive, a Parquet file compressed, already."""
        return self.format not in SELF_COMPRESSED


def media_type(options: ExportOptions) -> str:
    """The Content-Type of an export made with these (resolved) options."""
    if options.gzip:
        return "application/gzip"
    return {"csv": "text/csv; charset=utf-8", "json": "application/json", "xlsx": XLSX_MEDIA_TYPE,
            "parquet": PARQUET_MEDIA_TYPE}[options.format]


def parse_fields(text: str | None) -> tuple[str, ...] | None:
    """``"a, b,c"`` → ``("a", "b", "c")``; empty → None (every field). Unknown names raise UnknownFields."""
    if not text or not text.strip():
        return None
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    resolve_fields(names)
    return names


def resolve_fields(fields: Sequence[str] | None) -> tuple[str, ...]:
    if fields is None or len(fields) == 0:
        return all_fields()
    unknown = unknown_fields(list(fields))
    if unknown:
        raise UnknownFields(unknown)
    return tuple(fields)


def safe_name_part(text: str, max_length: int = 64) -> str:
    """Letters, digits, ``_``, ``-`` and single inner dots only: never a path separator or ``..``."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text)
    cleaned = re.sub(r"\.{2,}", "_", cleaned).strip(".")
    return cleaned[:max_length] or "export"


def export_filename(username: str, exported_at: datetime, options: ExportOptions) -> str:
    """``reelscope_<username>_<YYYYmmdd-HHMMSS>.csv|.json|.csv.gz|.json.gz`` (UTC), safe characters only."""
    stamp = exported_at.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"reelscope_{safe_name_part(username)}_{stamp}{options.extension}"


# --- filters and metrics (core.analytics.filters / core.analytics.metrics) -------------------------------------------------

def filters_to_dict(filters: Any) -> dict | None:
    if filters is None:
        return None
    if isinstance(filters, dict):
        return filters
    return filters.to_dict()


def filters_from_dict(data: dict | None) -> Any:
    if not data:
        return None
    from core.analytics.filters import ReelFilters

    return ReelFilters.from_dict(data)


def normalise_filters(filters: Any) -> Any:
    """A ``ReelFilters`` (from itself or its dict form), or None for "everything" (also when it keeps all)."""
    if isinstance(filters, dict):
        filters = filters_from_dict(filters)
    if filters is None or filters.is_empty:
        return None
    return filters


def describe_filters(filters: Any) -> str:
    if filters is None:
        return "none (everything)"
    from core.analytics.filters import describe

    return describe(filters)


# --- the export itself -------------------------------------------------------------------------------

@dataclass
class _Context:
    analysis: dict
    profile: dict
    fields: tuple[str, ...]
    filters: Any
    exported_at: datetime
    metrics_at: datetime  # ages are measured here: when the analysis finished, as the dashboard does


@dataclass
class ExportStream:
    """An export ready to stream: iterate it once for the bytes; afterwards ``rows``, ``size``, ``sha256``."""

    db: Database
    analysis_id: str
    options: ExportOptions
    exported_at: datetime
    filename: str
    context: _Context
    rows: int = 0
    size: int = 0
    sha256: str = ""
    _digest: Any = field(default_factory=hashlib.sha256, repr=False)
    on_rows: Callable[[int], None] | None = field(default=None, repr=False)  # told the rows so far, per batch

    @property
    def fields(self) -> tuple[str, ...]:
        return self.context.fields

    @property
    def media_type(self) -> str:
        return media_type(self.options)

    def __iter__(self) -> Iterator[bytes]:
        self.rows = self.size = 0
        self._digest = hashlib.sha256()
        chunks = _encoded(self._text_chunks())
        if self.options.gzip:
            chunks = _gzipped(chunks)
        for chunk in _coalesced(chunks):
            self.size += len(chunk)
            self._digest.update(chunk)
            yield chunk
        self.sha256 = self._digest.hexdigest()

    def read_all(self) -> bytes:
        return b"".join(self)

    def _text_chunks(self) -> Iterator[str | bytes]:
        if self.options.format == "csv":
            yield from self._csv()
        elif self.options.format == "xlsx":
            yield from self._xlsx()
        elif self.options.format == "parquet":
            yield from self._parquet()
        else:
            yield from self._json()

    def _count(self, batch: dict[str, list]) -> int:
        n = len(next(iter(batch.values()))) if batch else 0
        self.rows += n
        if self.on_rows is not None:
            self.on_rows(self.rows)
        return n

    def _batches(self, arrays: bool = False) -> ReelBatches:
        ctx = self.context
        return ReelBatches(self.db, self.analysis_id, ctx.fields, followers=ctx.profile["followers"],
                           metrics_at=ctx.metrics_at, filters=ctx.filters, arrays=arrays)

    def _csv(self) -> Iterator[str | bytes]:
        encoder = CsvEncoder()
        if not self.options.plain:
            yield BOM
            yield encoder.rows([(key, csv_cell(value)) for key, value in _header_pairs(self.context)])
            yield encoder.row([])
        fields = self.context.fields
        yield encoder.row(list(fields))
        batches = self._batches(arrays=True)
        for batch in batches:
            if self._count(batch):
                yield csv_block([batch[name] for name in fields], [batches.kinds[name] for name in fields])

    def _xlsx(self) -> Iterator[bytes]:
        """The workbook (core.exports.xlsx), built in a temporary folder and then streamed from its file."""
        ctx = self.context
        batches = self._batches()
        counted = (batch for batch in batches if self._count(batch))
        hashtags = (batch["hashtags"] for batch in ReelBatches(
            self.db, self.analysis_id, ("hashtags",), followers=ctx.profile["followers"],
            metrics_at=ctx.metrics_at, filters=ctx.filters))
        with workbook_folder() as folder:  # locked while in use: clean_leftovers removes it only if we die
            path = Path(folder) / "export.xlsx"
            write_workbook(path, analysis=ctx.analysis, profile=ctx.profile, exported_at=ctx.exported_at,
                           fields=ctx.fields, kinds=batches.kinds, batches=counted, hashtags=hashtags,
                           dictionary={name: field_infos()[name].as_dict() for name in ctx.fields}, tmpdir=folder,
                           topics=self._topics().get("topics"))
            yield from file_chunks(path, CHUNK_BYTES)

    def _topics(self) -> dict:
        """``{"topics": [...]}`` over the exported reels when the export has the ``topic`` field (every default
        export), else nothing: an export made without it, e.g. before topics existed, regenerates byte for byte."""
        ctx = self.context
        if "topic" not in ctx.fields:
            return {}
        return {"topics": exported_topics(self.db, self.analysis_id, followers=ctx.profile["followers"],
                                          metrics_at=ctx.metrics_at, filters=ctx.filters)}

    def _parquet(self) -> Iterator[bytes]:
        """The Parquet file (core.exports.parquet), written in a temporary folder and then streamed from it."""
        ctx = self.context
        batches = self._batches()
        counted = (batch for batch in batches if self._count(batch))
        metadata = {"schema_version": SCHEMA_VERSION, "exported_at": ctx.exported_at.isoformat(),
                    "analysis": _json_safe(ctx.analysis), "profile": _json_safe(ctx.profile),
                    "data_dictionary": {name: field_infos()[name].as_dict() for name in ctx.fields}}
        with workbook_folder() as folder:  # locked while in use: clean_leftovers removes it only if we die
            path = Path(folder) / "export.parquet"
            write_parquet(path, counted, lambda: arrow_schema(ctx.fields, batches.kinds, metadata))
            yield from file_chunks(path, CHUNK_BYTES)

    def _json(self) -> Iterator[str]:
        ctx = self.context
        head = {
            "schema_version": SCHEMA_VERSION,
            "exported_at": ctx.exported_at.isoformat(),
            "analysis": _json_safe({**ctx.analysis, **self._topics()}),
            "profile": _json_safe(ctx.profile),
        }
        text = json.dumps(head, ensure_ascii=False, indent=None)
        yield text[:-1] + ', "reels": ['
        fields = ctx.fields
        first = True
        dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
        for batch in self._batches():
            if not self._count(batch):
                continue
            reels = (dumps(dict(zip(fields, values, strict=True)))
                     for values in zip(*(batch[name] for name in fields), strict=True))
            yield ("\n" if first else ",\n") + ",\n".join(reels)
            first = False
        dictionary = {name: field_infos()[name].as_dict() for name in fields}
        yield "\n], " + f'"reel_count": {self.rows}, "data_dictionary": ' + json.dumps(dictionary, ensure_ascii=False)
        yield "}\n"


def open_export(db: Database, analysis_id: str, options: ExportOptions | None = None, *,
                exported_at: datetime | None = None) -> ExportStream:
    """Validate now (UnknownAnalysis / UnknownFields / ExportError) and return a stream to iterate."""
    options = options or ExportOptions()
    fields = resolve_fields(options.fields)
    exported_at = (exported_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if options.plain and options.format != "csv":
        options = replace(options, plain=False)
    if options.gzip and not options.compressible:
        options = replace(options, gzip=False)
    try:
        options = replace(options, filters=normalise_filters(options.filters))
    except (TypeError, ValueError) as exc:
        raise ExportError(f"Invalid filters: {exc}") from exc
    with db.session() as session:
        analysis = session.get(Analysis, analysis_id)
        if analysis is None:
            raise UnknownAnalysis(analysis_id)
        if analysis.status in Status.ACTIVE:
            raise AnalysisStillRunning(analysis.username)
        snapshot = session.scalar(select(ProfileSnapshot).where(ProfileSnapshot.analysis_id == analysis_id))
        analysis_info = {
            "analysis_id": analysis.id, "username": analysis.username, "status": analysis.status,
            "created_at": analysis.created_at, "finished_at": analysis.finished_at,
            "max_reels": analysis.max_reels, "is_demo": bool(analysis.is_demo),
            "data_source": analysis.data_source or "instagram",
            **access_info(analysis),
            "filters": filters_to_dict(options.filters), "filters_description": describe_filters(options.filters),
            "fields": list(fields),
        }
        profile = _profile_info(snapshot, analysis.username)
        metrics_at = metrics_time(analysis.finished_at, analysis.updated_at) or exported_at
    context = _Context(analysis_info, profile, fields, options.filters, exported_at, metrics_at)
    filename = export_filename(profile["username"] or analysis_info["username"], exported_at, options)
    return ExportStream(db, analysis_id, options, exported_at, filename, context)


def export_chunks(db: Database, analysis_id: str, options: ExportOptions | None = None, *,
                  exported_at: datetime | None = None) -> Iterator[bytes]:
    """The export's bytes in chunks; raises at once for an unknown analysis or field."""
    return iter(open_export(db, analysis_id, options, exported_at=exported_at))


def export_bytes(db: Database, analysis_id: str, options: ExportOptions | None = None, *,
                 exported_at: datetime | None = None) -> bytes:
    return open_export(db, analysis_id, options, exported_at=exported_at).read_all()


def estimate_size(db: Database, analysis_id: str, options: ExportOptions) -> int:
    """A rough uncompressed size in bytes, from stored text lengths (to decide whether to offer gzip)."""
    from sqlalchemy import func

    fields = resolve_fields(options.fields)
    text_columns = [name for name in ("caption", "url", "thumbnail_url") if name in fields]
    with db.session() as session:
        sums = session.execute(select(func.count(), *[func.coalesce(func.sum(func.length(getattr(Reel, name))), 0)
                                                      for name in text_columns])
                               .where(Reel.analysis_id == analysis_id)).one()
    rows, text_bytes = int(sums[0]), sum(int(v) for v in sums[1:])
    per_row = 12 * (len(fields) - len(text_columns))
    if options.format == "json":
        per_row += sum(len(name) + 6 for name in fields)
    return int(text_bytes * 1.1) + rows * per_row + 2048


def data_dictionary(fields: Sequence[str] | None = None) -> dict[str, dict]:
    """Field → {label, unit, type, description} for the given fields (default: all), in that order."""
    infos = field_infos()
    return {name: infos[name].as_dict() for name in resolve_fields(fields)}


def data_dictionary_csv(fields: Sequence[str] | None = None) -> bytes:
    """The data dictionary as an Excel-friendly CSV (UTF-8 with BOM), to download beside a CSV export."""
    encoder = CsvEncoder()
    text = BOM + encoder.row(["field", "label", "unit", "type", "description"])
    text += encoder.rows([(name, csv_cell(d["label"]), csv_cell(d["unit"]), d["type"], csv_cell(d["description"]))
                          for name, d in data_dictionary(fields).items()])
    return text.encode("utf-8")


# --- helpers -----------------------------------------------------------------------------------------

def access_info(analysis: Analysis) -> dict:
    """How the analysis reached Instagram and what Instagram withheld (README: Limits of scraping Instagram); None when not recorded."""
    withheld = analysis.withheld_fields
    return {"access": analysis.access, "withheld_fields": list(withheld) if withheld is not None else None,
            "access_notice": analysis.access_notice, "requested_by": analysis.requested_by}


def describe_withheld(fields: Sequence[str] | None) -> str:
    if fields is None:
        return "not recorded"
    return ", ".join(fields) if fields else "nothing"


def _profile_info(snapshot: ProfileSnapshot | None, username: str) -> dict:
    """The profile section of an export, keys in the JSON's documented order (username first)."""
    known = profile_dict(snapshot) if snapshot is not None else {**dict.fromkeys(PROFILE_FIELDS), "username": username}
    return {"username": known["username"], **{k: v for k, v in known.items() if k != "username"}}


def _header_pairs(ctx: _Context) -> list[tuple[str, object]]:
    analysed_at = ctx.analysis["finished_at"] or ctx.profile["fetched_at"] or ctx.analysis["created_at"]
    return [
        ("username", ctx.profile["username"]),
        ("user id", ctx.profile["user_id"]),
        ("followers", ctx.profile["followers"]),
        ("following", ctx.profile["following"]),
        ("media count", ctx.profile["media_count"]),
        ("analysed at", analysed_at),
        ("analysis id", ctx.analysis["analysis_id"]),
        ("data source", ctx.analysis["data_source"]),
        ("filters applied", ctx.analysis["filters_description"]),
        ("access", ctx.analysis["access"]),
        ("withheld by Instagram", describe_withheld(ctx.analysis["withheld_fields"])),
        *([("access notice", ctx.analysis["access_notice"])] if ctx.analysis["access_notice"] else []),
        ("exported at", ctx.exported_at),
    ]


def _json_value(value: object) -> object:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, (list, tuple)):
        return list(value)
    return str(value)


def _json_safe(data: dict) -> dict:
    return {k: _json_value(v) if not isinstance(v, dict) else _json_safe(v) for k, v in data.items()}


def _encoded(chunks: Iterator[str | bytes]) -> Iterator[bytes]:
    for text in chunks:
        if text:
            yield text.encode("utf-8") if isinstance(text, str) else text


def _gzipped(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Gzip with a fixed header (no name, mtime 0): identical content gives identical bytes."""
    buffer = io.BytesIO()
    with gzip_module.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as archive:
        for chunk in chunks:
            archive.write(chunk)
            if buffer.tell() >= CHUNK_BYTES:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def _coalesced(chunks: Iterator[bytes]) -> Iterator[bytes]:
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)
