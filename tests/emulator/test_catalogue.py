from __future__ import annotations

import instaloader

from emulator import SyntheticMedia, SyntheticProfile, default_catalogue

REQUIRED = {"demo_creator", "demo_travel", "demo_food", "empty_profile", "few_posts", "big_creator",
            "feed_videos", "hidden_likes", "no_play_counts", "weird_captions", "private_account"}


def test_catalogue_is_deterministic_and_complete():
    a, b = default_catalogue(), default_catalogue()
    assert REQUIRED <= set(a)
    assert a == b
    for p in a.values():
        assert isinstance(p, SyntheticProfile)
        assert p.user_id.isdigit()
        assert p.profile_pic_url.startswith("https://")
        assert all(isinstance(m, SyntheticMedia) for m in p.media)


def test_shortcodes_match_media_ids_and_are_unique():
    codes = set()
    for p in default_catalogue().values():
        for m in p.media:
            assert m.code == instaloader.Post.mediaid_to_shortcode(int(m.pk))
            assert instaloader.Post.shortcode_to_mediaid(m.code) == int(m.pk)
            assert m.code not in codes
            codes.add(m.code)
            assert m.thumbnail_url.startswith("https://scontent")
            assert 1735689600 <= m.taken_at < 1798761600  # 2025-2026


def test_order_sizes_and_special_profiles():
    c = default_catalogue()
    for p in c.values():
        pinned = [m for m in p.media if m.pinned]
        assert list(p.media[:len(pinned)]) == pinned
        rest = p.media[len(pinned):]
        assert all(x.taken_at > y.taken_at for x, y in zip(rest, rest[1:], strict=False))
        assert p.media_count == len(p.media)
        assert all(m.is_video for m in p.videos)
    creator = c["demo_creator"]
    assert 55 <= len(creator.videos) <= 65 and sum(m.pinned for m in creator.media) == 2
    assert {m.media_type for m in creator.media} == {1, 2, 8}
    assert 30 <= len(c["demo_travel"].videos) <= 40 and 30 <= len(c["demo_food"].videos) <= 40
    assert c["empty_profile"].media == ()
    assert (c["few_posts"].media_count, len(c["few_posts"].videos)) == (5, 3)
    assert len(c["big_creator"].videos) >= 250 and c["big_creator"].media_count >= 350
    fv = c["feed_videos"]
    assert {m.product_type for m in fv.videos} == {"clips", "feed"}
    assert any(m.media_type == 8 for m in fv.media) and any(m.media_type == 1 for m in fv.media)
    hidden = [m for m in c["hidden_likes"].media if m.likes_hidden]
    assert len(hidden) >= 3 and all((m.like_count or 0) < 10 for m in hidden)
    npc = c["no_play_counts"].videos
    assert any(m.play_count is None and m.view_count is not None for m in npc)
    assert any(m.play_count is None and m.view_count is None for m in npc)
    captions = [m.caption for m in c["weird_captions"].media]
    assert None in captions and any(cap and len(cap) >= 9000 for cap in captions)
    assert any(cap and "<script>" in cap for cap in captions)
    assert c["private_account"].is_private
