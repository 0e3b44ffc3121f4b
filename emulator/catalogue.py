"""Deterministic synthetic Instagram profiles served by the emulator.

Everything here is derived from seeded ``random.Random`` instances, so the catalogue is identical
on every run and machine. Media ids (``pk``) follow Instagram's layout (milliseconds since
Instagram's epoch shifted left by 23 bits, plus a shard/sequence part) and shortcodes are derived
from them exactly as instaloader's ``Post.mediaid_to_shortcode`` does.
"""

from __future__ import annotations

import hashlib
import random
from base64 import b64encode
from dataclasses import dataclass
from functools import lru_cache

from emulator.themes import PLAYS_MULTIPLE, themed_caption

__all__ = [
    "SyntheticMedia",
    "SyntheticProfile",
    "default_catalogue",
    "mediaid_to_shortcode",
    "shortcode_to_mediaid",
]

# Instagram's id epoch (ms), used to build realistic media ids.
_IG_EPOCH_MS = 1314220021721
# taken_at values are spread over this window (2025-01-03 .. 2026-04-28 UTC).
_T_START = 1735862400
_T_END = 1777334400


def mediaid_to_shortcode(mediaid: int) -> str:
    """Same algorithm as ``instaloader.Post.mediaid_to_shortcode``."""
    return b64encode(mediaid.to_bytes(9, "big"), b"-_").decode().replace("A", " ").lstrip().replace(" ", "A")


def shortcode_to_mediaid(code: str) -> int:
    """Same algorithm as ``instaloader.Post.shortcode_to_mediaid``."""
    from base64 import b64decode

    code = "A" * (12 - len(code)) + code
    return int.from_bytes(b64decode(code.encode(), b"-_"), "big")


