"""`python -m core beat`: Celery beat, which asks the workers to start due watches every poll interval.

Run exactly one beat for the whole team (or one worker with `python -m core worker --beat`). Two beats would only
send the check twice: the shared claim step (core.watchlists.watches) still starts each due watch once.
"""

from __future__ import annotations

import argparse
import sys

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from core.settings import PROJECT_ROOT

DEFAULT_SCHEDULE_FILE = PROJECT_ROOT / "data" / "celerybeat-schedule"


def register(sub) -> None:
    beat = sub.add_parser("beat", help="run Celery beat: start due watches on the workers (team mode)",
                          description="Every REELSCOPE_WATCH_POLL_SECONDS (default 60), send the workers the task "
                                      "that starts due watches. Needs CELERY_BROKER_URL; run one per team.")
    beat.add_argument("--loglevel", default="INFO", help="Celery log level (default INFO)")
    beat.add_argument("--schedule-file", default=str(DEFAULT_SCHEDULE_FILE), metavar="PATH",
                      help="where beat keeps its state (default data/celerybeat-schedule in the project folder)")
    beat.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.settings import load_settings
    from core.storage.migrations import SchemaTooNew

    if not load_settings().celery_broker_url:
        print("error: CELERY_BROKER_URL is not set (e.g. redis://127.0.0.1:6379/0)", file=sys.stderr)
        return EXIT_USAGE
    try:
        from core.storage.engine import get_database
        get_database()  # migrate (or refuse a database newer than this code) before scheduling
    except SchemaTooNew as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    from pathlib import Path

    from core.jobs.celery_app import get_app

    Path(args.schedule_file).parent.mkdir(parents=True, exist_ok=True)
    get_app().start(["beat", f"--loglevel={args.loglevel}", f"--schedule={args.schedule_file}"])
    return EXIT_OK
