"""Analyses of the emulator's profiles, stored once per module, for the export tests to read back."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from core.storage.engine import get_database
from tests.conftest import demo_session

PROFILES = ("weird_captions", "hidden_likes", "no_play_counts", "demo_creator")


@contextmanager
def analysed_store(tmp_path_factory, emulator_server, profiles, folder: str = "exports"):
    """A store of its own in which every profile of ``profiles`` was analysed (logged in, so every count the
    emulator holds is there) and completed: yields (db, {username: analysis_id}, env)."""
    from core.jobs.submission import create_analyses, wait_for

    root = tmp_path_factory.mktemp(folder)
    env = {"DATABASE_URL": f"sqlite:///{root / 'reelscope.db'}", "INSTAGRAM_BASE_URL": emulator_server.url,
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_EXPORT_DIR": str(root / "exports")}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        patch.delenv("REELSCOPE_DEMO", raising=False)
        db = get_database(env["DATABASE_URL"])
        emulator_server.clear_faults()
        with demo_session():
            ids = create_analyses(list(profiles), db=db)
            states = wait_for(ids, db=db, timeout=120)
        assert [s.status for s in states] == ["completed"] * len(profiles), [s.error for s in states]
        yield db, dict(zip(profiles, ids, strict=True)), env


@pytest.fixture(scope="module")
def export_env(tmp_path_factory, emulator_server):
    """(db, {username: analysis_id}, catalogue, env) with every profile in PROFILES analysed and completed."""
    with analysed_store(tmp_path_factory, emulator_server, PROFILES) as (db, ids, env):
        yield db, ids, emulator_server.catalogue, env
