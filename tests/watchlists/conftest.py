"""Watchlist fixtures: an emulator of our own (ticks change its profiles), a fresh store pointed at it."""

from __future__ import annotations

import pytest

from core.storage.engine import Database, get_database
from emulator import EmulatorServer


@pytest.fixture
def own_emulator():
    """A private emulator: advancing its profiles (emulator.timeline) never affects other tests."""
    server = EmulatorServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def watch_env(tmp_path, monkeypatch, own_emulator) -> Database:
    url = f"sqlite:///{tmp_path / 'reelscope.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("INSTAGRAM_BASE_URL", own_emulator.url)
    monkeypatch.setenv("REELSCOPE_RATE_LIMIT_SCALE", "0")
    monkeypatch.setenv("REELSCOPE_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    monkeypatch.delenv("REELSCOPE_ALERT_WEBHOOK_URL", raising=False)
    return get_database(url)
