"""The Excel workbook export, written with XlsxWriter in its ``constant_memory`` mode (rows are streamed to disk).

Sheets: ``Profile`` (the snapshot, where the data came from, the access mode and what Instagram withheld),
``Reels`` (a header row of export field names, then one reel per row), ``Hashtags`` (reels per tag) and
``Data dictionary``. Safety: text is always written with ``write_string`` (a caption starting with ``=`` stays
text, never a formula), and text longer than Excel's 32,767-character cell limit is cut and ends with
``TRUNCATION_MARK``. Numbers are numbers, times are Excel dates in UTC, URLs are hyperlinks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterable, Iterator

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from core.exports.fields import LIST_SEPARATOR

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_LIMIT = 32_767  # Excel's maximum characters in one cell
TRUNCATION_MARK = " […truncated]"
URL_LIMIT = 2_079  # Excel's longest hyperlink; a longer URL is written as text
HYPERLINKS_PER_SHEET = 65_530
URL_FIELDS = ("url", "thumbnail_url")
DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"'
SHEETS = ("Profile", "Reels", "Hashtags", "Topics", "Data dictionary")  # Topics: when the export has the topic field
_WIDTHS = {"text": 18, "integer": 12, "number": 12, "boolean": 10, "datetime": 20, "list": 24}
# number formats of the computed metrics (the values stay exact; Excel shows them rounded, percent units named)
NUMBER_FORMATS = {"engagement_rate": '0.00" %"', "engagement_per_play": '0.00" %"', "plays_per_day": "#,##0.0",
                  "plays_per_follower": "0.000", "comments_per_1k_plays": "0.00"}
_WIDE = {"caption": 60, "url": 44, "thumbnail_url": 44, "audio_title": 28, "location_name": 24}


def cell_text(text: str) -> str:
    """``text`` as it fits in one Excel cell: cut to the cell limit with ``TRUNCATION_MARK`` at its end."""
    if len(text) <= CELL_LIMIT:
        return text
    return text[:CELL_LIMIT - len(TRUNCATION_MARK)] + TRUNCATION_MARK


def excel_time(value: object) -> datetime | None:
    """A UTC time (aware datetime or ISO string) as the naive UTC datetime XlsxWriter writes as an Excel date."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)


@dataclass
class _Formats:
    header: object
    date: object
    link: object
    wrap: object
    numbers: dict = field(default_factory=dict)  # field name -> its column's number format (NUMBER_FORMATS)
    topic_numbers: dict = field(default_factory=dict)  # number format -> format, for the Topics sheet


class _CellWriter:
    """Writes one plain value (None, bool, int, float, str, list, datetime) by its kind, never as a formula."""

    def __init__(self, sheet: Worksheet, formats: _Formats) -> None:
        self.sheet, self.formats = sheet, formats
        self.links = 0

    def write(self, row: int, col: int, value: object, kind: str, name: str = "") -> None:
        sheet = self.sheet
        if value is None:
            return
        if kind == "datetime" or isinstance(value, datetime):
            sheet.write_datetime(row, col, excel_time(value), self.formats.date)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            if isinstance(value, float) and value != value:
                return
            sheet.write_number(row, col, value, self.formats.numbers.get(name))
        else:
            text = LIST_SEPARATOR.join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
            if not text:  # an empty list or text is an empty cell, as in the CSV
                return
            if name in URL_FIELDS and self._link(row, col, text):
                return
            sheet.write_string(row, col, cell_text(text))

    def _link(self, row: int, col: int, url: str) -> bool:
        if self.links >= HYPERLINKS_PER_SHEET or len(url) > URL_LIMIT or not url.startswith(("https://", "http://")):
            return False
        if self.sheet.write_url(row, col, url, self.formats.link, string=cell_text(url)) < 0:
            return False
        self.links += 1
        return True


