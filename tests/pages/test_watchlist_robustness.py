"""Issue 22 items 1 and 3 on the Watchlist page: a bad stored watch never breaks it; alerts show their delivery."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from core.storage.models import Watch
from core.watchlists import watches
from tests.pages.conftest import open_page


def test_the_page_survives_a_watch_stored_with_a_huge_interval(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    watches.add_watches(empty_store, ["demo_food", "few_posts"], 3600)
    with empty_store.transaction() as session:
        session.execute(update(Watch).where(Watch.username == "demo_food")
                        .values(every_seconds=3_000_000 * 86400, last_run_at=datetime.now(UTC)))
    at = open_page("pages/6_Watchlist.py")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["username"]) == ["@demo_food", "@few_posts"]
    assert list(table["every"]) == ["3650d", "1h"]
