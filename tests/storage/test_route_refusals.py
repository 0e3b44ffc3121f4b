"""Refused Instagram routes in the store: shared by every memory on the same database, forgotten after the skip."""

from __future__ import annotations

from datetime import timedelta

from core.instagram.routes import POST_DETAIL, REELS_LISTING, WEB_APP, Refusal, route
from core.storage.engine import Database
from core.storage.route_refusals import StoredRouteMemory


def test_a_refusal_remembered_by_one_memory_is_seen_by_another_on_the_same_store_until_the_skip_ends(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    learner, other = StoredRouteMemory(db, timedelta(hours=24)), StoredRouteMemory(db, timedelta(hours=24))
    reels = route(REELS_LISTING, WEB_APP)
    assert other.refused_since(reels) is None
    learner.remember(reels, Refusal(400, "execution error"))
    other._cached = None  # another process reads the table afresh within fresh_seconds
    since, refusal = other.refused_since(reels)
    assert (refusal.status, refusal.message) == (400, "execution error")
    assert other.refused_since(route(POST_DETAIL, WEB_APP)) is None
    assert StoredRouteMemory(db, timedelta(seconds=0)).refused_since(reels) is None  # skip over: tried again
    assert list(learner.all_refusals()) == ["reels_listing via api/graphql"]
