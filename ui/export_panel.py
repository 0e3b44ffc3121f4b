"""Export panel and export history for the Results and History pages (the only Streamlit code of exports).

The bytes come from ``core.exports.documents`` (the same function as ``python -m core export`` and the API); they are
generated when the download button is clicked and then recorded in the export history.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.analytics.filters import describe
from core.exports.documents import (
    GZIP_OFFER_BYTES,
    ExportOptions,
    all_fields,
    data_dictionary_csv,
    estimate_size,
    normalise_filters,
    open_export,
)
from core.exports.fields import PANDAS_CSV_READ
from core.exports.history import list_exports, record_export, regenerate
from core.exports.jobs import get_job, start_export
from core.exports.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE
from core.settings import load_settings
from core.storage.engine import get_database
from core.storage.unavailable import driver_message
from ui.signin import current_person
from ui.tables import show_table

log = logging.getLogger("reelscope.ui")

_KEY = "export_{}_{}"  # widget keys: one namespace per analysis, so two panels never collide
_WHAT_I_SEE, _EVERYTHING = "Export what I see", "Export everything"
# The default CSV is the plain table (pandas.read_csv with the id dtypes of PANDAS_CSV_READ); the Excel variant adds
# the profile header section and a UTF-8 byte-order mark, which Excel needs to read accents and emoji.
FORMAT_CHOICES = {
    "csv": "CSV: plain table (pandas.read_csv with ids as text, BI tools, Sheets)",
    "csv-excel": "CSV for Excel: profile header section above the table, UTF-8 BOM",
    "json": "JSON: nested, with the data dictionary",
    "xlsx": "Excel (.xlsx)",
    "parquet": "Parquet: typed columns, ids exact (pandas, polars, DuckDB)",
}
_MIME = {"csv": "text/csv", "json": "application/json", "xlsx": XLSX_MEDIA_TYPE,
         "parquet": "application/vnd.apache.parquet"}


def export_options(choice: str, fields=None, filters=None, gzip: bool = False) -> ExportOptions:
    """The ExportOptions of a FORMAT_CHOICES key."""
    return ExportOptions(format=choice if choice in ("json", "xlsx", "parquet") else "csv", plain=choice == "csv",
                         fields=tuple(fields) or None if fields else None, gzip=gzip, filters=filters)


def _key(analysis_id: str, name: str) -> str:
    return _KEY.format(analysis_id, name)


def _size_label(size: int) -> str:
    for limit, unit in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")):
        if size >= limit:
            return f"{size / limit:.1f} {unit}"
    return f"{size} bytes"


def _generate_and_record(analysis_id: str, options: ExportOptions, exported_at: datetime,
                         requested_by: str | None = None) -> bytes:
    db = get_database()
    stream = open_export(db, analysis_id, options, exported_at=exported_at)
    data = stream.read_all()
    try:
        record_export(db, stream, requested_by)
    except SQLAlchemyError as exc:  # the file is complete; only its line in the export history is missing
        log.warning("export of analysis %s not recorded in its history: %s", analysis_id, driver_message(exc))
    return data


def render_export_panel(analysis_id: str, filters=None) -> None:
    """Format, fields, filters and compression choices, then a download button with the CLI's exact bytes."""
    db = get_database()
    choice = st.radio("Format", list(FORMAT_CHOICES), key=_key(analysis_id, "format"), format_func=FORMAT_CHOICES.get)
    fmt = choice if choice in ("json", "xlsx", "parquet") else "csv"
    fields = st.multiselect("Fields, in this order (empty = all)", list(all_fields()), key=_key(analysis_id, "fields"),
                            placeholder="All fields")
    chosen_filters = None
    if normalise_filters(filters) is not None:
        scope = st.radio("Reels", [_WHAT_I_SEE, _EVERYTHING], horizontal=True, key=_key(analysis_id, "scope"),
                         help=f"Filters on this page: {describe(filters)}")
        chosen_filters = filters if scope == _WHAT_I_SEE else None

    options = export_options(choice, fields, chosen_filters)
    estimate = estimate_size(db, analysis_id, options)
    if estimate >= GZIP_OFFER_BYTES and options.compressible:
        compress = st.checkbox(f"Compress with gzip (about {_size_label(estimate)} uncompressed)", value=True,
                               key=_key(analysis_id, "gzip"))
        options = export_options(choice, fields, chosen_filters, gzip=compress)

    exported_at = datetime.now(UTC).replace(microsecond=0)
    filename = open_export(db, analysis_id, options, exported_at=exported_at).filename
    download_col, dictionary_col = st.columns(2)
    download_col.download_button(
        f"Download {filename}", data=lambda person=current_person().name: _generate_and_record(analysis_id, options, exported_at, person),
        file_name=filename, mime=_MIME[fmt] if not options.gzip else "application/gzip",
        icon=":material/download:", type="primary", on_click="ignore", key=_key(analysis_id, "download"))
    if fmt == "csv":
        dictionary_col.caption(f"Read it with `{PANDAS_CSV_READ}`: ids stay exact (or take Parquet).")
        dictionary_col.download_button(
            "Data dictionary (CSV)", data=lambda: data_dictionary_csv(options.fields),
            file_name=filename.split(".")[0] + "_data_dictionary.csv", mime="text/csv",
            icon=":material/menu_book:", on_click="ignore", key=_key(analysis_id, "dictionary"))
    elif fmt == "xlsx":
        dictionary_col.caption("Sheets: *Profile*, *Reels*, *Hashtags* and the *Data dictionary*.")
    elif fmt == "parquet":
        dictionary_col.caption("The data dictionary is in the file's `reelscope` metadata.")
    else:
        dictionary_col.caption("The data dictionary is inside the JSON (`data_dictionary`).")
    render_download_link(analysis_id, options)


