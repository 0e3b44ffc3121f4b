"""Shared fixtures: the Instagram emulator (real HTTP) and a throwaway store pointed at it."""

from __future__ import annotations

import contextlib
import os
import tempfile

import pytest

from core.storage.engine import Database, get_database


def pytest_configure(config):
    # Job logs of the test run go to a throwaway folder, never into the project's data/.
    os.environ.setdefault("REELSCOPE_LOG_FILE", os.path.join(tempfile.mkdtemp(prefix="reelscope-logs-"), "test.log"))
    # Never pick up a developer's real Instagram session.
    os.environ["REELSCOPE_SESSION_FILE"] = os.path.join(tempfile.mkdtemp(prefix="reelscope-session-"), "s.json")
    # The analytics cache (core.storage.columnar) of every test's analyses goes to a throwaway folder, never data/columns.
    os.environ["REELSCOPE_COLUMNS_DIR"] = tempfile.mkdtemp(prefix="reelscope-columns-")
    # Built-in system alerts are checked only where a test asks (tests/observability): a lease keeper's housekeeping
    # must not post a system alert (say, a nearly full disk on the test machine) to another test's webhook receiver.
    os.environ.setdefault("REELSCOPE_SYSTEM_ALERT_CHECK_SECONDS", "0")
    # Export job files and the generated link-signing key: throwaway folders, never data/exports or data/secret_key.
    os.environ.setdefault("REELSCOPE_EXPORT_DIR", tempfile.mkdtemp(prefix="reelscope-exports-"))
    os.environ["REELSCOPE_SECRET_KEY_FILE"] = os.path.join(tempfile.mkdtemp(prefix="reelscope-key-"), "secret_key")


@pytest.fixture(autouse=True)
def _stop_lease_keepers():
    """Each test's processes keep leases on its own throwaway database only (core.jobs.lease)."""
    yield
    from core.jobs.lease import stop_keepers

    stop_keepers()


@pytest.fixture(scope="session")
def emulator_server():
    from emulator import EmulatorServer

    server = EmulatorServer(port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server):
    """The session's emulator with no faults and an empty request log."""
    emulator_server.clear_faults()
    emulator_server.reset_requests()
    yield emulator_server
    emulator_server.clear_faults()


def point_at(monkeypatch, database_url: str, emulator_url: str) -> Database:
    """Use the store at ``database_url`` and send the scraper to the emulator at ``emulator_url``: one attempt per
    request, rate-limit waits scaled to zero, demo mode off."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INSTAGRAM_BASE_URL", emulator_url)
    monkeypatch.setenv("REELSCOPE_RATE_LIMIT_SCALE", "0")
    monkeypatch.setenv("REELSCOPE_MAX_ATTEMPTS", "1")
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    return get_database(database_url)


@pytest.fixture
def store_env(tmp_path, monkeypatch, emulator) -> Database:
    """A fresh SQLite store, the scraper pointed at the emulator, rate-limit waits scaled to zero."""
    return point_at(monkeypatch, f"sqlite:///{tmp_path / 'reelscope.db'}", emulator.url)


@pytest.fixture
def retrying_env(store_env, monkeypatch) -> Database:
    """store_env with instaloader's own retries on (4 attempts) and backoff waits of hundredths of a second."""
    monkeypatch.setenv("REELSCOPE_MAX_ATTEMPTS", "4")
    monkeypatch.setenv("REELSCOPE_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("REELSCOPE_RETRY_MAX_SECONDS", "0.05")
    return store_env


DEMO_SESSION_COOKIES = {"sessionid": "reelscope-demo-session", "ds_user_id": "7000000001"}


@contextlib.contextmanager
def demo_session():
    """The stored Instagram session is the emulator's built-in demo session (logs in as demo_viewer), so
    analyses get play counts as a logged-in user does; removed afterwards."""
    from core.instagram.scraper import reset_client
    from core.instagram.session import delete_session, save_session

    save_session(DEMO_SESSION_COOKIES)
    reset_client()
    try:
        yield "demo_viewer"
    finally:
        delete_session()
        reset_client()


@pytest.fixture
def logged_in(store_env):
    with demo_session() as username:
        yield username
