"""``python -m core …``: the command line (README: Command line). Runs the same job code as the dashboard.

Each subcommand lives in its own module under ``core/cli/`` (listed in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # bad usage exits 2 (argparse's own code), never 1
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from core.cli.commands import COMMAND_MODULES

    parser = _Parser(prog="python -m core", description="ReelScope: analyse Instagram reels.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def undecodable_argument(argv: Sequence[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8 (Python keeps them as lone surrogates), if any."""
    return next((arg for arg in argv if any("\udc80" <= ch <= "\udcff" for ch in arg)), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = undecodable_argument(argv)
    if bad is not None:  # nothing could match it, and the database cannot even store it
        print(f"python -m core: error: argument {ascii(bad)} is not valid UTF-8 text", file=sys.stderr)
        return EXIT_USAGE
    args = build_parser().parse_args(argv)
    from sqlalchemy.exc import SQLAlchemyError

    from core.storage.migrations import SchemaTooNew
    from core.storage.unavailable import one_line

    try:
        return args.run(args)
    except SchemaTooNew as exc:  # a database migrated by newer code: say so, change nothing
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except SQLAlchemyError as exc:  # read-only, full, unreachable: one line, never the SQL or its parameters
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # the reader went away (`… | head`): stop quietly, as a pipeline stage should
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so flushing stdout at exit cannot raise again
        return EXIT_FAILED