def render_download_link(analysis_id: str, options: ExportOptions) -> None:
    """"Copy download link": builds the export as a job (a progress bar while a large one builds) and shows its
    signed link, which works without the API token until the expiry shown (docs/exports.md)."""
    key = _key(analysis_id, "link")
    if st.button("Copy download link", icon=":material/link:", key=key + "_button",
                 help="A signed link for curl, a browser or a BI tool; it expires."):
        st.session_state[key] = start_export(get_database(), analysis_id, options).export_id
    export_id = st.session_state.get(key)
    if export_id:
        _show_link(export_id)


@st.fragment(run_every=1.0)
def _show_link(export_id: str) -> None:
    job = get_job(get_database(), export_id)
    if job.status == "building":
        st.progress(job.progress / 100, text=f"Building the export… {job.progress}%")
    elif job.status == "ready" and job.url:
        st.code(load_settings().api_public_url.rstrip("/") + job.url, language=None)
        st.caption(f"Expires {job.expires_at:%Y-%m-%d %H:%M:%S} UTC · {job.rows:,} reels · {_size_label(job.bytes or 0)}"
                   " · resumable (Range requests)")
    elif job.status == "expired":
        st.caption("This link has expired; ask for a new one.")
    else:
        st.error(job.error or "The export failed.")


def render_export_history(analysis_id: str | None = None) -> None:
    """Every recorded export (of one analysis when given), with a re-download of the identical file."""
    db = get_database()
    records = list_exports(db, analysis_id)
    if not records:
        st.caption("No exports yet.")
        return
    frame = pd.DataFrame([{
        "created": r.created_at, "file": r.filename, "format": r.variant,
        "fields": len(r.fields), "filters": "what I saw" if r.filters else "everything", "rows": r.rows,
        "size": _size_label(r.bytes), "sha256": r.sha256[:12],
    } for r in records])
    show_table(frame, key=f"export_history_{analysis_id or 'all'}", column_config={
        "created": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm:ss", timezone="UTC"),
    })
    by_id = {r.export_id: r for r in records}
    chosen = by_id[st.selectbox("Export", list(by_id), key=f"export_history_pick_{analysis_id or 'all'}",
                                format_func=lambda i: f"{by_id[i].filename} · {by_id[i].variant} · "
                                            f"{by_id[i].rows:,} reels")]
    st.download_button(f"Re-download {chosen.filename}", data=lambda: regenerate(db, chosen.export_id).read_all(),
                       file_name=chosen.filename, icon=":material/download:", on_click="ignore",
                       key=f"export_redownload_{analysis_id or 'all'}",
                       help=f"Regenerated from the stored data; sha256 of the original: {chosen.sha256}")
