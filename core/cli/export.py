"""`python -m core export ANALYSIS_ID --format csv|json|xlsx|parquet [--gzip] [--plain] [--fields f1,f2,…] [-o PATH]`."""

from __future__ import annotations

import argparse
import json
import os
import sys

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    export = sub.add_parser("export", help="export an analysis as CSV, JSON, an Excel workbook or Parquet (stdout unless -o)")
    export.add_argument("analysis_id")
    export.add_argument("--format", choices=["csv", "json", "xlsx", "parquet"], default="csv")
    export.add_argument("--gzip", action="store_true", help="gzip the output (.csv.gz / .json.gz; ignored for xlsx and parquet, compressed already)")
    export.add_argument("--plain", action="store_true", help="CSV table only, without BOM and profile header")
    export.add_argument("--fields", help="comma-separated field names, in the order wanted (default: all)")
    export.add_argument("--filters", help="JSON of the Results page filters (ReelFilters.to_dict()) to apply")
    export.add_argument("-o", "--output", help="file to write; a directory gets the standard file name")
    export.add_argument("--list-fields", action="store_true", help="print the field names and exit")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.exports.documents import ExportError, ExportOptions, all_fields, open_export, parse_fields
    from core.exports.history import record_export
    from core.storage.engine import get_database

    if args.list_fields:
        print("\n".join(all_fields()))
        return EXIT_OK
    try:
        filters = json.loads(args.filters) if args.filters else None
        if filters is not None and not isinstance(filters, dict):
            raise ExportError("--filters must be a JSON object")
        options = ExportOptions(format=args.format, plain=args.plain, fields=parse_fields(args.fields),
                                gzip=args.gzip, filters=filters)
        db = get_database()
        stream = open_export(db, args.analysis_id, options)
    except (ExportError, json.JSONDecodeError) as exc:
        print(f"python -m core export: error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    try:
        if args.output:
            path = os.path.join(args.output, stream.filename) if os.path.isdir(args.output) else args.output
            partial = path + ".part"
            with open(partial, "wb") as out:
                for chunk in stream:
                    out.write(chunk)
            os.replace(partial, path)
            print(f"{path}\t{stream.rows} reels\t{stream.size} bytes\tsha256 {stream.sha256}", file=sys.stderr)
        else:
            out = sys.stdout.buffer
            for chunk in stream:
                out.write(chunk)
            out.flush()
    except OSError as exc:
        print(f"python -m core export: error: cannot write the export: {exc}", file=sys.stderr)
        return EXIT_FAILED
    record_export(db, stream)
    return EXIT_OK
