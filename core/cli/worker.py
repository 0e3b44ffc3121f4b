"""`python -m core worker [--concurrency N]`: a Celery worker running analyses (REELSCOPE_QUEUE=celery).

A thin wrapper over ``celery worker`` for the app in ``core.jobs.celery_app``: it checks the settings,
migrates the database (or refuses a newer one) before taking jobs, and picks ReelScope's queue and
options. Each worker process has its own Instagram rate budget: run one worker (concurrency 1) per IP.
"""

from __future__ import annotations

import argparse
import os
import sys

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    worker = sub.add_parser(
        "worker", help="run queued analyses (Celery worker; needs CELERY_BROKER_URL)",
        description="Run analyses from the Celery queue at CELERY_BROKER_URL, storing results in DATABASE_URL. "
                    "Each worker process has its own Instagram rate budget: against live Instagram run one "
                    "worker with concurrency 1 per IP address.")
    worker.add_argument("--concurrency", "-c", type=int, default=1, metavar="N",
                        help="analyses run at once, each in its own process (default 1)")
    worker.add_argument("--pool", choices=["prefork", "solo", "threads"], default="prefork",
                        help="Celery execution pool (default prefork: a killed job process is detected and re-queued)")
    worker.add_argument("--loglevel", default="INFO", help="Celery log level (default INFO)")
    worker.add_argument("--hostname", default=None,
                        help="worker node name (default reelscope-<pid>@<host>, unique per process)")
    worker.add_argument("--beat", action="store_true",
                        help="also run Celery beat in this worker, starting due watches (one per team)")
    worker.add_argument("--schedule-file", default=None, metavar="PATH",
                        help="with --beat: where beat keeps its state (default data/celerybeat-schedule)")
    worker.add_argument("--metrics-port", type=int, default=None, metavar="PORT",
                        help="serve Prometheus /metrics on this port (the worker's own counters and the store's "
                             "figures; docs/operations.md)")
    worker.add_argument("--metrics-host", default="127.0.0.1", metavar="HOST",
                        help="with --metrics-port: the address to listen on (default 127.0.0.1)")
    worker.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.settings import load_settings
    from core.storage.migrations import SchemaTooNew

    if args.metrics_port is not None:
        from core.observability.multiprocess import use_multiprocess_mode

        use_multiprocess_mode()  # the pool's child processes run the analyses: gather their metrics
    settings = load_settings()
    if not settings.celery_broker_url:
        print("error: CELERY_BROKER_URL is not set (e.g. redis://127.0.0.1:6379/0); the worker takes its jobs "
              "from that broker", file=sys.stderr)
        return EXIT_USAGE
    if args.concurrency < 1:
        print("error: --concurrency must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    try:
        from core.storage.engine import get_database
        get_database()  # migrate before taking jobs (or refuse a database newer than this code)
    except SchemaTooNew as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    from core.exports.leftovers import clean_export_leftovers

    clean_export_leftovers()  # partial export files a killed worker left (what a live process writes is locked)
    from core.jobs.celery_app import QUEUE_NAME, get_app

    hostname = args.hostname or f"reelscope-{os.getpid()}@%h"
    argv = ["worker", f"--concurrency={args.concurrency}", f"--pool={args.pool}", f"--loglevel={args.loglevel}",
            f"--queues={QUEUE_NAME}", f"--hostname={hostname}", "--without-gossip", "--without-mingle"]
    if args.beat:
        from pathlib import Path

        from core.cli.beat import DEFAULT_SCHEDULE_FILE

        schedule = Path(args.schedule_file or DEFAULT_SCHEDULE_FILE)
        schedule.parent.mkdir(parents=True, exist_ok=True)
        argv += ["--beat", f"--schedule={schedule}"]
    if args.metrics_port is not None:
        from core.observability.exposition import serve_metrics

        port = serve_metrics(args.metrics_port, args.metrics_host)
        print(f"metrics: http://{args.metrics_host}:{port}/metrics", file=sys.stderr, flush=True)
    get_app().worker_main(argv)
    return EXIT_OK
