"""Fixtures for analytics tests: enriched frames built from literal rows."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.analytics.metrics import enrich_reels
from core.storage.queries import reels_frame_from_rows
from tests.analytics.builders import NOW


@pytest.fixture
def enriched():
    """enriched(rows, followers=1000, now=NOW) -> enriched frame."""

    def build(rows: list[dict], followers: int | None = 1000, now: datetime = NOW):
        return enrich_reels(reels_frame_from_rows(rows), followers, now)

    return build
