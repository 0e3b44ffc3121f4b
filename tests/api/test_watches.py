"""/api/v1/watches and /api/v1/alerts: the same contract as the CLI, behind the same token and limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from api_helpers import api_settings
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from api.settings import RateLimit
from core.analytics.metrics import effective_plays
from core.storage.models import Watch
from core.storage.queries import load_reels_frame
from core.watchlists import watches
from emulator import EmulatorServer
from emulator.timeline import tick

WATCH_KEYS = {"username", "every_seconds", "max_reels", "last_analysis_id", "last_run_at", "next_due_at", "due"}
ALERT_KEYS = {"alert_id", "username", "kind", "analysis_id", "shortcode", "value", "threshold", "created_at"}


def test_post_list_and_delete_watches(client):
    created = client.post("/api/v1/watches", json={"usernames": ["@Few_Posts", "demo_food"], "every": "12h",
                                                   "max_reels": 6})
    assert created.status_code == 201, created.text
    assert sorted(w["username"] for w in created.json()["watches"]) == ["demo_food", "few_posts"]
    listed = client.get("/api/v1/watches").json()["watches"]
    assert all(WATCH_KEYS <= set(w) for w in listed)
    assert [(w["username"], w["every_seconds"], w["max_reels"], w["due"]) for w in listed] == [
        ("demo_food", 43200, 6, True), ("few_posts", 43200, 6, True)]
    assert client.delete("/api/v1/watches/@few_posts").status_code == 204
    assert [w["username"] for w in client.get("/api/v1/watches").json()["watches"]] == ["demo_food"]


def test_deleting_an_unwatched_profile_is_404_problem(client):
    response = client.delete("/api/v1/watches/nobody_watched")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("body", [{"usernames": ["ok_name", "bad name!"]}, {"usernames": ["ok_name"], "every": "1w"},
                                  {"usernames": []}])
def test_an_invalid_watch_request_is_422_and_stores_nothing(client, body):
    response = client.post("/api/v1/watches", json=body)
    assert response.status_code == 422
    assert client.get("/api/v1/watches").json()["watches"] == []


def test_watches_and_alerts_need_the_token_when_one_is_set(make_client):
    client = make_client(token="t0ken")
    assert client.get("/api/v1/watches").status_code == 401
    assert client.get("/api/v1/alerts").status_code == 401
    assert client.post("/api/v1/watches", json={"usernames": ["few_posts"]}).status_code == 401
    headers = {"Authorization": "Bearer t0ken"}
    assert client.get("/api/v1/watches", headers=headers).status_code == 200


def test_watches_share_the_api_rate_limit(make_client):
    client = make_client(rate_limit=RateLimit(2, 60))
    statuses = [client.get("/api/v1/watches").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.fixture
def ticking_client(tmp_path, monkeypatch):
    """A client over a store scraping a private emulator, whose profiles a test may advance."""
    emulator = EmulatorServer(port=0).start()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setenv("INSTAGRAM_BASE_URL", emulator.url)
    monkeypatch.setenv("REELSCOPE_RATE_LIMIT_SCALE", "0")
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    monkeypatch.delenv("REELSCOPE_ALERT_WEBHOOK_URL", raising=False)
    with TestClient(create_app(api_settings())) as client:
        yield client, emulator
    emulator.stop()


def test_growth_and_alerts_after_two_snapshots(ticking_client):
    client, emulator = ticking_client
    client.post("/api/v1/watches", json={"usernames": ["demo_travel"], "max_reels": 12})
    [first] = watches.run_due()
    tick(emulator, "demo_travel", followers_change_pct=10.0)
    from core.storage.engine import get_database

    with get_database().transaction() as session:
        session.execute(update(Watch).values(last_run_at=datetime.now(UTC) - timedelta(days=2)))
    [second] = watches.run_due()
    assert (first.status, second.status) == ("completed", "completed")

    growth = client.get("/api/v1/watches/demo_travel/growth").json()
    assert [s["analysis_id"] for s in growth["snapshots"]] == [first.analysis_id, second.analysis_id]
    assert [s["followers"] for s in growth["snapshots"]] == [52800, 58080]
    assert growth["snapshots"][1]["new_reels"] == 1 and growth["snapshots"][0]["new_reels"] is None
    assert len(growth["new_reels"]) == 1
    # plays may be withheld (anonymous visitors): gains exist exactly for reels whose plays are known in both
    known = [{media_id for media_id, plays in zip(frame["media_id"], effective_plays(frame["plays"], frame["views"]),
                                                  strict=True) if pd.notna(plays)}
             for frame in (load_reels_frame(get_database(), s.analysis_id) for s in (first, second))]
    assert sorted(g["media_id"] for g in growth["reel_gains"]) == sorted(known[0] & known[1])
    assert all(g["plays_gained"] > 0 for g in growth["reel_gains"])  # the tick adds 5 % to every video

    alerts = client.get("/api/v1/alerts", params={"username": "@demo_travel"}).json()["alerts"]
    assert all(ALERT_KEYS <= set(a) for a in alerts)
    assert sorted(a["kind"] for a in alerts) == ["follower_change", "viral_reel"]
    viral = next(a for a in alerts if a["kind"] == "viral_reel")
    assert viral["shortcode"] == growth["new_reels"][0]["shortcode"]
    assert client.get("/api/v1/alerts", params={"username": "few_posts"}).json()["alerts"] == []
