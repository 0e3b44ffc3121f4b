"""Managing stored analyses: `cancel`, `retry`, `delete`, `purge`, `health`."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    cancel = sub.add_parser("cancel", help="stop a pending or running analysis (it ends failed: cancelled by user)")
    cancel.add_argument("analysis_id")
    cancel.set_defaults(run=run_cancel)

    retry = sub.add_parser("retry", help="run a failed analysis again and wait for it")
    retry.add_argument("analysis_id")
    retry.add_argument("--json", action="store_true", help="print the result as one JSON object")
    retry.set_defaults(run=run_retry)

    delete = sub.add_parser("delete", help="delete an analysis, or everything stored about a profile")
    target = delete.add_mutually_exclusive_group(required=True)
    target.add_argument("analysis_id", nargs="?")
    target.add_argument("--username", help="delete every analysis of this profile")
    delete.set_defaults(run=run_delete)

    purge = sub.add_parser("purge", help="delete finished analyses older than an age")
    purge.add_argument("--older-than", required=True, metavar="AGE", help="e.g. 30d, 12h, 2w")
    purge.set_defaults(run=run_purge)

    health = sub.add_parser("health", help="check the database, workers and disk; exit 0 healthy, 1 not")
    health.add_argument("--json", action="store_true", help="print the report as JSON")
    health.set_defaults(run=run_health)


def _db():
    from core.storage.engine import get_database
    return get_database()


def run_cancel(args: argparse.Namespace) -> int:
    from core.jobs.submission import cancel_analysis
    from core.storage.analyses import get_state

    db = _db()
    if get_state(db, args.analysis_id) is None:
        print(f"error: no analysis {args.analysis_id}", file=sys.stderr)
        return EXIT_USAGE
    if not cancel_analysis(args.analysis_id, db=db):
        print("error: that analysis is not pending or running", file=sys.stderr)
        return EXIT_FAILED
    print(f"cancel requested for {args.analysis_id}")
    return EXIT_OK


def run_retry(args: argparse.Namespace) -> int:
    from core.jobs.submission import retry_analysis, wait_for
    from core.storage.analyses import get_state

    db = _db()
    state = get_state(db, args.analysis_id)
    if state is None:
        print(f"error: no analysis {args.analysis_id}", file=sys.stderr)
        return EXIT_USAGE
    if not retry_analysis(args.analysis_id, db=db):
        print(f"error: only failed analyses can be retried (this one is {state.status})", file=sys.stderr)
        return EXIT_FAILED
    [final] = wait_for([args.analysis_id], db=db)
    if args.json:
        print(json.dumps({"analysis_id": final.analysis_id, "username": final.username, "status": final.status,
                          "error": final.error, "reels": final.reels_stored}, ensure_ascii=False))
    else:
        print(f"{final.analysis_id}\t@{final.username}\t{final.status}\t{final.error or ''}".rstrip())
    return EXIT_OK if final.status == "completed" else EXIT_FAILED


def run_delete(args: argparse.Namespace) -> int:
    from core.domain.usernames import validate_username
    from core.storage.retention import delete_analyses, delete_username

    db = _db()
    if args.username:
        try:
            username = validate_username(args.username)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        count = delete_username(db, username)
        print(f"deleted {count} analyses of @{username}")
        return EXIT_OK
    if not delete_analyses(db, [args.analysis_id]):
        print(f"error: no analysis {args.analysis_id}", file=sys.stderr)
        return EXIT_USAGE
    print(f"deleted {args.analysis_id}")
    return EXIT_OK


def run_purge(args: argparse.Namespace) -> int:
    from core.storage.retention import parse_age, purge_older_than

    try:
        age = parse_age(args.older_than)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"deleted {purge_older_than(_db(), age)} analyses older than {args.older_than}")
    return EXIT_OK


def run_health(args: argparse.Namespace) -> int:
    from core.jobs.health import health_report

    try:
        report = health_report(_db())
    except Exception as exc:  # noqa: BLE001 - an unreachable database is an unhealthy report, not a crash
        report = {"healthy": False, "database": {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}}
    if args.json:
        print(json.dumps(report, default=str))
    else:
        for name, value in report.items():
            if isinstance(value, dict):
                mark = "ok " if value.get("ok", True) else "BAD"
                details = ", ".join(f"{k}={v}" for k, v in value.items() if k != "ok")
                print(f"{mark} {name}: {details}")
        print("healthy" if report["healthy"] else "NOT healthy")
    return EXIT_OK if report["healthy"] else EXIT_FAILED
