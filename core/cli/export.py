"""`python -m core export ANALYSIS_ID --format csv|json|xlsx|parquet [--gzip] [--plain] [--fields f1,f2,…] [-o PATH]`."""

from __future__ import annotations

import argparse
import os
import sys

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from core.signin.people import CLI


def register(sub) -> None:
    export = sub.add_parser("export", help="export an analysis as CSV, JSON, an Excel workbook or Parquet (stdout unless -o)")
    export.add_argument("analysis_id")
    export.add_argument("--format", choices=["csv", "json", "xlsx", "parquet"], default="csv")
    export.add_argument("--gzip", action="store_true", help="gzip the output (.csv.gz / .json.gz; ignored for xlsx and parquet, compressed already)")
    export.add_argument("--plain", action="store_true", help="CSV table only, without BOM and profile header")
    export.add_argument("--fields", help="comma-separated field names, in the order wanted (default: all)")
    export.add_argument("--filters", metavar="JSON",
                        help="a JSON object of the Results page filters to apply, with keys "
                             "date_from, date_to, tiers, min_plays, hashtag, caption_search, sponsored, collab, "
                             "audio_type, location (e.g. '{\"min_plays\": 1000, \"tiers\": [\"viral\"]}'); "
                             "unknown keys and wrong types exit 2")
    export.add_argument("-o", "--output", help="file to write; a directory gets the standard file name")
    export.add_argument("--list-fields", action="store_true", help="print the field names and exit")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from core.analytics.filter_model import InvalidFilters, parse_filters_json
    from core.exports.documents import ExportError, ExportOptions, all_fields, open_export, parse_fields
    from core.exports.history import record_export
    from core.exports.leftovers import part_file
    from core.storage.engine import get_database
    from core.storage.unavailable import one_line

    if args.list_fields:
        print("\n".join(all_fields()))
        return EXIT_OK
    try:
        filters = parse_filters_json(args.filters) if args.filters else None
        options = ExportOptions(format=args.format, plain=args.plain, fields=parse_fields(args.fields),
                                gzip=args.gzip, filters=filters)
        db = get_database()
        stream = open_export(db, args.analysis_id, options)
    except (ExportError, InvalidFilters) as exc:
        print(f"python -m core export: error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    try:
        if args.output:
            path = os.path.join(args.output, stream.filename) if os.path.isdir(args.output) else args.output
            with part_file(path) as out:  # removed when the export fails; renamed onto PATH when complete
                for chunk in stream:
                    out.write(chunk)
            print(f"{path}\t{stream.rows} reels\t{stream.size} bytes\tsha256 {stream.sha256}", file=sys.stderr)
        else:
            out = sys.stdout.buffer
            for chunk in stream:
                out.write(chunk)
            out.flush()
    except OSError as exc:
        print(f"python -m core export: error: cannot write the export: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        record_export(db, stream, requested_by=CLI)
    except SQLAlchemyError as exc:  # the file is complete; only its history entry is missing (as in the API)
        print(f"python -m core export: warning: the export was written but not recorded in the export history: "
              f"{one_line(exc)}", file=sys.stderr)
    return EXIT_OK
