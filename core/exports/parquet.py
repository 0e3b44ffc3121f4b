"""The Parquet export: one typed table that pandas, polars and DuckDB read back exactly.

Column types follow the field's kind (core.exports.fields): ids and other text are strings (an id above 2^53
stays exact), counts are nullable 64-bit integers (null = Instagram hid it, never 0), times are UTC timestamps,
lists are list<string> columns. The file carries pandas metadata, so ``pandas.read_parquet`` gives nullable
``Int64`` counts and ``boolean`` flags instead of floats and objects, and a ``reelscope`` key with the export's
analysis, profile, filters and data dictionary (JSON). Written batch by batch: memory stays flat.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MEDIA_TYPE = "application/vnd.apache.parquet"
METADATA_KEY = b"reelscope"

_ARROW_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "list": pa.list_(pa.string()),
}
_PANDAS_DTYPES = {"text": "object", "integer": "Int64", "number": "float64", "boolean": "boolean",
                  "datetime": "datetime64[us, UTC]", "list": "object"}


def arrow_schema(fields: tuple[str, ...], kinds: dict[str, str], metadata: dict) -> pa.Schema:
    """The export's schema: one column per field, typed by its kind, with pandas and ReelScope metadata."""
    kinds = {name: kinds.get(name, "text") for name in fields}
    frame = pd.DataFrame({name: pd.Series([], dtype=_PANDAS_DTYPES[kinds[name]]) for name in fields})
    pandas_metadata = pa.Schema.from_pandas(frame, preserve_index=False).metadata or {}
    schema = pa.schema([pa.field(name, _ARROW_TYPES[kinds[name]]) for name in fields])
    return schema.with_metadata({**pandas_metadata,
                                 METADATA_KEY: json.dumps(metadata, ensure_ascii=False).encode()})


def _column(values: list, arrow_type: pa.DataType) -> pa.Array:
    if pa.types.is_timestamp(arrow_type):  # ISO 8601 UTC strings (core.exports.rows) → timestamps
        return pa.array(values, pa.string()).cast(arrow_type)
    return pa.array(values, arrow_type)


def write_parquet(path: Path, batches: Iterator[dict[str, list]], schema: Callable[[], pa.Schema]) -> None:
    """Write column batches (``{field: [values]}``, plain Python values) as one Parquet file (zstd).

    ``schema`` is called once the first batch is out (or the batches are done): the kinds of computed columns
    are known only then."""
    first = next(batches, None)
    with pq.ParquetWriter(path, schema(), compression="zstd") as writer:
        if first is None:
            return
        for batch in itertools.chain([first], batches):
            arrays = [_column(list(batch[f.name]), f.type) for f in writer.schema]
            writer.write_table(pa.Table.from_arrays(arrays, schema=writer.schema))
