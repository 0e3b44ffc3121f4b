"""Where an analysis's data comes from: live Instagram, ReelScope's built-in emulator, or another origin.

Computed once, when an analysis is created, from the settings of the process creating it:

- ``instagram``: ``INSTAGRAM_BASE_URL`` is unset, so instaloader talks to Instagram itself;
- ``emulator``: demo mode, or ``INSTAGRAM_BASE_URL`` points at a server that identifies itself as
  ReelScope's built-in emulator on ``ORIGIN_PROBE_PATH``;
- ``other``: any other origin (a replay server, a proxy, something that does not answer the probe).

The product never needs the emulator: the probe is one short GET to the configured origin, and any
answer other than the emulator's self-identification (or no answer at all) means ``other``.
"""

from __future__ import annotations

import threading
import time

import requests

from core.settings import Settings, load_settings

INSTAGRAM = "instagram"
EMULATOR = "emulator"
OTHER = "other"
DATA_SOURCES = (INSTAGRAM, EMULATOR, OTHER)
LABELS = {INSTAGRAM: "Instagram", EMULATOR: "demo data (emulator)", OTHER: "other origin"}

ORIGIN_PROBE_PATH = "/.well-known/reelscope-origin"
EMULATOR_IDENTITY = {"origin": "reelscope-emulator"}
PROBE_TIMEOUT_SECONDS = 1.0
PROBE_CACHE_SECONDS = 30.0

_lock = threading.Lock()
_probed: dict[str, tuple[str, float]] = {}


def label(data_source: str | None) -> str:
    """Text for a badge or a table cell: 'Instagram', 'demo data (emulator)', 'other origin'."""
    return LABELS.get(data_source or INSTAGRAM, str(data_source))


def identify_origin(base_url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> str:
    """``emulator`` when ``base_url`` answers the probe as ReelScope's emulator, else ``other``."""
    try:
        response = requests.get(base_url.rstrip("/") + ORIGIN_PROBE_PATH, timeout=timeout, allow_redirects=False)
        answer = response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return OTHER
    return EMULATOR if answer == EMULATOR_IDENTITY else OTHER


def _identify_cached(base_url: str) -> str:
    now = time.monotonic()
    with _lock:
        cached = _probed.get(base_url)
        if cached is not None and now - cached[1] < PROBE_CACHE_SECONDS:
            return cached[0]
    source = identify_origin(base_url)
    with _lock:
        _probed[base_url] = (source, now)
    return source


def current_data_source(settings: Settings | None = None) -> str:
    """The data source an analysis created now, with these settings, gets."""
    settings = settings or load_settings()
    if settings.demo:
        return EMULATOR
    if settings.instagram_base_url is None:
        return INSTAGRAM
    return _identify_cached(settings.instagram_base_url)
