from datetime import date

import pytest

from core.analytics.filters import ReelFilters, apply_filters, describe
from tests.analytics.builders import reel

ROWS = [
    reel("a", posted_at="2026-01-01T00:00:00Z", plays=1000, hashtags=["cat"], caption="Price: $5 (a+b)?"),
    reel("b", posted_at="2026-02-15T23:59:00Z", plays=100, hashtags=["dog"], caption="price 5 ab"),
    reel("c", posted_at="2026-03-31T23:59:59Z", plays=None, views=None, caption=None),
    reel("d", posted_at="2026-04-01T00:00:00Z", plays=100, caption="PRICE: $5 (A+B)? again"),
]


def codes(frame) -> list[str]:
    return frame["shortcode"].tolist()


def test_no_filters_keep_everything(enriched):
    frame = enriched(ROWS)
    assert codes(apply_filters(frame, ReelFilters())) == ["a", "b", "c", "d"]
    assert describe(ReelFilters()) == "no filters"
    assert ReelFilters().is_empty


def test_date_range_is_inclusive_in_utc(enriched):
    filters = ReelFilters(date_from=date(2026, 2, 15), date_to=date(2026, 3, 31))
    assert codes(apply_filters(enriched(ROWS), filters)) == ["b", "c"]


def test_tier_and_min_plays_narrow_and_drop_unknown_plays(enriched):
    frame = enriched(ROWS)   # median plays 100 -> a is viral
    assert codes(apply_filters(frame, ReelFilters(tiers=("viral",)))) == ["a"]
    assert codes(apply_filters(frame, ReelFilters(tiers=("unknown",)))) == ["c"]
    assert codes(apply_filters(frame, ReelFilters(min_plays=100))) == ["a", "b", "d"]


def test_hashtag_filter_accepts_hash_and_any_case(enriched):
    assert codes(apply_filters(enriched(ROWS), ReelFilters(hashtag="#Cat"))) == ["a"]


def test_caption_search_is_literal_and_case_insensitive(enriched):
    frame = enriched(ROWS)
    assert codes(apply_filters(frame, ReelFilters(caption_search="$5 (a+b)?"))) == ["a", "d"]
    assert codes(apply_filters(frame, ReelFilters(caption_search="price.5"))) == []


def test_filters_combine_with_and(enriched):
    filters = ReelFilters(caption_search="price", min_plays=500)
    assert codes(apply_filters(enriched(ROWS), filters)) == ["a"]


def test_describe_names_every_filter_in_one_line():
    filters = ReelFilters(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), tiers=("viral", "strong"),
                          min_plays=1000, hashtag="#Food", caption_search="recipe")
    assert describe(filters) == ('posted 2026-01-01 to 2026-03-31; tier viral or strong; at least 1,000 plays; '
                                 'hashtag #food; caption contains "recipe"')


def test_filters_round_trip_through_a_dict():
    filters = ReelFilters(date_from=date(2026, 1, 1), tiers=("weak",), min_plays=5, caption_search="x")
    stored = filters.to_dict()
    assert stored["date_from"] == "2026-01-01" and stored["tiers"] == ["weak"]
    assert ReelFilters.from_dict(stored) == filters
    assert ReelFilters.from_dict({}) == ReelFilters()


def test_unknown_tier_is_rejected():
    with pytest.raises(ValueError, match="unknown plays tier"):
        ReelFilters(tiers=("legendary",))
