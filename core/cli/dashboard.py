"""`python -m core dashboard [--host H] [--port P] [--secrets-file PATH]`: start the Streamlit dashboard, or refuse
to start it open (without sign-in) on an address other machines can reach, with the one-line fix."""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path

from core.cli.main import EXIT_USAGE
from core.settings import PROJECT_ROOT, load_settings
from core.signin.binding import open_bind_refusal

# Where Streamlit looks for secrets by default (its `secrets.files` option): the user's, then the project's.
DEFAULT_SECRETS_FILES = (Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml")


def register(sub) -> None:
    dashboard = sub.add_parser("dashboard", help="start the dashboard (refuses to run open on a network address)",
                               description="Start the Streamlit dashboard. On an address other than loopback it "
                                           "needs sign-in ([auth] in .streamlit/secrets.toml) or "
                                           "REELSCOPE_ALLOW_OPEN=1. Other Streamlit options: .streamlit/config.toml "
                                           "or STREAMLIT_* variables.")
    dashboard.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    dashboard.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    dashboard.add_argument("--secrets-file", action="append", type=Path, default=None,
                           help="a secrets.toml to read (repeatable; default: Streamlit's own places)")
    dashboard.set_defaults(run=run)


def sign_in_configured(files) -> bool:
    """Whether any of these secrets files has a non-empty [auth] section (what Streamlit's st.login reads)."""
    for path in files:
        try:
            if tomllib.loads(Path(path).read_text(encoding="utf-8")).get("auth"):
                return True
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return False


def run(args: argparse.Namespace) -> int:
    files = args.secrets_file or list(DEFAULT_SECRETS_FILES)
    refusal = open_bind_refusal(args.host, sign_in_configured(files), load_settings().allow_open)
    if refusal:
        print(refusal, file=sys.stderr)
        return EXIT_USAGE
    # ui.serve: `streamlit run streamlit_app.py`, warmed up while the first browser loads (it lives beside core/).
    command = [sys.executable, "-m", "ui.serve", "--server.address", args.host, "--server.port", str(args.port),
               *(option for path in args.secrets_file or () for option in ("--secrets.files", str(path)))]
    path = os.pathsep.join(filter(None, (str(PROJECT_ROOT), os.environ.get("PYTHONPATH"))))
    os.execve(sys.executable, command, {**os.environ, "PYTHONPATH": path})  # signals reach Streamlit directly
    return 0  # not reached
