"""CSV cells that spreadsheets open safely: formula-like text is neutralised, numbers stay numbers.

The rule (``is_formula``): a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return
(OWASP's CSV injection list, for Excel and Google Sheets), possibly after leading spaces or NUL characters,
gets a leading single quote, so it shows as text. LibreOffice Calc drops NULs before it looks for ``=``, and
drops leading spaces too when "Trim spaces" is ticked on import (tests/exports/test_csv_libreoffice.py opens
our CSV in LibreOffice to check which variants run). A line break, U+FEFF, zero-width or other invisible
characters, no-break or wide spaces, or a full-width ＝＋－＠ in front are not evaluated there, so such text is
kept exactly. Only *text* is touched; ints and floats are written as numbers (a count is never turned into text).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.exports.fields import LIST_SEPARATOR

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SKIPPED_LEADERS = " \x00"  # what a spreadsheet may drop before it looks for a formula start


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (see the module docstring for the rule)."""
    return text.startswith(FORMULA_STARTS) or (text.startswith(tuple(SKIPPED_LEADERS))
                                                and text.lstrip(SKIPPED_LEADERS).startswith(FORMULA_STARTS))


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if is_formula(text) else text


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
    """A whole column of plain values (see core.exports.rows) as csv cells, converted by its kind at once."""
    if kind in ("integer", "number", "datetime"):
        return values  # None is written as an empty cell; numbers stay numbers; ISO times are digits first
    if kind == "text":
        return [v if v is None or not is_formula(v) else "'" + v for v in values]  # type: ignore[arg-type]
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


# --- whole batches at once -------------------------------------------------------------------------------
#
# ``csv_block`` writes the same bytes as ``CsvEncoder().rows(zip(*[csv_column(values, kind) ...]))`` encoded as
# UTF-8 (csv.writer, QUOTE_MINIMAL, "\r\n"), but converts and joins whole columns with Arrow kernels instead of
# one Python call per cell. Anything a fast path cannot prove it handles exactly (an unexpected type, a float
# outside the range where Arrow's shortest repr is laid out like Python's) goes through the per-value path.
# tests/exports/test_csv_block.py compares the two on generated and hostile values.

_FORMULA_BYTES = np.frombuffer("".join(FORMULA_STARTS).encode("ascii"), dtype=np.uint8)
_LEADER_BYTES = np.frombuffer(SKIPPED_LEADERS.encode("ascii"), dtype=np.uint8)
_NEEDS_QUOTES = '[,"\r\n]'  # the csv module quotes a field holding its delimiter, quote char or line terminator
_FAST_FLOAT_MIN, _FAST_FLOAT_MAX = 1e-4, 1e9  # |x| here: Arrow and repr agree but for repr's ".0" on whole numbers
_NONE = type(None)


def _cell_text(value: object) -> str | None:
    """What csv.writer writes for one cell: nothing for None, text as is, ``str`` (repr for floats) of the rest."""
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _quoted(cells: pa.Array) -> pa.Array:
    if len(cells):  # most columns hold none of the four characters anywhere: one memchr scan per character
        offsets, data = _utf8(cells)
        text = data[offsets[0]:offsets[-1]].tobytes()
        if not any(char in text for char in (b",", b'"', b"\r", b"\n")):
            return cells
    needs = pc.match_substring_regex(cells, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return cells
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(cells, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, cells)


def _utf8(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's offsets and UTF-8 bytes as numpy views (no copy)."""
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int32)[cells.offset:cells.offset + len(cells) + 1]
    data = cells.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)


def _text_cells(cells: pa.Array, neutralise: bool) -> pa.Array:
    if neutralise and len(cells):  # FORMULA_STARTS are ASCII: compare the first byte of every non-empty cell
        offsets, data = _utf8(cells)
        starts, filled = offsets[:-1], offsets[1:] > offsets[:-1]
        first = np.zeros(len(cells), dtype=np.uint8)
        first[filled] = data[starts[filled]]
        formula = np.isin(first, _FORMULA_BYTES)
        led = np.flatnonzero(filled & np.isin(first, _LEADER_BYTES))
        if len(led):  # rare: look past the leading spaces / NULs of those cells only
            formula[led] = [is_formula(text) for text in cells.take(pa.array(led)).to_pylist()]
        if formula.any():
            cells = pc.if_else(pa.array(formula), pc.binary_join_element_wise("'", cells, ""), cells)
    return _quoted(cells)