def _profile_rows(analysis: dict, profile: dict, exported_at: datetime) -> list[tuple[str, object]]:
    withheld = analysis.get("withheld_fields")
    rows: list[tuple[str, object]] = [
        ("username", profile.get("username")), ("user id", profile.get("user_id")),
        ("full name", profile.get("full_name")), ("biography", profile.get("biography")),
        ("followers", profile.get("followers")),
        ("following", profile.get("following")), ("media count", profile.get("media_count")),
        ("private", profile.get("is_private")), ("verified", profile.get("is_verified")),
        ("profile fetched at (UTC)", profile.get("fetched_at")),
        ("analysis id", analysis.get("analysis_id")), ("analysis finished at (UTC)", analysis.get("finished_at")),
    ]
    if "data_source" in analysis:
        rows.append(("data source", analysis.get("data_source")))
    rows += [
        ("access", analysis.get("access")),
        ("withheld by Instagram", "not recorded" if withheld is None else (", ".join(withheld) or "nothing")),
    ]
    if analysis.get("access_notice"):
        rows.append(("access notice", analysis["access_notice"]))
    rows += [("filters applied", analysis.get("filters_description")), ("exported at (UTC)", exported_at)]
    return rows


def write_workbook(path: Path, *, analysis: dict, profile: dict, exported_at: datetime, fields: tuple[str, ...],
                   kinds: dict[str, str], batches: Iterable[dict[str, list]], hashtags: Iterable[list[list[str]]],
                   dictionary: dict[str, dict], tmpdir: str | None = None, topics: list[dict] | None = None) -> int:
    """Write the workbook to ``path``; return the number of reel rows. ``kinds`` may fill in while ``batches``
    is iterated (core.export_rows.ReelBatches); ``hashtags`` yields batches of each reel's hashtags; ``topics``
    (core.exports.topics.exported_topics, the JSON export's ``analysis.topics``) fills a Topics sheet, which an
    export without the topic field does not have."""
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "tmpdir": tmpdir, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": DATE_FORMAT})
    # a fixed creation time (the export's): the same export gives the same bytes (core.export_history)
    workbook.set_properties({"created": excel_time(exported_at), "title": f"ReelScope export of {profile.get('username')}"})
    formats = _Formats(header=workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "bottom": 1}),
                       date=workbook.add_format({"num_format": DATE_FORMAT}),
                       link=workbook.add_format({"font_color": "blue", "underline": 1}),
                       wrap=workbook.add_format({"text_wrap": True, "valign": "top"}),
                       numbers={name: workbook.add_format({"num_format": fmt}) for name, fmt in NUMBER_FORMATS.items()},
                       topic_numbers={fmt: workbook.add_format({"num_format": fmt})
                                      for fmt in {c[3] for c in TOPIC_COLUMNS if c[3]}})
    sheets = {name: workbook.add_worksheet(name) for name in SHEETS if name != "Topics" or topics is not None}
    try:
        _write_profile(sheets["Profile"], formats, _profile_rows(analysis, profile, exported_at))
        rows = _write_reels(sheets["Reels"], formats, fields, kinds, batches)
        _write_hashtags(sheets["Hashtags"], formats, hashtags)
        if topics is not None:
            _write_topics(sheets["Topics"], formats, topics)
        _write_dictionary(sheets["Data dictionary"], formats, dictionary)
    finally:
        workbook.close()
    return rows


def _write_profile(sheet: Worksheet, formats: _Formats, rows: list[tuple[str, object]]) -> None:
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 48)
    sheet.write_string(0, 0, "field", formats.header)
    sheet.write_string(0, 1, "value", formats.header)
    cells = _CellWriter(sheet, formats)
    for row, (label, value) in enumerate(rows, start=1):
        sheet.write_string(row, 0, label)
        cells.write(row, 1, value, "datetime" if isinstance(value, datetime) else "text")


def _write_reels(sheet: Worksheet, formats: _Formats, fields: tuple[str, ...], kinds: dict[str, str],
                 batches: Iterable[dict[str, list]]) -> int:
    for col, name in enumerate(fields):
        sheet.write_string(0, col, name, formats.header)
        width = _WIDE.get(name) or _WIDTHS.get(kinds.get(name, "text"), 14)
        number_format = formats.numbers.get(name)
        sheet.set_column(col, col, max(width, len(name) + 2), number_format)
    if "posted_at" in fields:
        sheet.write_comment(0, fields.index("posted_at"), "Excel dates and times in UTC.")
    sheet.freeze_panes(1, 0)
    cells = _CellWriter(sheet, formats)
    row = 0
    for batch in batches:
        columns = [batch[name] for name in fields]
        for values in zip(*columns, strict=True):
            row += 1
            for col, (name, value) in enumerate(zip(fields, values, strict=True)):
                cells.write(row, col, value, kinds.get(name, "text"), name)
    sheet.autofilter(0, 0, max(row, 1), max(len(fields) - 1, 0))
    return row


