"""Demo mode: the built-in Instagram emulator, started in-process, with the scraper pointed at it.

Only demo mode imports the emulator; nothing else in the product depends on it.
"""

from __future__ import annotations

import os
import threading

from core.config import load_settings

DEMO_PROFILES = ("demo_creator", "demo_travel", "demo_food")

_lock = threading.Lock()
_server = None
_saved_environment: dict[str, str | None] = {}


def demo_enabled() -> bool:
    return load_settings().demo


def start_demo() -> str:
    """Start the emulator once per process, point INSTAGRAM_BASE_URL at it, and return its URL."""
    global _server
    with _lock:
        if _server is None:
            from emulator import EmulatorServer  # demo-only dependency

            _server = EmulatorServer(port=0)
            _server.start()
            _saved_environment.update({name: os.environ.get(name) for name in ("INSTAGRAM_BASE_URL", "REELSCOPE_DEMO")})
        os.environ["INSTAGRAM_BASE_URL"] = _server.url
        os.environ["REELSCOPE_DEMO"] = "1"
        return _server.url


def stop_demo() -> None:
    global _server
    with _lock:
        if _server is not None:
            _server.stop()
            _server = None
        # Put back what the user had configured before demo mode (a base URL of their own stays).
        for name in ("INSTAGRAM_BASE_URL", "REELSCOPE_DEMO"):
            previous = _saved_environment.pop(name, None)
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous
        if os.environ.get("REELSCOPE_DEMO") == "1":
            os.environ.pop("REELSCOPE_DEMO")