def _sig(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def cdn_image_url(kind: str, ident: str, host: str = "scontent.cdninstagram.com") -> str:
    """A realistic, signed-looking Instagram CDN image URL."""
    folder = "t51.2885-19" if kind == "profile" else "t51.2885-15"
    size = "s150x150" if kind == "profile" else "p640x640"
    sig = _sig(kind, ident)
    return (f"https://{host}/v/{folder}/{ident}_{int(sig[:8], 16) % 10**17}_n.jpg"
            f"?stp=dst-jpg_e35_{size}_sh0.08&_nc_ht={host}&_nc_cat={int(sig[8], 16) % 3 + 1}"
            f"&_nc_ohc={sig[9:20]}&oh=00_{sig[20:40]}&oe={0x68000000 + int(sig[:6], 16) % 0xFFFFFF:X}")


def cdn_video_url(pk: str, host: str = "scontent.cdninstagram.com") -> str:
    sig = _sig("video", pk)
    return (f"https://{host}/o1/v/t16/f2/m86/{pk}_{sig[:12]}.mp4"
            f"?efg=eyJ2ZW5jb2RlX3RhZyI6InhwdiJ9&_nc_ht={host}&_nc_cat=1"
            f"&oh=00_{sig[12:32]}&oe={0x68000000 + int(sig[:6], 16) % 0xFFFFFF:X}")


@dataclass(frozen=True)
class MediaContext:
    """A video's per-reel context as the emulator serves it.

    ``absent``: media dict keys left out entirely (each field's "Instagram did not send it" shape). Empty
    tuples are served as empty lists, except ``sponsors`` and ``tagged`` which Instagram sends as null
    when there are none. ``audio``: ``("original", title, asset_id)``, ``("licensed", title, artist,
    cluster_id, asset_id)`` or None (no ``clips_metadata``).
    """

    collaborators: tuple[str, ...] = ()
    paid_partnership: bool = False
    sponsors: tuple[str, ...] = ()
    tagged: tuple[str, ...] = ()
    location: tuple[str, str] | None = None  # (name, pk)
    audio: tuple | None = None
    comments_disabled: bool = False
    absent: frozenset[str] = frozenset()


NO_CONTEXT = MediaContext()


@dataclass(frozen=True)
class SyntheticMedia:
    pk: str
    code: str
    media_type: int  # 1 image, 2 video, 8 carousel
    product_type: str  # 'clips', 'feed', 'carousel_container'
    taken_at: int
    caption: str | None
    like_count: int | None
    likes_hidden: bool
    comment_count: int | None
    play_count: int | None
    view_count: int | None
    video_duration: float | None
    pinned: bool
    thumbnail_url: str
    context: MediaContext = NO_CONTEXT
    theme: str | None = None  # demo_topics only: the theme its caption was written on (emulator.themes)

    @property
    def is_video(self) -> bool:
        return self.media_type == 2

    @property
    def video_url(self) -> str | None:
        return cdn_video_url(self.pk) if self.is_video else None

    @property
    def carousel_size(self) -> int:
        """Number of children of a carousel (0 for other media), derived from the pk."""
        return 2 + int(self.pk) % 3 if self.media_type == 8 else 0


@dataclass(frozen=True)
class SyntheticProfile:
    username: str
    user_id: str
    full_name: str
    biography: str
    followers: int
    following: int
    is_private: bool
    is_verified: bool
    profile_pic_url: str
    media: tuple[SyntheticMedia, ...]  # newest first, pinned ones first
    is_business: bool = False

    @property
    def videos(self) -> tuple[SyntheticMedia, ...]:
        """The profile's videos, in the order the reels tab (clips connection) serves them."""
        return tuple(m for m in self.media if m.media_type == 2)

    @property
    def media_count(self) -> int:
        return len(self.media)

    @property
    def page_id(self) -> str:
        """The "id" of the profile on its logged-out web page, which is not its user id."""
        return "17841" + str(int(_sig("page", self.user_id)[:12], 16) % 10**12).zfill(12)


# --- caption material -----------------------------------------------------------------------

_TAGS = {
    "creator": ["#travel", "#food", "#reels", "#daily", "#behindthescenes", "#creator", "#tips",
                "#lifestyle", "#viral", "#fyp", "#explore", "#coffee"],
    "travel": ["#travel", "#wanderlust", "#roadtrip", "#beach", "#mountains", "#travelgram",
               "#sunset", "#backpacking", "#explore", "#citybreak"],
    "food": ["#food", "#foodie", "#recipe", "#homecooking", "#pasta", "#dessert", "#vegan",
             "#streetfood", "#baking", "#brunch"],
    "generic": ["#reels", "#instagood", "#photooftheday", "#fun", "#weekend", "#mood"],
}
_MENTIONS = ["@demo_travel", "@demo_food", "@demo_creator", "@studio.lights", "@best_friend_99",
             "@coffee.lab", "@natgeo", "@chef.marco"]
_PHRASES = [
    "New reel is up!", "Morning routine, but make it fast", "Three tips I wish I knew earlier",
    "Behind the scenes of today's shoot", "Would you try this?", "Part 2 of the series",
    "Golden hour never disappoints", "Quick recipe for busy evenings", "Tag someone who needs this",
    "The view from up here", "Trying the viral trend", "Weekend plans sorted",
]

_WEIRD_CAPTIONS: list[str | None] = [
    ("Long story time. " + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 200)[:9990]
    + " #longread",
    "Emoji party 🎉🔥💯 #café #東京 #🔥 #straße #москва #über_alles 😀",
    "Thanks @some.body_ and @under_score.dot and @a.b.c for the collab! @x..y",
    "=HYPERLINK(\"http://evil.example\",\"click\") #csv",
    "+1 for this idea #plus",
    "-2 degrees outside #cold",
    "@start_mention opens this caption #mention",
    "<script>alert(1)</script> <b>bold</b> &amp; <img src=x onerror=alert(2)> #html",
    "**bold** _italic_ [link](http://example.com) # not a tag\n- list item\n> quote #markdown",
    "'; DROP TABLE reels; -- #sql",
    "\u05e9\u05dc\u05d5\u05dd \u0639\u0627\u0644\u0645 \u202etxet desrever\u202c zero\u200bwidth\u200c\u200djoin\ufeff #rtl",
    "line one\nline two\r\nline three\n\n#newlines",
    'comma, "double quotes", \'single\', semicolon; tab\there #quotes',
    None,
    "",
    "Mixed CASE #TravelGram #FOOD @UpperCase.Name",
]


def _caption(rng: random.Random, tags: list[str]) -> str:
    parts = [rng.choice(_PHRASES)]
    if rng.random() < 0.5:
        parts.append("with " + rng.choice(_MENTIONS))
    parts.append(" ".join(rng.sample(tags, k=rng.randint(1, min(4, len(tags))))))
    if rng.random() < 0.3:
        parts.append(rng.choice(["✨", "🌍", "🍝", "📍 Lisbon", "☕️"]))
    return "\n".join(parts) if rng.random() < 0.3 else " ".join(parts)


# --- per-reel context -------------------------------------------------------------------------

_BRANDS = ["brand.coffee", "acme_outdoor", "glow.skincare", "fastbikes"]
_PEOPLE = ["best_friend_99", "studio.lights", "chef.marco", "coffee.lab", "demo_travel", "demo_food"]
_PLACES = [("Lisbon, Portugal", "106339232735538"), ("Tokyo, Japan", "212988663"),
           ("Café Central", "1021345678"), ("Mount Everest", "110000000000000001")]
_TRACKS = [("Sunny Days", "The Examples", "618220929256131"), ("Night Drive", "Synth Collective", "9007199254740993"),
           ("Lo-fi Morning", "Beats & Co", "297130476468711")]
# keys whose absence each shape exercises, in turn, on some reels
_ABSENT_KEYS = ("coauthor_producers", "is_paid_partnership", "sponsor_tags", "usertags", "location",
                "clips_metadata", "comments_disabled")


def _media_context(username: str, pk: int, kind: str) -> MediaContext:
    """A video's context, from its own seeded generator (the main one is untouched, so counts stay as they were)."""
    if kind not in ("clips", "feed_video"):
        return NO_CONTEXT
    rng = random.Random(f"reelscope-context:{pk}")
    people = [name for name in _PEOPLE if name != username]
    collaborators = tuple(rng.sample(people, k=rng.choice([1, 1, 2]))) if rng.random() < 0.25 else ()
    paid = rng.random() < 0.2
    sponsors = tuple(rng.sample(_BRANDS, k=1)) if paid and rng.random() < 0.8 else ()
    tagged = tuple(rng.sample(people, k=rng.randint(1, 3))) if rng.random() < 0.3 else ()
    location = rng.choice(_PLACES) if rng.random() < 0.35 else None
    audio: tuple | None = None
    if kind == "clips":
        if rng.random() < 0.45:
            title, artist, cluster = rng.choice(_TRACKS)
            audio = ("licensed", title, artist, cluster, str(int(cluster) + 11))
        else:
            audio = ("original", "Original audio", str(pk + 3))
    absent = frozenset([_ABSENT_KEYS[pk % 23]]) if pk % 23 < len(_ABSENT_KEYS) else frozenset()
    return MediaContext(collaborators, paid, sponsors, tagged, location, audio, rng.random() < 0.1, absent)


# --- generator ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Spec:
    username: str
    full_name: str
    biography: str
    followers: int
    following: int
    reels: int = 0
    feed_videos: int = 0
    images: int = 0
    carousels: int = 0
    pinned: int = 0
    median_plays: int = 10_000
    viral: int = 0
    tags: str = "generic"
    is_private: bool = False
    is_verified: bool = False
    hidden_likes: int = 0
    no_play_counts: bool = False
    weird: bool = False
    pic_host: str = "scontent.cdninstagram.com"
    is_business: bool = False
    surrogate_caption: bool = False
    themes: bool = False  # captions on clear themes (emulator.themes), plays differing by theme


def _user_id(username: str) -> str:
    return str(1_000_000_000 + int(_sig("user", username)[:12], 16) % 60_000_000_000)


def _build(spec: _Spec) -> SyntheticProfile:
    rng = random.Random("reelscope-emulator:" + spec.username)
    user_id = _user_id(spec.username)
    kinds = (["clips"] * spec.reels + ["feed_video"] * spec.feed_videos + ["image"] * spec.images
             + ["carousel"] * spec.carousels)
    rng.shuffle(kinds)
    n = len(kinds)
    times = sorted((rng.randint(_T_START, _T_END) for _ in range(n)), reverse=True)
    # keep timestamps strictly decreasing so the order is unambiguous
    for i in range(1, n):
        if times[i] >= times[i - 1]:
            times[i] = times[i - 1] - 1
    tags = _TAGS[spec.tags] + _TAGS["generic"][:2]
    reel_positions = [i for i, k in enumerate(kinds) if k == "clips"]
    viral = set(rng.sample(reel_positions, k=min(spec.viral, len(reel_positions))))
    # pinned reels are older ones, from the second half of the reels
    older = reel_positions[len(reel_positions) // 2:]
    pinned = set(rng.sample(older, k=min(spec.pinned, len(older))))
    hidden = set(rng.sample(reel_positions, k=min(spec.hidden_likes, len(reel_positions))))
    weird_iter = iter(_WEIRD_CAPTIONS)

    media: list[SyntheticMedia] = []
    for i, (kind, taken_at) in enumerate(zip(kinds, times, strict=False)):
        pk = ((taken_at * 1000 + rng.randint(0, 999) - _IG_EPOCH_MS) << 23) | (int(user_id) % 4096 << 10) | (i % 1024)
        media_type = {"clips": 2, "feed_video": 2, "image": 1, "carousel": 8}[kind]
        product_type = {"clips": "clips", "feed_video": "feed", "image": "feed",
                        "carousel": "carousel_container"}[kind]
        is_video = media_type == 2
        plays = int(spec.median_plays * rng.lognormvariate(0, 0.55))
        if i in viral:
            plays *= rng.randint(6, 25)
        likes = max(0, int(plays * rng.uniform(0.015, 0.08))) if is_video else int(
            spec.followers * rng.uniform(0.01, 0.05))
        comments = max(0, int(likes * rng.uniform(0.005, 0.04)))
        play_count: int | None = None
        view_count: int | None = None
        duration: float | None = None
        if kind == "clips":
            play_count = plays
            view_count = int(plays * rng.uniform(0.35, 0.7)) if rng.random() < 0.5 else None
            duration = round(rng.uniform(6, 90), 3)
        elif kind == "feed_video":
            view_count = int(plays * rng.uniform(0.2, 0.6))
            duration = round(rng.uniform(10, 180), 3)
        likes_hidden = i in hidden
        like_count: int | None = likes
        if likes_hidden:
            # Instagram then gives 0 or a small, wrong number
            like_count = rng.choice([0, 0, 1, 3, 7])
        if spec.no_play_counts and kind == "clips":
            mode = i % 3
            if mode == 0:  # no play count, only a view count
                play_count, view_count = None, int(plays * rng.uniform(0.3, 0.6))
            elif mode == 1:  # neither
                play_count, view_count = None, None
        caption: str | None
        if spec.weird and kind == "clips":
            caption = next(weird_iter, None)
        elif spec.surrogate_caption and i == reel_positions[0]:
            caption = "Half an emoji \ud83d here #broken"  # an unpaired UTF-16 surrogate, as Instagram sends some
        else:
            caption = _caption(rng, tags) if rng.random() > 0.04 else None
        theme = None
        if spec.themes and kind == "clips":
            theme, caption = themed_caption(spec.username, i)
            play_count = int(play_count * PLAYS_MULTIPLE.get(theme, 1.0)) if play_count is not None else None
        media.append(SyntheticMedia(
            pk=str(pk), code=mediaid_to_shortcode(pk), media_type=media_type, product_type=product_type,
            taken_at=taken_at, caption=caption, like_count=like_count, likes_hidden=likes_hidden,
            comment_count=comments, play_count=play_count, view_count=view_count,
            video_duration=duration, pinned=i in pinned,
            thumbnail_url=cdn_image_url("media", str(pk)),
            context=_media_context(spec.username, pk, kind), theme=theme,
        ))
    media.sort(key=lambda m: (not m.pinned, -m.taken_at))
    return SyntheticProfile(
        username=spec.username, user_id=user_id, full_name=spec.full_name, biography=spec.biography,
        followers=spec.followers, following=spec.following, is_private=spec.is_private,
        is_verified=spec.is_verified,
        profile_pic_url=cdn_image_url("profile", user_id, host=spec.pic_host),
        media=tuple(media), is_business=spec.is_business,
    )


_SPECS = [
    _Spec("demo_creator", "Demo Creator", "Travel & food reels 🌍🍝 | collabs @demo_travel\n#travel #food",
          followers=184_300, following=612, reels=54, feed_videos=6, images=8, carousels=4, pinned=2,
          median_plays=42_000, viral=4, tags="creator", is_verified=True),
    _Spec("demo_travel", "Demo Travel", "Exploring the world one reel at a time ✈️ #travel",
          followers=52_800, following=340, reels=36, images=4, pinned=1, median_plays=15_000, viral=2,
          tags="travel", pic_host="instagram.flis5-1.fna.fbcdn.net"),
    _Spec("demo_food", "Demo Food Kitchen", "Quick recipes 🍝 new reel every day | @chef.marco",
          followers=1_240_000, following=88, reels=38, images=6, carousels=2, median_plays=310_000,
          viral=3, tags="food", is_verified=True),
    _Spec("demo_topics", "Demo Topics", "Cocina, viajes, gym & code | recetas en español y English",
          followers=96_500, following=420, reels=60, images=4, median_plays=24_000, themes=True),
    _Spec("empty_profile", "Empty Profile", "", followers=12, following=40),
    _Spec("few_posts", "Few Posts", "Just getting started", followers=230, following=180, reels=3,
          images=2, median_plays=800, tags="generic"),
    _Spec("big_creator", "Big Creator 📣", "Daily reels since forever #creator", followers=2_450_000,
          following=1_020, reels=280, feed_videos=20, images=70, carousels=30, pinned=3,
          median_plays=520_000, viral=12, tags="creator", is_verified=True),
    _Spec("feed_videos", "Feed Videos Mix", "Old-school feed videos and new reels", followers=9_400,
          following=510, reels=12, feed_videos=8, images=6, carousels=4, median_plays=6_000, viral=1,
          tags="travel"),
    _Spec("hidden_likes", "Hidden Likes", "I hide my like counts", followers=33_000, following=75,
          reels=15, images=2, median_plays=20_000, hidden_likes=6, tags="food"),
    _Spec("no_play_counts", "No Play Counts", "Counts come and go", followers=7_700, following=300,
          reels=14, images=1, median_plays=5_000, no_play_counts=True, tags="travel"),
    _Spec("weird_captions", "Wéird 名前 <b>Captions</b>", "Bio with <script>alert('x')</script> & émojis 🔥",
          followers=4_321, following=123, reels=len(_WEIRD_CAPTIONS), images=1, median_plays=3_000,
          weird=True),
    # Business accounts: live Instagram answers web_profile_info for many of them with HTTP 400.
    _Spec("demo_shop", "Demo Shop", "Handmade goods 🛍️ | shop the reels", followers=61_200, following=210,
          reels=26, feed_videos=2, images=10, carousels=3, pinned=1, median_plays=18_000, viral=1,
          tags="creator", is_business=True),
    _Spec("local_bakery", "Local Bakery", "Fresh bread daily 🥖", followers=3_900, following=150, reels=9,
          images=5, median_plays=2_500, tags="food", is_business=True),
    _Spec("broken_emoji", "Broken Emoji", "A caption cut in the middle of an emoji", followers=800,
          following=90, reels=3, images=1, median_plays=1_200, surrogate_caption=True),
    _Spec("private_account", "Private Account", "Friends only 🔒", followers=1_500, following=900,
          reels=20, images=5, median_plays=2_000, is_private=True),
]


@lru_cache(maxsize=1)
def _default() -> tuple[SyntheticProfile, ...]:
    return tuple(_build(spec) for spec in _SPECS)


def default_catalogue() -> dict[str, SyntheticProfile]:
    """A fresh dict (username -> profile) of the built-in synthetic profiles."""
    return {p.username: p for p in _default()}
