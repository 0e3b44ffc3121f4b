"""Reels (cursor pagination, sorting, filters), summary and exports of a completed analysis."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime

import pytest

from core.analytics.filters import ReelFilters
from core.exports.documents import ExportOptions, export_bytes
from core.exports.fields import all_fields

PROBLEM = "application/problem+json"
EXPORT_KEYS = ("shortcode", "media_id", "url", "caption", "likes", "comments", "plays", "views", "duration",
               "posted_at", "hashtags", "mentions")


def walk(client, analysis_id: str, **params) -> list[dict]:
    """Every page of the reels listing, following next_cursor."""
    reels, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"/api/v1/analyses/{analysis_id}/reels", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        reels += body["reels"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return reels
        assert pages < 1000


def test_pagination_walks_every_reel_exactly_once_in_instagram_order(client, completed, store_env):
    first = client.get(f"/api/v1/analyses/{completed}/reels", params={"limit": 7}).json()
    assert len(first["reels"]) == 7 and first["total"] == 36 and first["next_cursor"]
    reels = walk(client, completed, limit=7)
    assert len(reels) == 36
    assert len({r["media_id"] for r in reels}) == 36
    assert [r["position"] for r in reels] == list(range(36))
    assert all(r["url"] == f"https://www.instagram.com/reel/{r['shortcode']}/" for r in reels)


def test_reel_keys_are_the_export_field_names(client, completed):
    reel = client.get(f"/api/v1/analyses/{completed}/reels", params={"limit": 1}).json()["reels"][0]
    assert set(EXPORT_KEYS) <= set(reel)
    assert list(reel) == [f for f in all_fields() if f in reel]
    assert {"engagement_rate", "plays_tier", "effective_plays"} <= set(reel)
    assert datetime.fromisoformat(reel["posted_at"]).tzinfo is not None


@pytest.mark.parametrize("sort", ["plays", "likes", "posted_at", "engagement_rate", "plays_tier"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sorted_pages_follow_the_order_with_unknown_values_last(client, completed, sort, order):
    column = {"plays": "effective_plays"}.get(sort, sort)
    reels = walk(client, completed, sort=sort, order=order, limit=5)
    assert len({r["media_id"] for r in reels}) == len(reels) == 36
    values = [r[column] for r in reels]
    known = [v for v in values if v is not None and v != "unknown"]
    assert values[:len(known)] == known  # unknown ones at the end
    if sort == "plays_tier":
        rank = {"viral": 4, "strong": 3, "typical": 2, "weak": 1}
        known = [rank[v] for v in known]
    assert known == sorted(known, reverse=order == "desc")


def test_hidden_counts_are_null_and_sort_last_whichever_the_order(client, store_env):
    from api_helpers import submit_and_wait

    [analysis_id] = submit_and_wait(client, ["hidden_likes"])
    for order in ("asc", "desc"):
        likes = [r["likes"] for r in walk(client, analysis_id, sort="likes", order=order, limit=4)]
        assert likes.count(None) == 6 and likes[-6:] == [None] * 6


def test_filters_match_core_filters(client, completed, store_env):
    from api.results import load_enriched
    from core.analytics.filters import apply_filters
    from core.storage import analyses as store

    state = store.get_state(store_env, completed)
    enriched, _ = load_enriched(store_env, state)
    tag = enriched["hashtags"].explode().dropna().value_counts().index[0]
    median = int(enriched["effective_plays"].median())
    word = enriched["caption"].dropna().iloc[0].split()[0]
    cases = [
        ({"min_plays": median}, ReelFilters(min_plays=median)),
        ({"hashtag": "#" + tag.upper()}, ReelFilters(hashtag=tag)),
        ({"q": word.upper()}, ReelFilters(caption_search=word)),
        ({"tier": "viral,strong"}, ReelFilters(tiers=("viral", "strong"))),
        ({"date_from": "2000-01-01", "date_to": "2100-01-01", "min_plays": 1},
         ReelFilters(date_from=datetime(2000, 1, 1).date(), date_to=datetime(2100, 1, 1).date(), min_plays=1)),
    ]
    for params, filters in cases:
        expected = set(apply_filters(enriched, filters)["media_id"])
        got = walk(client, completed, limit=3, **params)
        assert {r["media_id"] for r in got} == expected, params
        assert len(got) == len(expected) and 0 < len(expected) <= 36, params


def test_bad_filter_values_and_cursors_are_problems(client, completed):
    url = f"/api/v1/analyses/{completed}/reels"
    for params in ({"tier": "legendary"}, {"limit": 0}, {"limit": 5000}, {"sort": "nonsense"},
                   {"date_from": "yesterday"}, {"min_plays": -1}):
        response = client.get(url, params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM and response.json()["errors"], params
    garbage = client.get(url, params={"cursor": "not-a-cursor"})
    assert garbage.status_code == 400 and garbage.json()["type"].endswith("invalid-cursor")
    cursor = client.get(url, params={"limit": 2}).json()["next_cursor"]
    other_query = client.get(url, params={"limit": 2, "cursor": cursor, "sort": "likes"})
    assert other_query.status_code == 400


def test_summary_has_kpis_tiers_and_top_hashtags_and_mentions(client, completed):
    response = client.get(f"/api/v1/analyses/{completed}/summary", params={"top": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["analysis_id"] == completed and body["username"] == "demo_travel"
    assert body["kpis"]["reels_analysed"] == 36
    assert body["kpis"]["median"]["effective_plays"] > 0
    assert sum(body["tiers"]["plays_tier"].values()) == 36
    assert 0 < len(body["top_hashtags"]) <= 3 and {"tag", "reels", "share"} <= set(body["top_hashtags"][0])
    assert len(body["top_reels"]) == 3 and body["top_reels"][0]["rank"] == 1
    assert body["profile"]["followers"] == 52_800


def _exported_at(response) -> datetime:
    disposition = response.headers["content-disposition"]
    match = re.fullmatch(r'attachment; filename="reelscope_demo_travel_(\d{8}-\d{6})\.(csv|json)(\.gz)?"',
                         disposition)
    assert match, disposition
    return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)


@pytest.mark.parametrize("params, options", [
    ({}, ExportOptions(format="csv")),
    ({"format": "csv", "plain": "true"}, ExportOptions(format="csv", plain=True)),
    ({"format": "json"}, ExportOptions(format="json")),
    ({"format": "csv", "fields": "shortcode,plays,engagement_rate"},
     ExportOptions(format="csv", fields=("shortcode", "plays", "engagement_rate"))),
    ({"format": "json", "gzip": "true"}, ExportOptions(format="json", gzip=True)),
    ({"format": "csv", "plain": "1", "tier": "viral"}, ExportOptions(format="csv", plain=True,
                                                                   filters=ReelFilters(tiers=("viral",)))),
])
def test_export_streams_the_same_bytes_as_the_cli(client, completed, store_env, params, options):
    response = client.get(f"/api/v1/analyses/{completed}/export", params=params)
    assert response.status_code == 200, response.text
    expected = export_bytes(store_env, completed, options, exported_at=_exported_at(response))
    assert response.content == expected
    content_type = response.headers["content-type"]
    if options.gzip:
        assert content_type == "application/gzip"
        assert json.loads(gzip.decompress(response.content))["profile"]["username"] == "demo_travel"
    else:
        assert content_type.startswith("text/csv" if options.format == "csv" else "application/json")


def test_export_of_unknown_fields_is_a_422_listing_them(client, completed):
    response = client.get(f"/api/v1/analyses/{completed}/export", params={"fields": "shortcode,bogus,nope"})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == ["bogus", "nope"]
    assert client.get(f"/api/v1/analyses/{completed}/export", params={"format": "xml"}).status_code == 422


def test_a_profile_without_reels_has_an_empty_page_and_a_summary(client, store_env):
    from api_helpers import submit_and_wait

    [analysis_id] = submit_and_wait(client, ["empty_profile"])
    page = client.get(f"/api/v1/analyses/{analysis_id}/reels").json()
    assert page == {"reels": [], "next_cursor": None, "total": 0, "partial": False}
    summary = client.get(f"/api/v1/analyses/{analysis_id}/summary")
    assert summary.status_code == 200, summary.text
    assert summary.json()["kpis"]["reels_analysed"] == 0 and summary.json()["top_hashtags"] == []
