"""Analyses of the emulator's profiles, stored once per module, for the export tests to read back."""

from __future__ import annotations

import pytest

from core.storage.engine import get_database
from tests.conftest import demo_session

PROFILES = ("weird_captions", "hidden_likes", "no_play_counts", "demo_creator")


@pytest.fixture(scope="module")
def export_env(tmp_path_factory, emulator_server):
    """(db, {username: analysis_id}, catalogue, env) with every profile in PROFILES analysed and completed."""
    from core.jobs.submission import create_analyses, wait_for

    folder = tmp_path_factory.mktemp("exports")
    env = {"DATABASE_URL": f"sqlite:///{folder / 'reelscope.db'}", "INSTAGRAM_BASE_URL": emulator_server.url,
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_EXPORT_DIR": str(folder / "exports")}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        patch.delenv("REELSCOPE_DEMO", raising=False)
        db = get_database(env["DATABASE_URL"])
        emulator_server.clear_faults()
        with demo_session():  # logged in: the exports are checked against every count the emulator holds
            ids = create_analyses(list(PROFILES), db=db)
            states = wait_for(ids, db=db, timeout=120)
        assert [s.status for s in states] == ["completed"] * len(PROFILES), [s.error for s in states]
        yield db, dict(zip(PROFILES, ids, strict=True)), emulator_server.catalogue, env
