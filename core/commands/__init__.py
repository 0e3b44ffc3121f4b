"""Subcommands of `python -m core`: one module each, with `register(subparsers)`; each sets `run`."""

COMMAND_MODULES = [
    "core.commands.analyze",
    "core.commands.emulator",
    "core.commands.jobs",
    "core.commands.manage",
    "core.commands.export",
    "core.commands.api",
    "core.commands.worker",
    "core.commands.db",
    "core.commands.backup",
    "core.commands.login",
    "core.commands.watch",
    "core.commands.alerts",
    "core.commands.beat",
]
