"""Real instaloader 4.16 (anonymous) against the emulator."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import instaloader
import pytest
from instaloader import Post, Profile
from instaloader.exceptions import LoginRequiredException, ProfileNotExistsException

PUBLIC = ["demo_creator", "demo_travel", "demo_food", "empty_profile", "few_posts", "big_creator",
          "feed_videos", "hidden_likes", "no_play_counts", "weird_captions"]


@pytest.mark.parametrize("username", PUBLIC + ["private_account"])
def test_profile_from_username(ctx, emu, username):
    expected = emu.catalogue[username]
    profile = Profile.from_username(ctx, username)
    assert profile.userid == int(expected.user_id)
    assert profile.username == username
    assert profile.followers == expected.followers
    assert profile.followees == expected.following
    assert profile.mediacount == expected.media_count
    assert profile.is_private == expected.is_private
    assert profile.full_name == expected.full_name
    assert profile.biography == expected.biography
    assert profile.is_verified == expected.is_verified
    assert profile.profile_pic_url.startswith("https://")
    # everything above came from the profile page alone
    assert [r.endpoint for r in emu.requests] == ["profile_page"]
    assert all(r.host == "www.instagram.com" for r in emu.requests)


def test_profile_name_is_case_insensitive(ctx, emu):
    assert Profile.from_username(ctx, "Demo_Creator").username == "demo_creator"


def test_missing_profile(ctx, emu):
    with pytest.raises(ProfileNotExistsException):
        Profile.from_username(ctx, "no_such_user_xyz")
    assert emu.requests[-1].status == 404


def test_top_search(ctx, emu):
    result = instaloader.TopSearchResults(ctx, "demo_creatr")
    assert "demo_creator" in [p.username for p in result.get_profiles()]


def _check_reel(post: Post, expected) -> None:
    assert post.shortcode == expected.code
    assert post.mediaid == int(expected.pk)
    assert post.is_video
    assert post.likes == (expected.like_count or 0)
    assert post.comments == (expected.comment_count or 0)
    assert post.video_play_count == expected.play_count
    assert post.video_view_count == expected.view_count
    assert post.video_duration == pytest.approx(expected.video_duration)
    if expected.caption:
        assert post.caption == expected.caption
    else:
        assert post.caption in (None, "")
    assert post.date_utc == datetime.fromtimestamp(expected.taken_at, UTC).replace(tzinfo=None)
    assert post._node.get("product_type") == expected.product_type
    assert post._node.get("like_and_view_counts_disabled") == expected.likes_hidden
    assert bool(post._node.get("timeline_pinned_user_ids")) == expected.pinned
    assert post.url == expected.thumbnail_url
    assert post.owner_username == post.owner_profile.username


@pytest.mark.parametrize("username", ["demo_creator", "few_posts", "feed_videos", "hidden_likes",
                                      "no_play_counts", "weird_captions", "empty_profile"])
def test_get_reels_yields_the_videos(ctx, emu, username):
    expected = emu.catalogue[username]
    reels = list(Profile.from_username(ctx, username).get_reels())
    assert [r.shortcode for r in reels] == [m.code for m in expected.videos]
    for post, m in zip(reels, expected.videos, strict=True):
        _check_reel(post, m)


def test_reel_details_and_hashtags(ctx, emu):
    reels = {r.shortcode: r for r in Profile.from_username(ctx, "weird_captions").get_reels()}
    by_caption = {m.caption: reels[m.code] for m in emu.catalogue["weird_captions"].videos}
    emoji = next(post for cap, post in by_caption.items() if cap and cap.startswith("Emoji party"))
    assert {"café", "東京", "straße"} <= set(emoji.caption_hashtags)
    mentions = next(post for cap, post in by_caption.items() if cap and cap.startswith("Thanks @"))
    assert "some.body_" in mentions.caption_mentions
    assert by_caption[None].caption is None and by_caption[None].caption_hashtags == []
    assert any(post.caption and len(post.caption) > 9000 for post in reels.values())
    creator = list(Profile.from_username(ctx, "demo_creator").get_reels())
    assert sum(bool(p._node.get("clips_tab_pinned_user_ids")) for p in creator) == 2
    assert all(p._node["product_type"] == "clips" for p in creator[:2])


def test_big_creator_pagination(ctx, emu):
    expected = emu.catalogue["big_creator"]
    profile = Profile.from_username(ctx, "big_creator")
    reels = profile.get_reels()
    codes = [r.shortcode for r in reels]
    assert codes == [m.code for m in expected.videos]
    pages = [r for r in emu.requests if r.endpoint == "reels"]
    assert len(pages) == -(-len(expected.videos) // 12)
    assert Counter(r.endpoint for r in emu.requests)["post"] == len(expected.videos)


def test_get_posts_anonymous_timeline(ctx, emu):
    for username in ("few_posts", "demo_creator"):
        expected = emu.catalogue[username]
        posts = list(Profile.from_username(ctx, username).get_posts())
        assert [p.shortcode for p in posts] == [m.code for m in expected.media]
        assert [p.typename for p in posts] == [{1: "GraphImage", 2: "GraphVideo", 8: "GraphSidecar"}[m.media_type]
                                               for m in expected.media]
        sidecar = next((p for p in posts if p.typename == "GraphSidecar"), None)
        if sidecar is not None:
            assert sidecar.mediacount >= 2


def test_private_profile_refuses_posts_and_reels(ctx, emu):
    profile = Profile.from_username(ctx, "private_account")
    with pytest.raises(LoginRequiredException):
        profile.get_posts()
    with pytest.raises(LoginRequiredException):
        list(profile.get_reels())


def test_post_from_shortcode(ctx, emu):
    m = emu.catalogue["feed_videos"].media[0]
    post = Post.from_shortcode(ctx, m.code)
    assert post.mediaid == int(m.pk)
    assert post.owner_username == "feed_videos"


def test_cdn_images_are_valid(ctx, emu):
    profile = Profile.from_username(ctx, "demo_travel")  # profile picture on an fbcdn.net host
    resp = ctx.get_raw(profile.profile_pic_url)
    data = resp.content
    assert resp.headers["Content-Type"] == "image/jpeg" and data[:3] == b"\xff\xd8\xff"
    thumb = ctx.get_raw(emu.catalogue["demo_travel"].media[0].thumbnail_url).content
    pil = pytest.importorskip("PIL.Image")
    import io

    for blob in (data, thumb):
        image = pil.open(io.BytesIO(blob))
        image.load()
        assert image.size[0] > 0
    hosts = {r.host for r in emu.requests if r.endpoint == "cdn"}
    assert any(h.endswith("fbcdn.net") for h in hosts) and any(h.endswith("cdninstagram.com") for h in hosts)
    with pytest.raises(instaloader.exceptions.QueryReturnedForbiddenException):
        ctx.get_raw(emu.catalogue["demo_travel"].media[0].thumbnail_url.replace("oh=00_", "oh=01_"))


def test_concurrent_loaders(emu, loader_factory):
    from concurrent.futures import ThreadPoolExecutor

    names = ["demo_travel", "demo_food", "few_posts", "hidden_likes"]

    def run(name):
        loader = loader_factory(1)
        return name, len(list(Profile.from_username(loader.context, name).get_reels()))

    with ThreadPoolExecutor(4) as pool:
        results = dict(pool.map(run, names))
    assert results == {n: len(emu.catalogue[n].videos) for n in names}
