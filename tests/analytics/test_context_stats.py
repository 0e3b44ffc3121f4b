"""Context analytics on tiny literal frames: groups, minimum samples, unknowns left out."""

from __future__ import annotations

import math

import pandas as pd

from core.analytics.context import (
    MIN_SAMPLE,
    collab_flags,
    collab_vs_solo,
    collaborator_ranking,
    context_shares,
    sponsored_flags,
    sponsored_vs_organic,
    top_audio,
    top_locations,
)


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {"shortcode": "x", "effective_plays": None, "engagement_rate": None, "is_paid_partnership": None,
            "sponsors": None, "collaborators": None, "audio_type": None, "audio_title": None, "audio_artist": None,
            "audio_id": None, "location_name": None}
    data = pd.DataFrame([{**base, **row} for row in rows])
    data["effective_plays"] = data["effective_plays"].astype("Int64")
    data["engagement_rate"] = data["engagement_rate"].astype("Float64")
    return data


def test_sponsored_is_a_paid_label_or_a_sponsor_tag_and_unknown_when_neither_is_sent():
    reels = frame([{"is_paid_partnership": True}, {"is_paid_partnership": False, "sponsors": ["brand"]},
                   {"is_paid_partnership": False, "sponsors": []}, {"sponsors": []}, {}])
    assert sponsored_flags(reels).tolist() == [True, True, False, False, pd.NA]


def test_collab_needs_a_sent_list():
    reels = frame([{"collaborators": ["ann"]}, {"collaborators": []}, {}])
    assert collab_flags(reels).tolist() == [True, False, pd.NA]


def test_sponsored_vs_organic_medians_with_their_samples():
    sponsored = [{"is_paid_partnership": True, "effective_plays": p, "engagement_rate": 0.01 * p / 100}
                 for p in (100, 200, 300, 400, 500)]
    organic = [{"is_paid_partnership": False, "effective_plays": p, "engagement_rate": 0.02}
               for p in (10, 20, 30, 40, 50, 60)]
    unknown = [{"effective_plays": 10_000}]
    figure = sponsored_vs_organic(frame(sponsored + organic + unknown))
    assert figure.sample == 11
    table = figure.table.set_index("group")
    assert table.loc["sponsored", ["reels", "median_plays"]].tolist() == [5, 300.0]
    assert table.loc["organic", ["reels", "median_plays", "median_engagement_rate"]].tolist() == [6, 35.0, 0.02]


def test_a_comparison_below_the_minimum_sample_is_withheld_with_its_reason():
    reels = frame([{"collaborators": ["ann"], "effective_plays": 5}] * 2
                  + [{"collaborators": [], "effective_plays": 1}] * MIN_SAMPLE)
    figure = collab_vs_solo(reels)
    assert figure.table is None and figure.sample == MIN_SAMPLE + 2
    assert "2 collab" in figure.reason


def test_a_median_of_too_few_known_values_is_nan_while_the_group_shows():
    reels = frame([{"is_paid_partnership": True, "effective_plays": 100}] * 2
                  + [{"is_paid_partnership": True}] * 3 + [{"is_paid_partnership": False, "effective_plays": 1}] * 5)
    table = sponsored_vs_organic(reels).table.set_index("group")
    assert table.loc["sponsored", "reels"] == 5 and table.loc["sponsored", "plays_sample"] == 2
    assert math.isnan(table.loc["sponsored", "median_plays"])


def test_top_audio_groups_by_id_and_lists_the_reels():
    song = {"audio_type": "licensed", "audio_title": "Song", "audio_artist": "Band", "audio_id": "9007199254740993"}
    own = {"audio_type": "original", "audio_title": "Original audio", "audio_artist": "me"}
    reels = frame([{**song, "shortcode": s, "effective_plays": 10} for s in "abcd"] + [{**song, "shortcode": "e"}]
                  + [{**own, "shortcode": "f", "audio_id": "1"}, {**own, "shortcode": "g", "audio_id": "2"},
                     {"shortcode": "h"}])
    figure = top_audio(reels)
    assert figure.sample == 7
    [first] = figure.table.itertuples()  # the original sounds used once each are not ranked
    assert (first.audio_id, first.reels, first.total_plays, first.shortcodes) == \
        ("9007199254740993", 5, 40, ["a", "b", "c", "d", "e"])


def test_no_track_used_by_enough_reels_is_ranked_and_the_figure_says_why():
    own = {"audio_type": "original", "audio_title": "Original audio", "audio_artist": "me"}
    figure = top_audio(frame([{**own, "audio_id": str(i)} for i in range(6)] + [{**own, "audio_id": "0"}]))
    assert figure.table is None
    assert figure.reason == f"no track has at least {MIN_SAMPLE} reels (the most: 2)"


def test_top_locations_lists_only_places_with_enough_reels():
    assert top_locations(frame([{"location_name": "Lisbon"}] * 4)).table is None
    table = top_locations(frame([{"location_name": "Lisbon", "effective_plays": 1}] * 5
                                + [{"location_name": "Tokyo", "effective_plays": 10}] * 3)).table
    assert table[["location_name", "reels", "total_plays"]].values.tolist() == [["Lisbon", 5, 5]]
    few = top_locations(frame([{"location_name": "Lisbon"}] * 3 + [{"location_name": "Tokyo"}] * 2))
    assert few.table is None and few.reason == f"no place has at least {MIN_SAMPLE} reels (the most: 3)"


def test_collaborators_are_ranked_by_the_plays_of_shared_reels_among_those_with_enough():
    reels = frame([{"collaborators": ["ann", "bob"], "effective_plays": 100, "shortcode": "a"}]
                  + [{"collaborators": ["bob"], "effective_plays": 50, "shortcode": s} for s in "bcde"]
                  + [{"collaborators": ["cat"], "effective_plays": 1, "shortcode": s} for s in "fghij"]
                  + [{"collaborators": ["dan"], "shortcode": "k"}, {"collaborators": []}])
    table = collaborator_ranking(reels).table
    assert table[["collaborator", "reels", "total_plays"]].values.tolist() == [["bob", 5, 300], ["cat", 5, 5]]


def test_shares_are_of_known_reels_and_withheld_below_the_minimum():
    reels = frame([{"is_paid_partnership": True, "collaborators": []}] + [{"is_paid_partnership": False}] * 4 + [{}])
    shares = context_shares(reels)
    assert (shares["sponsored_share"], shares["sponsored_sample"]) == (0.2, 5)
    assert (shares["collab_share"], shares["collab_sample"]) == (None, 1)
