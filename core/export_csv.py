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


def csv_column(values: Sequence[object], kind: str) -> list[object]:
    """A whole column converted at once (faster than cell by cell for the common kinds)."""
    if kind in ("integer", "number"):
        return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]
    if kind == "text":
        return [None if v is None else (neutralise(v) if isinstance(v, str) else csv_cell(v)) for v in values]
    if kind == "datetime":
        return [None if v is None else iso_utc(v) for v in values]
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
