"""Subcommands of `python -m core`: one module each, with `register(subparsers)`; each sets `run`."""

COMMAND_MODULES = [
    "core.cli.analyze",
    "core.cli.emulator",
    "core.cli.list_jobs",
    "core.cli.manage",
    "core.cli.export",
    "core.cli.api",
    "core.cli.worker",
    "core.cli.migrate",
    "core.cli.backup",
    "core.cli.login",
    "core.cli.doctor",
    "core.cli.watch",
    "core.cli.alerts",
    "core.cli.beat",
    "core.cli.dashboard",
]
