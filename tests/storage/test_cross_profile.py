"""core.analytics.cross_profile.library_overview on a tiny store, against numbers computed by hand; and its page."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from core.analytics.cross_profile import OVERVIEW_COLUMNS, library_overview
from core.domain.errors import ProfileNotFound
from core.storage import analyses as store
from tests.storage.conftest import ALPHA_REELS, completed, reel

ROOT = Path(__file__).resolve().parents[2]


def _seed(db) -> dict[str, str]:
    ids = {
        "alpha": completed(db, "alpha", 1000, ALPHA_REELS),
        # No follower count: engagement rate unknown for every reel; all likes hidden.
        "beta": completed(db, "beta", None, [reel(10, likes=None, comments=4, plays=7),
                                             reel(11, likes=None, comments=None, plays=9)]),
        "empty": completed(db, "empty", 500, []),
    }
    [failed] = store.insert_analyses(db, ["broken"], max_reels=None, owner=None)
    store.mark_failed(db, failed, ProfileNotFound())
    return ids


def test_overview_numbers_equal_hand_computed_values(tiny_store):
    ids = _seed(tiny_store)
    frame = library_overview(tiny_store)
    assert tuple(frame.columns) == OVERVIEW_COLUMNS
    assert frame["username"].tolist() == ["alpha", "beta", "empty"]  # completed only, oldest first
    rows = frame.set_index("username")

    alpha = rows.loc["alpha"]
    assert alpha["analysis_id"] == ids["alpha"] and alpha["reels"] == 4 and alpha["followers"] == 1000
    # effective plays: 100, 50 (views stand in), 300, unknown → known [50, 100, 300]
    assert alpha["median_plays"] == 100
    assert alpha["mean_plays"] == 150
    assert math.isclose(alpha["p90_plays"], 100 + 0.8 * (300 - 100))  # linear interpolation at rank 1.8
    # engagement rate (likes + comments) / 1,000 × 100: 1.0, hidden, 3.2, 0.8 → median 1.0
    assert math.isclose(alpha["median_engagement_rate"], 1.0)
    assert alpha["hidden_likes_share"] == 25.0

    beta = rows.loc["beta"]
    assert beta["reels"] == 2 and beta["median_plays"] == 8 and beta["p90_plays"] == 7 + 0.9 * 2
    assert np.isnan(beta["median_engagement_rate"])  # no follower count
    assert beta["hidden_likes_share"] == 100.0

    empty = rows.loc["empty"]
    assert empty["reels"] == 0
    assert all(np.isnan(empty[c]) for c in ("median_plays", "mean_plays", "p90_plays", "median_engagement_rate",
                                              "hidden_likes_share"))


def test_overview_matches_the_per_profile_summary(tiny_store):
    """The same definitions as the Results page's KPIs (core.analytics.aggregates.profile_summary)."""
    from core.analytics.aggregates import profile_summary
    from core.analytics.metrics import enrich_reels
    from core.storage.queries import load_profile, load_reels_frame

    ids = _seed(tiny_store)
    rows = library_overview(tiny_store).set_index("analysis_id")
    for analysis_id in ids.values():
        profile = load_profile(tiny_store, analysis_id)
        summary = profile_summary(enrich_reels(load_reels_frame(tiny_store, analysis_id), profile["followers"],
                                               store.get_state(tiny_store, analysis_id).finished_at), profile)
        row = rows.loc[analysis_id]
        assert row["reels"] == summary["reels_analysed"]
        for ours, theirs in ((row["median_engagement_rate"], summary["median"]["engagement_rate"]),
                             (row["hidden_likes_share"], summary["hidden_likes_share"])):
            assert (theirs is None and np.isnan(ours)) or math.isclose(ours, theirs)


def test_overview_of_an_empty_store_is_an_empty_frame(tiny_store):
    frame = library_overview(tiny_store)
    assert frame.empty and tuple(frame.columns) == OVERVIEW_COLUMNS


def test_history_page_shows_all_profiles(tiny_store):
    _seed(tiny_store)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.switch_page("pages/3_History.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "All profiles" for s in at.subheader)
    [table] = [d.value for d in at.dataframe if "median_plays" in d.value.columns]
    assert table["profile"].tolist() == ["@alpha", "@beta", "@empty"]
    alpha = table.set_index("profile").loc["@alpha"]
    assert alpha["reels"] == 4 and alpha["median_plays"] == 100
    assert math.isclose(alpha["median_engagement_rate"], 1.0) and alpha["hidden_likes_share"] == 25.0
