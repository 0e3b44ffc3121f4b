"""CSV cells that spreadsheets open safely: formula-like text is neutralised, numbers stay numbers.

OWASP CSV injection guidance: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return gets a leading single quote so Excel, LibreOffice and Google Sheets show it as text. Only
*text* is touched; ints and floats are written as numbers (a count is never turned into text).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from typing import Iterable, Sequence

from core.export_fields import LIST_SEPARATOR

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def iso_utc(value: datetime) -> str:
    return value.isoformat()


def csv_cell(value: object) -> object:
    """One value as the csv module should write it: None for unknown, numbers as numbers, safe text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, (list, tuple)):
        return neutralise(LIST_SEPARATOR.join(str(v) for v in value))
    return neutralise(str(value))


def csv_column(values: list[object], kind: str) -> list[object]:
    """A whole column of plain values (see core.export_rows) as csv cells, converted by its kind at once."""
    if kind in ("integer", "number", "datetime"):
        return values  # None is written as an empty cell; numbers stay numbers; ISO times are digits first
    if kind == "text":
        return [v if v is None or not v.startswith(FORMULA_STARTS) else "'" + v for v in values]  # type: ignore[union-attr]
    if kind == "list":
        return [neutralise(LIST_SEPARATOR.join(v)) if v else "" for v in values]  # type: ignore[arg-type]
    if kind == "boolean":
        return [None if v is None else ("true" if v else "false") for v in values]
    return [csv_cell(v) for v in values]


class CsvEncoder:
    """Writes rows with the csv module into a buffer and hands back encoded chunks."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def rows(self, rows: Iterable[Sequence[object]]) -> str:
        self._writer.writerows(rows)
        return self._drain()

    def row(self, row: Sequence[object]) -> str:
        self._writer.writerow(row)
        return self._drain()

    def _drain(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text
