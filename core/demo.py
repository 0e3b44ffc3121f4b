"""Demo mode: the built-in Instagram emulator, started in-process, with the scraper pointed at it.

Only demo mode imports the emulator; nothing else in the product depends on it.
"""

from __future__ import annotations

import os
import threading

from core.config import load_settings

DEMO_PROFILES = ("demo_creator", "demo_travel", "demo_food")
DEMO_DATABASE_NAME = "reelscope-demo.db"

_lock = threading.Lock()
_server = None


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
        os.environ["INSTAGRAM_BASE_URL"] = _server.url
        os.environ["REELSCOPE_DEMO"] = "1"
        return _server.url


def stop_demo() -> None:
    global _server
    with _lock:
        if _server is not None:
            _server.stop()
            _server = None
        os.environ.pop("INSTAGRAM_BASE_URL", None)
        os.environ.pop("REELSCOPE_DEMO", None)
