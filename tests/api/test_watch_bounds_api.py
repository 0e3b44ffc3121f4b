"""Issue 22 items 1, 5 and 11: the watch API refuses what it cannot hold, survives a bad stored watch, and validates
names, reel caps and field lists as the CLI does."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from api.schemas import EVERY_PATTERN
from core.storage.models import Watch
from core.watchlists.watches import MAX_EVERY_SECONDS, InvalidDuration, parse_duration


@pytest.mark.parametrize("body", [
    {"usernames": ["few_posts"], "every": "800000d"},
    {"usernames": ["few_posts"], "every": "24856d"},
    {"usernames": ["few_posts"], "max_reels": 10**20},
    {"usernames": ["few_posts"], "max_reels": 2_147_483_648},
    {"usernames": ["few_posts"], "max_reels": 100_001},
    {"usernames": ["few_posts"], "max_reels": False},
    {"usernames": ["few_posts"], "max_reels": True},
])
def test_watches_beyond_the_bounds_are_422_and_store_nothing(client, body):
    response = client.post("/api/v1/watches", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/watches").json()["watches"] == []


def test_an_analysis_with_max_reels_false_is_422(client):
    response = client.post("/api/v1/analyses", json={"usernames": ["few_posts"], "max_reels": False})
    assert response.status_code == 422
    assert client.get("/api/v1/analyses").json()["analyses"] == []


def test_a_stored_huge_interval_never_breaks_listing_or_adding(client, store_env):
    assert client.post("/api/v1/watches", json={"usernames": ["demo_food"]}).status_code == 201
    with store_env.transaction() as session:
        session.execute(update(Watch).values(every_seconds=3_000_000 * 86400, last_run_at=datetime.now(UTC)))
    listed = client.get("/api/v1/watches")
    assert listed.status_code == 200
    assert [w["every_seconds"] for w in listed.json()["watches"]] == [MAX_EVERY_SECONDS]
    added = client.post("/api/v1/watches", json={"usernames": ["few_posts"], "every": "2h"})
    assert added.status_code == 201
    assert [w["username"] for w in added.json()["watches"]] == ["few_posts"]


def test_an_invalid_username_in_alerts_or_growth_is_422(client):
    assert client.get("/api/v1/alerts", params={"username": "bad!name"}).status_code == 422
    assert client.get("/api/v1/watches/bad!name/growth").status_code == 422


def test_growth_of_a_never_watched_profile_is_404_and_of_a_watched_one_200(client):
    response = client.get("/api/v1/watches/never_watched/growth")
    assert response.status_code == 404 and "not watched" in response.json()["detail"]
    client.post("/api/v1/watches", json={"usernames": ["few_posts"]})
    growth = client.get("/api/v1/watches/few_posts/growth")
    assert growth.status_code == 200 and growth.json()["snapshots"] == []


@pytest.mark.parametrize("fields", ["", " ", ",,"])
def test_an_empty_field_list_is_422(client, completed, fields):
    response = client.get(f"/api/v1/analyses/{completed}/export", params={"fields": fields})
    assert response.status_code == 422


@pytest.mark.parametrize(("every", "inside"), [
    ("1s", True), ("315360000s", True), ("315360001s", False), ("5256000m", True), ("5256001m", False),
    ("87600h", True), ("87601h", False), ("3650d", True), ("3651d", False), ("999d", True), ("0d", False)])
def test_the_documented_interval_pattern_matches_the_bounds_parse_duration_enforces(every, inside):
    assert bool(re.fullmatch(EVERY_PATTERN, every)) is inside
    try:
        parse_duration(every)
        parsed = True
    except InvalidDuration:
        parsed = False
    assert parsed is inside
