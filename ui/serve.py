"""``python -m ui.serve [Streamlit options] [-- dashboard options]``: the dashboard as ``streamlit run
streamlit_app.py`` starts it, warmed up while the first browser loads.

A fresh Streamlit server does nothing until a browser's page has loaded Streamlit's scripts and connected (about a
second here); the first page then imports pandas, SQLAlchemy, pyarrow and the dashboard's modules and builds its
first figures, more than a second of one-off work in the floor app's place. Here that work (ui.warm_up) starts as soon
as the server listens, while the browser is still loading, so the first page finds it done. ``make run``, ``make
demo`` and ``python -m core dashboard`` start the dashboard this way; a plain ``streamlit run streamlit_app.py``
still works and warms up on its first page instead.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

from ui.warm_up import start_warm_up

MAIN_SCRIPT = Path(__file__).resolve().parent.parent / "streamlit_app.py"
STREAMLIT_DEFAULT_PORT = 8501
LISTEN_WAIT_SECONDS = 30.0  # then warm up anyway (e.g. Streamlit moved to another port)


def _option(argv: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` among Streamlit's options (before any ``--``)."""
    options = argv[:argv.index("--")] if "--" in argv else argv
    for i, arg in enumerate(options):
        if arg == name and i + 1 < len(options):
            return options[i + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def listen_address(argv: list[str]) -> tuple[str, int]:
    """Where the server will listen, as a client reaches it: (host, port) from --server.address / --server.port."""
    host = _option(argv, "--server.address") or "127.0.0.1"
    port = _option(argv, "--server.port")
    return ("127.0.0.1" if host in ("0.0.0.0", "::", "") else host,
            int(port) if port and port.isdigit() else STREAMLIT_DEFAULT_PORT)


def _warm_up_once_listening(host: str, port: int) -> None:
    deadline = time.monotonic() + LISTEN_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.02)
    start_warm_up()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    threading.Thread(target=_warm_up_once_listening, args=listen_address(argv), name="reelscope-warm-up-wait",
                     daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(MAIN_SCRIPT), *argv]
    cli.main()  # click: exits with Streamlit's status


if __name__ == "__main__":
    main()
