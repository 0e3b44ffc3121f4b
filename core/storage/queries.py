"""Read-side queries that return pandas objects for analytics, charts and exports."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from core.domain.reel_fields import EXPORTED_NAMES, names_where
from core.storage.engine import Database
from core.storage.models import ProfileSnapshot, Reel

REEL_COLUMNS = list(EXPORTED_NAMES)
_INTEGERS, _NUMBERS, _TIMES = names_where(kind="integer"), names_where(kind="number"), names_where(kind="datetime")
_FLAGS, _LISTS = names_where(kind="boolean", required=True), names_where(kind="list", required=True)
_NUMERIC = {*_INTEGERS, *_NUMBERS, *_TIMES, *_FLAGS, *_LISTS}


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def reels_frame_from_rows(rows: list[dict]) -> pd.DataFrame:
    """A reels DataFrame with the documented dtypes: nullable Int64 counts (NA = unknown), UTC datetimes."""
    frame = pd.DataFrame(rows, columns=REEL_COLUMNS)
    for column in _INTEGERS:
        frame[column] = pd.array(frame[column], dtype="Int64")
    for column in _NUMBERS:
        frame[column] = pd.array(frame[column], dtype="Float64")
    for column in _TIMES:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in _FLAGS:
        frame[column] = frame[column].fillna(False).astype(bool)
    for column in _LISTS:
        frame[column] = frame[column].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    for column in (c for c in REEL_COLUMNS if c not in _NUMERIC):  # text, optional lists and flags
        # Plain Python objects with None for unknown (pandas would otherwise infer str with NaN); lists as lists.
        frame[column] = pd.Series([_plain(row.get(column)) for row in rows], dtype="object", index=frame.index)
    return frame


def load_reels_frame(db: Database, analysis_id: str) -> pd.DataFrame:
    """Every stored reel of an analysis, in the order Instagram served them."""
    columns = [getattr(Reel, name) for name in REEL_COLUMNS]
    with db.session() as session:
        rows = [dict(zip(REEL_COLUMNS, row, strict=True)) for row in
                session.execute(select(*columns).where(Reel.analysis_id == analysis_id).order_by(Reel.position))]
    return reels_frame_from_rows(rows)


PROFILE_FIELDS = ("user_id", "username", "full_name", "biography", "followers", "following", "media_count",
                  "is_private", "is_verified", "profile_pic_url", "fetched_at")


def profile_dict(snapshot: ProfileSnapshot) -> dict:
    """A profile snapshot as the plain dict pages, analytics and exports use (keys: PROFILE_FIELDS)."""
    return {
        "user_id": snapshot.instagram_user_id, "username": snapshot.username, "full_name": snapshot.full_name,
        "biography": snapshot.biography, "followers": snapshot.followers, "following": snapshot.following,
        "media_count": snapshot.media_count, "is_private": snapshot.is_private,
        "is_verified": snapshot.is_verified, "profile_pic_url": snapshot.profile_pic_url,
        "fetched_at": snapshot.fetched_at,
    }


def load_profile(db: Database, analysis_id: str) -> dict | None:
    """The analysis's profile snapshot as a plain dict, or None before it was fetched."""
    with db.session() as session:
        snapshot = session.scalar(select(ProfileSnapshot).where(ProfileSnapshot.analysis_id == analysis_id))
        return None if snapshot is None else profile_dict(snapshot)
