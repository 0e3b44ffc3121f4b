"""`python -m core db upgrade [REVISION] | current | history | downgrade REVISION`: the schema's migrations."""

from __future__ import annotations

import argparse
import sys

from core.cli.main import EXIT_FAILED, EXIT_OK


def register(sub) -> None:
    db = sub.add_parser("db", help="database schema migrations (Alembic)",
                        description="Manage the schema of the database at DATABASE_URL. The app also upgrades "
                                    "to the newest revision by itself whenever it starts.")
    actions = db.add_subparsers(dest="db_action", required=True)
    upgrade = actions.add_parser("upgrade", help="migrate to REVISION (default: head, the newest)")
    upgrade.add_argument("revision", nargs="?", default="head")
    actions.add_parser("current", help="the database's revision, and whether it is up to date")
    actions.add_parser("history", help="every migration, oldest first")
    downgrade = actions.add_parser("downgrade", help="migrate back to REVISION (e.g. 0001, or base: empty)")
    downgrade.add_argument("revision")
    db.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.settings import load_settings
    from core.storage import migrations
    from core.storage.engine import make_engine

    if args.db_action == "history":
        head = migrations.head_revision()
        for revision, down, message in migrations.history():
            print(f"{down or 'base'} -> {revision}{' (head)' if revision == head else ''}: {message}")
        return EXIT_OK
    engine = make_engine(load_settings().database_url)
    try:
        shown = engine.url.render_as_string(hide_password=True)
        if args.db_action == "current":
            current = migrations.current_revision(engine)
            head = migrations.head_revision()
            try:
                migrations.check_not_newer(engine, current)
            except migrations.SchemaTooNew as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_FAILED
            if current == head:
                print(f"{current} (head): {shown} is up to date")
            else:
                print(f"{current or 'none'}: {shown} is behind head {head}; run `python -m core db upgrade` "
                      f"(the app also does this when it starts)")
            return EXIT_OK
        try:
            if args.db_action == "upgrade":
                before = migrations.current_revision(engine)
                after = migrations.upgrade(engine, args.revision)
            else:
                before = migrations.current_revision(engine)
                after = migrations.downgrade(engine, args.revision)
        except migrations.SchemaTooNew as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"{shown}: {before or 'none'} -> {after or 'none'}")
        return EXIT_OK
    finally:
        engine.dispose()
