"""``python -m core …``: the command line (CONTRACTS §3). Runs the same job code as the dashboard.

Each subcommand lives in its own module under ``core/commands/`` (listed in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # bad usage exits 2 (argparse's own code), never 1
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from core.commands import COMMAND_MODULES

    parser = _Parser(prog="python -m core", description="ReelScope: analyse Instagram reels.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from core.migrations import SchemaTooNew

    try:
        return args.run(args)
    except SchemaTooNew as exc:  # a database migrated by newer code: say so, change nothing
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
