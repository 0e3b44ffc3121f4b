from datetime import UTC, datetime

from core.analytics.aggregates import reel_growth
from core.storage.queries import reels_frame_from_rows


def _reel(media_id, plays, views=None):
    return dict(media_id=media_id, shortcode=f"c{media_id}", url=f"u{media_id}", thumbnail_url=None, caption=None,
                likes=1, comments=1, plays=plays, views=views, posted_at=datetime(2026, 1, 1, tzinfo=UTC),
                duration=10.0, product_type="clips", is_pinned=False, hashtags=[], mentions=[], position=0)


def test_growth_is_matched_on_media_id_and_unknown_plays_stay_unknown():
    before = reels_frame_from_rows([_reel("1", 100), _reel("2", None), _reel("3", 50)])
    after = reels_frame_from_rows([_reel("1", 400), _reel("2", 70), _reel("4", 9)])
    growth = reel_growth(before, after, datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 2, 4, tzinfo=UTC))
    assert growth["media_id"].tolist() == ["1", "2"]
    assert growth["plays_growth"].tolist()[0] == 300
    assert growth["plays_growth_per_day"].tolist()[0] == 100.0
    assert growth["plays_growth"].isna().tolist() == [False, True]


def test_views_stand_in_for_missing_plays_as_everywhere_else():
    before = reels_frame_from_rows([_reel("1", None, views=10)])
    after = reels_frame_from_rows([_reel("1", None, views=25)])
    growth = reel_growth(before, after, datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 2, 2, tzinfo=UTC))
    assert growth["plays_growth"].tolist() == [15]
