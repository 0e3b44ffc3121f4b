"""A tiny store built through core.storage.analyses (no scraping), with its own columnar folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.fetched import FetchedProfile, FetchedReel
from core.storage import analyses as store
from core.storage.engine import Database, get_database

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def reel(i: int, *, likes: int | None, comments: int | None, plays: int | None, views: int | None = None,
         tags: tuple[str, ...] = ()) -> FetchedReel:
    return FetchedReel(media_id=f"m{i}", shortcode=f"C{i:04d}", url=f"https://www.instagram.com/reel/C{i:04d}/",
                       thumbnail_url=None if i % 2 else f"https://cdn.example/{i}.jpg",
                       caption=None if i % 3 == 0 else f"caption {i} #x", likes=likes, comments=comments,
                       plays=plays, views=views, posted_at=T0 - timedelta(days=i, hours=i), duration=10.5 + i,
                       product_type="clips", is_pinned=i == 0, hashtags=tags, mentions=("friend",) if i % 2 else ())


def profile(username: str, followers: int | None) -> FetchedProfile:
    return FetchedProfile(user_id=f"id-{username}", username=username, full_name=None, biography=None,
                          followers=followers, following=1, media_count=4, is_private=False, is_verified=None,
                          profile_pic_url=None)


def completed(db: Database, username: str, followers: int | None, reels: list[FetchedReel]) -> str:
    [analysis_id] = store.insert_analyses(db, [username], max_reels=None, owner=None)
    store.save_profile(db, analysis_id, profile(username, followers))
    store.complete_with_reels(db, analysis_id, reels)
    return analysis_id


# Hand-checked numbers (see test_cross_profile): effective plays 100, 50 (views), 300, unknown;
# engagement rates (likes + comments) / 1,000 followers: 1.0 %, hidden, 3.2 %, 0.8 %.
ALPHA_REELS = [
    reel(0, likes=10, comments=0, plays=100),
    reel(1, likes=None, comments=1, plays=None, views=50),
    reel(2, likes=30, comments=2, plays=300, tags=("x", "y")),
    reel(3, likes=5, comments=3, plays=None, views=None),
]


@pytest.fixture
def columns_dir(tmp_path, monkeypatch):
    folder = tmp_path / "columns"
    monkeypatch.setenv("REELSCOPE_COLUMNS_DIR", str(folder))
    return folder


@pytest.fixture
def tiny_store(tmp_path, monkeypatch, columns_dir) -> Database:
    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    return get_database(url)
