"""Excel export benchmark: the XLSX workbook against the CSV export of the same analysis, at two sizes, each
measured in its own process (time and peak RSS), to show the cost ratio and that memory stays flat as the
analysis grows (XlsxWriter's constant_memory mode streams rows to disk).

    .venv/bin/python bench/xlsx_bench.py                      # 10,000 and 50,000 reels
    .venv/bin/python bench/xlsx_bench.py --sizes 2000 20000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export_bench import ANALYSIS_ID, populate  # noqa: E402


def measure(database: Path, fmt: str) -> dict:
    from core.exports.documents import ExportOptions, open_export
    from core.storage.engine import Database

    db = Database(f"sqlite:///{database}")
    started = time.perf_counter()
    stream = open_export(db, ANALYSIS_ID, ExportOptions(format=fmt))
    size = sum(len(chunk) for chunk in stream)
    return {"seconds": time.perf_counter() - started, "bytes": size, "rows": stream.rows,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _child(*args: str) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--child", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.db), args.child)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            database = Path(folder) / f"bench_{size}.db"
            populate(database, size)
            csv_run = _child("--child", "csv", "--db", str(database))
            xlsx_run = _child("--child", "xlsx", "--db", str(database))
            rows.append((size, csv_run, xlsx_run))
    print(f"{'reels':>8} {'csv s':>8} {'xlsx s':>8} {'xlsx/csv':>9} {'csv MB':>8} {'xlsx MB':>8} {'xlsx bytes':>12}")
    for size, c, x in rows:
        print(f"{size:>8} {c['seconds']:>8.2f} {x['seconds']:>8.2f} {x['seconds'] / c['seconds']:>8.1f}× "
              f"{c['peak_rss_mb']:>8.0f} {x['peak_rss_mb']:>8.0f} {x['bytes']:>12}")
    first, last = rows[0], rows[-1]
    print(f"xlsx peak RSS grows {last[2]['peak_rss_mb'] / first[2]['peak_rss_mb']:.2f}× for "
          f"{last[0] / first[0]:.0f}× the reels (csv: {last[1]['peak_rss_mb'] / first[1]['peak_rss_mb']:.2f}×)")


if __name__ == "__main__":
    main()