def _python_cells(values: Sequence[object] | pa.Array, kind: str) -> pa.Array:
    """The per-value path: csv_column, then the csv module's own conversion to text, then its quoting."""
    if isinstance(values, pa.Array):
        values = values.to_pylist()
    return _quoted(pa.array([_cell_text(v) for v in csv_column(list(values), kind)], pa.string()))


def _float_cells(values: np.ndarray, missing: np.ndarray) -> pa.Array:
    """repr() of each float (what csv.writer writes), None where missing."""
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        fast = ~missing & (magnitude >= _FAST_FLOAT_MIN) & (magnitude < _FAST_FLOAT_MAX)
    cells = pa.array(values, mask=~fast).cast(pa.string())
    whole = fast & (values == np.trunc(values))
    if whole.any():
        cells = pc.if_else(pa.array(whole), pc.binary_join_element_wise(cells, ".0", ""), cells)
    slow = ~fast & ~missing
    if slow.any():
        cells = pc.replace_with_mask(cells, pa.array(slow), pa.array([repr(v) for v in values[slow].tolist()],
                                                                      pa.string()))
    return cells


def _only(values: Sequence[object], *types: type) -> bool:
    return set(map(type, values)) <= {_NONE, *types}


def _column_cells(values: Sequence[object] | pa.Array, kind: str) -> pa.Array:
    """One column as csv text cells (null = empty cell)."""
    if isinstance(values, pa.Array):
        if values.null_count == len(values):  # every cell unknown (a stored column NULL in every reel)
            return pa.nulls(len(values), pa.string())
        arrow_type = values.type
        if kind == "number" and pa.types.is_floating(arrow_type):
            data = values.to_numpy(zero_copy_only=False).astype("float64")
            return _float_cells(data, values.is_null().to_numpy(zero_copy_only=False))
        if kind == "integer" and pa.types.is_integer(arrow_type):
            return values.cast(pa.string())
        if kind == "boolean" and pa.types.is_boolean(arrow_type):
            return pc.if_else(values, "true", "false")
        if kind in ("text", "datetime", "list") and pa.types.is_string(arrow_type):  # a list arrives joined
            return _text_cells(values, neutralise=kind != "datetime")
        return _python_cells(values, kind)
    if kind == "number" and _only(values, float):
        data = np.array(values, dtype="float64")  # None → NaN
        return _float_cells(data, np.array([v is None for v in values], dtype=bool))
    if kind in ("text", "datetime") and _only(values, str):  # typed, not inferred: several times faster
        return _text_cells(pa.array(values, pa.string()), neutralise=kind == "text")
    if kind in ("integer", "text", "datetime"):
        try:  # inferred, not forced: a float or a bool among ints, or a non-str among str, is not converted
            inferred = pa.array(values)
        except (pa.ArrowException, OverflowError):
            return _python_cells(values, kind)
        if inferred.type == pa.null():
            return pa.nulls(len(values), pa.string())
        if kind == "integer" and inferred.type == pa.int64():
            return inferred.cast(pa.string())
        if kind != "integer" and inferred.type == pa.string():
            return _text_cells(inferred, neutralise=kind == "text")
        return _python_cells(values, kind)
    if kind == "boolean" and _only(values, bool):
        return pc.if_else(pa.array(values, pa.bool_()), "true", "false")
    if kind == "list" and _only(values, list, tuple):
        joined = [LIST_SEPARATOR.join(v) if v else "" for v in values]
        if _only(joined, str):
            return _text_cells(pa.array(joined, pa.string()), neutralise=True)
    return _python_cells(values, kind)


def csv_block(columns: Sequence[Sequence[object] | pa.Array], kinds: Sequence[str]) -> bytes:
    """Rows from equally long columns (lists of plain values as in core.exports.rows, or Arrow arrays) as UTF-8
    CSV bytes, identical to what the csv module writes for ``csv_column`` of each."""
    if not columns or len(columns[0]) == 0:
        return b""
    cells = [_column_cells(values, kind) for values, kind in zip(columns, kinds, strict=True)]
    if len(cells) == 1:  # the csv module quotes a row's only field when it is empty, so the line is not blank
        only = cells[0].fill_null("")
        cells = [pc.if_else(pc.equal(only, ""), '""', only)]
    lines = pc.binary_join_element_wise(*cells, ",", null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(lines, "\r\n", "")
    offsets, _ = _utf8(lines)
    return lines.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()
