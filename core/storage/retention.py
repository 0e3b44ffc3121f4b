"""Deleting stored data on request: one analysis, everything about a profile, or what is older than a cutoff."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from core.storage import analyses as store
from core.storage.engine import Database

_AGE = re.compile(r"^\s*(\d+)\s*([dhw])\s*$")
_UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """'30d', '12h' or '2w' as a timedelta; ValueError for anything else."""
    match = _AGE.match(text or "")
    if not match:
        raise ValueError(f"Not an age: {text!r} (use e.g. 30d, 12h or 2w).")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def delete_analyses(db: Database, analysis_ids: list[str]) -> int:
    """Delete analyses with their profile snapshots, reels and export records; return how many."""
    return sum(1 for analysis_id in analysis_ids if store.delete_analysis(db, analysis_id))


def delete_username(db: Database, username: str) -> int:
    return delete_analyses(db, store.analysis_ids_for_username(db, username))


def purge_older_than(db: Database, age: timedelta, now: datetime | None = None) -> int:
    """Delete finished analyses older than ``age``, export files past their retention period, and partial export
    files a killed process left."""
    from core.exports.history import cleanup_export_files
    from core.exports.leftovers import clean_export_leftovers

    cutoff = (now or datetime.now(UTC)) - age
    cleanup_export_files()
    clean_export_leftovers()
    return delete_analyses(db, store.analysis_ids_older_than(db, cutoff))
