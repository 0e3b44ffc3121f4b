"""Snapshots over time never mix data sources: demo data is never compared with Instagram's."""

from __future__ import annotations

import pytest

from core.storage import analyses as store
from core.storage.engine import get_database
from core.storage.snapshots import completed_snapshots, snapshot_with_previous
from tests.storage.conftest import profile, reel


@pytest.fixture
def db(tmp_path):
    return get_database(f"sqlite:///{tmp_path / 'snapshots.db'}")


def completed_from(db, data_source: str, followers: int) -> str:
    [analysis_id] = store.insert_analyses(db, ["creator"], None, None, data_source=data_source)
    store.save_profile(db, analysis_id, profile("creator", followers))
    store.complete_with_reels(db, analysis_id, [reel(1, likes=5, comments=1, plays=100)])
    return analysis_id


def test_the_previous_snapshot_comes_from_the_same_data_source(db):
    first_instagram = completed_from(db, "instagram", 1000)
    completed_from(db, "emulator", 5000)
    second_instagram = completed_from(db, "instagram", 1100)
    current, previous = snapshot_with_previous(db, second_instagram)
    assert (current.analysis_id, previous.analysis_id) == (second_instagram, first_instagram)


def test_a_first_snapshot_of_its_source_has_no_previous_even_after_another_source(db):
    completed_from(db, "emulator", 5000)
    only_instagram = completed_from(db, "instagram", 1000)
    assert snapshot_with_previous(db, only_instagram)[1] is None


def test_growth_follows_the_data_source_of_the_newest_snapshot(db):
    first = completed_from(db, "instagram", 1000)
    completed_from(db, "emulator", 5000)
    newest = completed_from(db, "instagram", 1100)
    assert [s.analysis_id for s in completed_snapshots(db, "creator")] == [first, newest]
