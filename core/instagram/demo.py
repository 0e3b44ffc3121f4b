"""Demo mode: the built-in Instagram emulator, started in-process, with the scraper pointed at it.

Only demo mode imports the emulator; nothing else in the product depends on it. Demo mode shows both ways
of reaching Instagram: logged in with the emulator's built-in demo session (plays included; the default),
or anonymous (no plays, as live Instagram answers anonymous visitors). Its session lives in a demo-only
file (the ``session_file_setting`` override points there while demo mode is on), never in the user's own.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from core.instagram.session import delete_session, load_session, save_session
from core.settings import clear_overrides, load_settings, set_overrides

DEMO_PROFILES = ("demo_creator", "demo_travel", "demo_food", "demo_topics")

_lock = threading.Lock()
_server = None
_demo_clock = None  # the event that stops the emulator's demo growth clock (emulator.timeline)
_DEMO_OVERRIDES = ("instagram_base_url", "demo_flag", "session_file_setting")
_demo_session_file = Path(tempfile.gettempdir()) / f"reelscope-demo-{os.getpid()}" / "instagram-session.json"


def _reset_client() -> None:
    """Drop the scraper's client so the next analysis sees the new access (imported here: instaloader is loaded
    only by processes that scrape, not by every page that asks whether demo mode is on)."""
    from core.instagram.scraper import reset_client

    reset_client()


def demo_enabled() -> bool:
    return load_settings().demo


def start_demo() -> str:
    """Start the emulator once per process, point this process's settings at it (an override: the
    environment is left alone), and return its URL."""
    global _server, _demo_clock
    with _lock:
        if _server is None:
            from emulator import NEWEST_ERA, EmulatorServer  # demo-only dependency
            from emulator.timeline import start_demo_clock

            _server = EmulatorServer(port=0, era=NEWEST_ERA)  # demo mode answers as Instagram does now
            _server.start()
            _demo_clock = start_demo_clock(_server)  # demo profiles grow with the wall clock
            first_start = True
        else:
            first_start = False
        set_overrides(instagram_base_url=_server.url, demo_flag="1", session_file_setting=str(_demo_session_file))
    if first_start:
        set_demo_logged_in(True)
    return _server.url


def demo_logged_in() -> bool:
    """Whether demo analyses use the built-in demo session (plays) rather than anonymous access (no plays)."""
    return bool(load_session())


def set_demo_logged_in(logged_in: bool) -> None:
    """Demo mode's access: the emulator's built-in demo session, or anonymous. Applies to the next analysis."""
    from emulator.server import DEMO_SESSION_ID, DEMO_VIEWER_ID  # demo-only dependency

    if logged_in:
        save_session({"sessionid": DEMO_SESSION_ID, "ds_user_id": DEMO_VIEWER_ID})
    else:
        delete_session()
    _reset_client()


def stop_demo() -> None:
    global _server, _demo_clock
    with _lock:
        if _demo_clock is not None:
            _demo_clock.set()
            _demo_clock = None
        if _server is not None:
            _server.stop()
            _server = None
        _demo_session_file.unlink(missing_ok=True)
        clear_overrides(*_DEMO_OVERRIDES)  # what the user configured (a base URL, a session file) applies again
    _reset_client()