def hashtag_counts(batches: Iterable[list[list[str]]]) -> list[tuple[str, int]]:
    """Reels per hashtag (a tag counts once per reel), most used first, then alphabetical."""
    counts: Counter[str] = Counter()
    for tags_per_reel in batches:
        for tags in tags_per_reel:
            counts.update(set(tags or ()))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _write_hashtags(sheet: Worksheet, formats: _Formats, hashtags: Iterable[list[list[str]]]) -> None:
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 12)
    sheet.write_string(0, 0, "hashtag", formats.header)
    sheet.write_string(0, 1, "reels", formats.header)
    sheet.freeze_panes(1, 0)
    for row, (tag, count) in enumerate(hashtag_counts(hashtags), start=1):
        sheet.write_string(row, 0, cell_text(tag))
        sheet.write_number(row, 1, count)


# (column, key of core.analytics.topics.topics_summary, width, number format or None)
TOPIC_COLUMNS = (
    ("topic", "label", 30, None), ("top terms", "terms", 34, None), ("top hashtags", "hashtags", 30, None),
    ("reels", "reels", 8, "0"), ("share of reels (%)", "share", 12, "0.0"),
    ("reels with plays", "plays_sample", 10, "0"), ("median plays", "median_plays", 14, "#,##0"),
    ("median engagement rate (%)", "median_engagement_rate", 14, "0.00"), ("median likes", "median_likes", 12, "#,##0"),
    ("median plays per day", "median_plays_per_day", 14, "#,##0.0"), ("plays lift", "plays_lift", 10, "0.00"),
    ("ranked", "supported", 8, None))
TOPICS_NOTE = ("plays lift = the topic's median plays / the creator's median plays over the exported reels; empty "
               "(and the topic not ranked) with fewer than 5 reels with known plays. Empty medians: unknown "
               "(Instagram withheld every value).")


def _write_topics(sheet: Worksheet, formats: _Formats, topics: list[dict]) -> None:
    """One row per topic of the exported reels, most reels first: the numbers of the JSON export's analysis.topics."""
    for col, (title, _key, width, number) in enumerate(TOPIC_COLUMNS):
        sheet.set_column(col, col, width, formats.topic_numbers.get(number) if number else None)
        sheet.write_string(0, col, title, formats.header)
    sheet.write_comment(0, [c[1] for c in TOPIC_COLUMNS].index("plays_lift"), TOPICS_NOTE)
    sheet.freeze_panes(1, 0)
    for row, topic in enumerate(topics, start=1):
        for col, (_title, key, _width, _number) in enumerate(TOPIC_COLUMNS):
            value = topic.get(key)
            if isinstance(value, list):
                sheet.write_string(row, col, cell_text(" · ".join(value)))
            elif isinstance(value, bool):
                sheet.write_string(row, col, "yes" if value else "no")
            elif isinstance(value, (int, float)):
                sheet.write_number(row, col, value)
            elif value is not None:
                sheet.write_string(row, col, cell_text(str(value)))
    sheet.write_string(len(topics) + 2, 0, TOPICS_NOTE)


def _write_dictionary(sheet: Worksheet, formats: _Formats, dictionary: dict[str, dict]) -> None:
    columns = ("field", "label", "unit", "type", "description")
    for col, (name, width) in enumerate(zip(columns, (22, 24, 14, 10, 90), strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, name, formats.header)
    sheet.freeze_panes(1, 0)
    for row, (name, entry) in enumerate(dictionary.items(), start=1):
        values = (name, entry.get("label"), entry.get("unit"), entry.get("type"), entry.get("description"))
        for col, value in enumerate(values):
            if value:
                sheet.write_string(row, col, cell_text(str(value)))


def file_chunks(path: Path, size: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk
