"""Reels stored as they arrive: the reels of each listing page go to the store in their own short transaction.

A running analysis's Results (core.storage.queries, the API, the dashboard) show what is stored so far; a crash
or kill keeps it. Each media id is stored once per run (Instagram's listing can serve a reel twice when posts
shift between pages), at consecutive positions in the order Instagram served them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from core.domain.fetched import FetchedReel


def expected_reels(media_count: int | None, max_reels: int | None, fetched: int) -> int:
    """How many reels progress is measured against: the cap, else the profile's post count (an upper bound)."""
    candidates = [n for n in (media_count, max_reels) if n is not None]
    expected = min(candidates) if candidates else fetched + 12
    return max(expected, fetched, 1)


PageWriter = Callable[[Sequence[FetchedReel], int], None]  # (reels, first position) -> stored, or raises


@dataclass
class ReelPages:
    """Collects a run's reels and hands each page to ``write`` (``core.storage.analyses.store_reel_page``)."""

    write: PageWriter
    stored: int = 0
    pending: list[FetchedReel] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    fetched: list[FetchedReel] = field(default_factory=list)

    def add(self, reel: FetchedReel) -> bool:
        """Keep a reel for the current page; False (and nothing kept) when this run already has its media id."""
        if reel.media_id in self._seen:
            return False
        self._seen.add(reel.media_id)
        self.pending.append(reel)
        self.fetched.append(reel)
        return True

    def page_ended(self) -> None:
        """Store the reels kept since the last page ended, in one transaction."""
        if not self.pending:
            return
        page, self.pending = self.pending, []
        self.write(page, self.stored)
        self.stored += len(page)

    @property
    def count(self) -> int:
        """Reels this run has fetched (stored or about to be)."""
        return len(self.fetched)
