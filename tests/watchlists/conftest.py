"""Watchlist fixtures: an emulator of our own (ticks change its profiles), a fresh store pointed at it."""

from __future__ import annotations

import pytest

from core.storage.engine import Database
from emulator import EmulatorServer
from tests.conftest import point_at


@pytest.fixture
def own_emulator():
    """A private emulator: advancing its profiles (emulator.timeline) never affects other tests."""
    server = EmulatorServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def watch_env(tmp_path, monkeypatch, own_emulator) -> Database:
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    monkeypatch.delenv("REELSCOPE_ALERT_WEBHOOK_URL", raising=False)
    return point_at(monkeypatch, f"sqlite:///{tmp_path / 'reelscope.db'}", own_emulator.url)
