"""Fetching from Instagram through instaloader, returning plain frozen dataclasses.

Everything that can make an HTTP request (instaloader's lazy attributes and the queries of
``core.instagram.queries`` included) happens inside this module, under one lock: instaloader is not
thread-safe, and all jobs in a process share one rate budget. What leaves this module is plain data
that can never trigger a request.

Every reel field is read from the listing node (the reels tab logged in, the posts timeline anonymously
or when the reels tab is null); a post's details are requested only for a field its node lacks, except
fields Instagram withholds from anonymous visitors (plays, views), which no request would bring.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Callable, Iterator

import instaloader
from instaloader import LoginRequiredException, Post, Profile, RateController
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from core.domain.errors import InstagramChanged, NetworkError, RateLimited, ReelScopeError
from core.domain.fetched import FetchedProfile, FetchedReel
from core.instagram import queries
from core.instagram.error_mapping import map_exception
from core.instagram.reel_context import context_from_media
from core.instagram.session import session_file_version
from core.instagram.transport import redirect_instagram_to, take_retry_after
from core.settings import Settings, load_settings

TRANSIENT_ERRORS = (RateLimited, NetworkError, InstagramChanged)
MAX_RETRY_AFTER_SECONDS = 3600.0

REEL_URL = "https://www.instagram.com/reel/{shortcode}/"
log = logging.getLogger("reelscope.scraper")

# Export field names Instagram does not send to anonymous visitors (instaloader #2735, yt-dlp PR #17213).
WITHHELD_FROM_ANONYMOUS = ("plays", "views")
# Reel field -> the media dict key it is read from; a listing node lacking one costs a detail request.
LISTING_FIELDS = {"posted_at": "taken_at", "caption": "caption", "likes": "like_count",
                  "comments": "comment_count", "plays": "play_count", "views": "view_count",
                  "duration": "video_duration"}
SESSION_EXPIRED_NOTICE = "Your Instagram session expired; this analysis ran anonymously, so plays are missing."
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str | None) -> str | None:
    """Text as Instagram sent it, except unpaired UTF-16 surrogates, which become U+FFFD (they cannot be stored)."""
    return _LONE_SURROGATE.sub("\ufffd", text) if text else text


def _count(value: object) -> int | None:
    """A count Instagram reported, or None when it is absent or a placeholder (negative)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _optional(getter: Callable[[], object]) -> object:
    try:
        return getter()
    except (KeyError, TypeError):
        return None


def _first_known(*getters: Callable[[], object]) -> object:
    """The first value a getter finds (instaloader's property first, then the raw field names)."""
    for getter in getters:
        value = _optional(getter)
        if value is not None:
            return value
    return None


def _in_node(node: dict, *path: str) -> object:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def profile_from_instaloader(profile: Profile) -> FetchedProfile:
    """Copy a Profile's fields into plain data.

    The fields the profile page already carries (legacy names such as ``edge_followed_by`` or newer ones
    such as ``follower_count``) are read first, so no request is made for them; only a field found under
    neither asks instaloader, which may fetch the profile's metadata once. A count found nowhere stays None.
    """
    node = profile._node
    return FetchedProfile(
        user_id=str(profile.userid),
        username=profile.username.lower(),
        full_name=clean_text(_optional(lambda: profile.full_name)),  # type: ignore[arg-type]
        biography=clean_text(_optional(lambda: profile.biography)),  # type: ignore[arg-type]
        followers=_count(_first_known(lambda: _in_node(node, "edge_followed_by", "count"),
                                      lambda: node["follower_count"], lambda: profile.followers)),
        following=_count(_first_known(lambda: _in_node(node, "edge_follow", "count"),
                                      lambda: node["following_count"], lambda: profile.followees)),
        media_count=_count(_first_known(lambda: _in_node(node, "edge_owner_to_timeline_media", "count"),
                                        lambda: node["media_count"], lambda: node["all_media_count"],
                                        lambda: profile.mediacount)),
        is_private=bool(profile.is_private),
        is_verified=_optional(lambda: profile.is_verified),  # type: ignore[arg-type]
        profile_pic_url=_first_known(lambda: node["profile_pic_url_hd"],  # type: ignore[arg-type]
                                     lambda: _in_node(node, "hd_profile_pic_url_info", "url"),
                                     lambda: node["profile_pic_url"], lambda: profile.profile_pic_url_no_iphone),
    )


def _is_pinned(node: dict) -> bool:
    return any(bool(node.get(key)) for key in ("timeline_pinned_user_ids", "clips_tab_pinned_user_ids",
                                               "pinned_for_users")) or bool(node.get("is_pinned"))


def _caption_text(media: dict) -> str | None:
    caption = media.get("caption")
    if isinstance(caption, dict):
        caption = caption.get("text")
    return caption if isinstance(caption, str) else None


def _thumbnail(media: dict) -> str | None:
    candidates = (media.get("image_versions2") or {}).get("candidates") or []
    if candidates and isinstance(candidates[0], dict) and candidates[0].get("url"):
        return candidates[0]["url"]
    return next((media[key] for key in ("display_uri", "display_url", "thumbnail_url")
                 if isinstance(media.get(key), str)), None)


def video_kind(media: dict) -> bool | None:
    """Whether a media dict is a video: from media_type, else product_type, else its video fields;
    None when it does not say (a timeline node that carries only a code)."""
    media_type = media.get("media_type")
    if media_type is not None:
        return media_type == 2
    product_type = media.get("product_type")
    if product_type in ("clips", "carousel_container"):
        return product_type == "clips"
    for key in ("video_versions", "video_duration"):
        if key in media:
            return bool(media[key])
    return None


def reel_from_media(media: dict, context) -> FetchedReel:
    """Copy a video's media dict (listing node or detail answer) into plain data; no request is made.

    Hidden or missing counts become None, never 0. Caption, hashtags and mentions come from instaloader's
    ``Post`` (built on the caption alone), so they are exactly what instaloader would give. The per-reel
    context (collaborators, sponsorship, place, audio) comes from ``core.instagram.reel_context``.
    """
    caption_post = Post(context, {"shortcode": media["code"], "caption": _caption_text(media)})
    caption = caption_post.caption
    likes_hidden = bool(media.get("like_and_view_counts_disabled"))
    duration = media.get("video_duration")
    return FetchedReel(
        media_id=str(media["pk"]).split("_")[0],
        shortcode=media["code"],
        url=REEL_URL.format(shortcode=media["code"]),
        thumbnail_url=_thumbnail(media),
        caption=clean_text(caption),
        likes=None if likes_hidden else _count(media.get("like_count")),
        comments=_count(media.get("comment_count")),
        plays=_count(media.get("play_count")),
        views=_count(media.get("view_count")),
        posted_at=datetime.fromtimestamp(int(media["taken_at"]), UTC),
        duration=float(duration) if isinstance(duration, (int, float)) and not isinstance(duration, bool) else None,
        product_type=media.get("product_type"),
        is_pinned=_is_pinned(media),
        hashtags=tuple(clean_text(t) for t in caption_post.caption_hashtags),
        mentions=tuple(clean_text(m) for m in caption_post.caption_mentions),
        **{name: clean_text(value) if isinstance(value, str) else value
           for name, value in context_from_media(media).items()},
    )


def missing_fields(media: dict, withheld: tuple[str, ...]) -> list[str]:
    """The reel fields a media dict lacks (key absent, not null), leaving out those withheld from this access."""
    return [name for name, key in LISTING_FIELDS.items() if key not in media and name not in withheld]


@dataclass(frozen=True)
class Access:
    """How an analysis reached Instagram: anonymously, or logged in as ``username``.

    ``session_expired``: a stored session existed, but Instagram no longer accepted it, so the analysis
    ran anonymously.
    """

    username: str | None = None
    session_expired: bool = False

    @property
    def logged_in(self) -> bool:
        return self.username is not None

    @property
    def label(self) -> str:
        return f"logged in as @{self.username}" if self.username else "anonymous"

    @property
    def withheld(self) -> tuple[str, ...]:
        """Export fields Instagram withholds from this access (never worth a detail request)."""
        return () if self.logged_in else WITHHELD_FROM_ANONYMOUS

    @property
    def notice(self) -> str | None:
        if self.session_expired:
            return SESSION_EXPIRED_NOTICE
        return None


@dataclass
class ReelListing:
    """The listing an analysis pages through: raw media dicts from the reels tab or the posts timeline."""

    nodes: Iterator[dict]
    source: str  # "reels_tab" | "timeline"
    access: Access
    detail_requests: int = 0
    detail_requests_by_field: Counter = field(default_factory=Counter)
    # Called (outside the lock) once every node of a listing page has been read, before the next page is asked
    # for: the pipeline stores the page's reels then (core.jobs.reel_pages).
    on_page_end: Callable[[], None] | None = None

    def page_served(self) -> bool:
        """Whether every node of the current listing page has been read (so the next read asks for a page).
        Known for instaloader's NodeIterator (from its public ``freeze()``); False for other iterators."""
        freeze = getattr(self.nodes, "freeze", None)
        if freeze is None or not getattr(self.nodes, "total_index", 0):
            return False
        remaining = freeze().remaining_data  # the page's nodes from the last one read on
        return remaining is not None and len(remaining.get("edges") or ()) <= 1


class WaitReportingRateController(RateController):
    """instaloader's RateController that reports each wait (for "resumes at HH:MM") and can be scaled.

    ``scale`` multiplies every wait: 1.0 in production; tests and benchmarks use a tiny value so that
    the budget's bookkeeping is real but nobody sleeps for minutes.
    """

    def __init__(self, context, scale: float, on_wait: Callable[[float], None], budget_scale: float = 1.0) -> None:
        super().__init__(context)
        self._scale = scale
        self._on_wait = on_wait
        self._budget_scale = budget_scale
        self.waits = 0

    def count_per_sliding_window(self, query_type: str) -> int:
        """instaloader's requests per 11-minute window, optionally scaled (a smaller budget for tests)."""
        return max(1, int(super().count_per_sliding_window(query_type) * self._budget_scale))

    def sleep(self, secs: float) -> None:
        scaled = max(0.0, secs * self._scale)
        self.waits += 1
        if secs > 1 and scaled > 0:  # a wait scaled to nothing is not waited: no "resumes at" write per request
            self._on_wait(scaled)
        if scaled > 0:
            time.sleep(scaled)


WaitListener = Callable[[datetime, str], None]


class InstagramClient:
    """One instaloader instance per process, used under a lock; all jobs share its rate budget."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        redirect_instagram_to(self.settings.instagram_base_url)
        self.lock = threading.RLock()
        self._wait_listener: WaitListener | None = None
        self.access = Access()
        self.loader = self._new_loader()

    def _new_loader(self) -> instaloader.Instaloader:
        return instaloader.Instaloader(
            sleep=self.settings.request_delay,
            quiet=True,
            download_pictures=False, download_videos=False, download_video_thumbnails=False,
            download_geotags=False, download_comments=False, save_metadata=False, compress_json=False,
            max_connection_attempts=1,
            request_timeout=self.settings.request_timeout,
            rate_controller=lambda ctx: WaitReportingRateController(ctx, self.settings.rate_limit_scale,
                                                                    self._report_wait,
                                                                    self.settings.rate_budget_scale),
        )

    @property
    def context(self):
        return self.loader.context

    def use_stored_session(self) -> str | None:
        """Log in with the stored session cookies, if any; return the username or None (anonymous).

        A stored session Instagram no longer accepts is remembered (``access.session_expired``), so every
        analysis says it ran anonymously because of it, rather than sliding silently into anonymous mode.
        """
        from core.instagram.session import InvalidSession, check_session, load_session

        cookies = load_session()
        if not cookies:
            self.access = Access()
            return None
        try:
            username = check_session(cookies)
        except InvalidSession as exc:
            log.warning("stored Instagram session not used: %s", exc)
            self.access = Access(session_expired=True)
            return None
        with self.lock:
            self.context.update_cookies(cookies)
            self.context.username = username
            self.access = Access(username=username)
        log.info("scraping logged in as a stored session")
        return username

    def _session_still_valid(self) -> bool:
        """Ask Instagram whether the session still logs in (instaloader's ``test_login``); log out if not."""
        if self.loader.test_login():
            return True
        log.warning("the stored Instagram session expired; continuing anonymously")
        self.loader.close()
        self.loader = self._new_loader()
        self.access = Access(session_expired=True)
        return False

    def _report_wait(self, seconds: float, reason: BaseException | None = None) -> None:
        if self._wait_listener is not None:
            kind = reason.kind if isinstance(reason, ReelScopeError) else RateLimited.kind
            self._wait_listener(datetime.now(UTC) + timedelta(seconds=seconds), kind)

    def _attempt(self, step: Callable[[], object]):
        take_retry_after()
        try:
            return step()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a typed ReelScope error
            error = map_exception(exc)
            error.retry_after = take_retry_after()  # type: ignore[attr-defined]
            raise error from exc

    def _wait_seconds(self, state: RetryCallState) -> float:
        """Exponential backoff with jitter, but never shorter than Instagram's Retry-After."""
        base = self.settings.retry_base_seconds
        backoff = wait_exponential_jitter(multiplier=base, max=self.settings.retry_max_seconds, jitter=base)(state)
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            backoff = max(backoff, min(retry_after, MAX_RETRY_AFTER_SECONDS) * self.settings.rate_limit_scale)
        return backoff

    def _before_retry_sleep(self, state: RetryCallState) -> None:
        seconds = state.next_action.sleep if state.next_action else 0.0
        error = state.outcome.exception() if state.outcome else None
        log.info("retrying after %s in %.1fs (attempt %d)", getattr(error, "kind", error), seconds,
                 state.attempt_number)
        self._report_wait(seconds, error)

    def call(self, step: Callable[[], object], on_wait: WaitListener | None = None, retry: bool = True):
        """Run one instaloader step under the lock; transient faults are retried with backoff.

        instaloader itself makes one attempt per request (``max_connection_attempts=1``), so retries
        are not doubled; its RateController still spaces every request within the shared budget.
        """
        with self.lock:
            self._wait_listener = on_wait
            try:
                retrying = Retrying(
                    stop=stop_after_attempt(self.settings.max_attempts if retry else 1),
                    wait=self._wait_seconds,
                    retry=retry_if_exception(lambda e: isinstance(e, TRANSIENT_ERRORS)),
                    before_sleep=self._before_retry_sleep,
                    reraise=True,
                )
                return retrying(self._attempt, step)
            finally:
                self._wait_listener = None

    def fetch_profile(self, username: str, on_wait: WaitListener | None = None) -> queries.ProfilePage:
        """Resolve a username to its profile page (one request): the Profile and its first timeline page."""
        return self.call(lambda: queries.profile_page(self.context, username), on_wait)

    def open_reels(self, page: queries.ProfilePage,
                   on_wait: WaitListener | None = None) -> tuple[FetchedProfile, ReelListing]:
        """Snapshot the profile (from its page; ``web_profile_info`` is never needed) and open its listing.

        Logged in: the reels tab, whose nodes are complete media dicts. Anonymous, or whenever the reels
        tab is null or asks to log in: the posts timeline, keeping its video posts. A logged-in session
        that gets a null reels tab is checked; if it expired, the analysis continues anonymously and says so.
        """
        snapshot = self.call(lambda: profile_from_instaloader(page.profile), on_wait)
        username, user_id = snapshot.username, snapshot.user_id

        def reels_tab() -> Iterator[dict] | None:
            try:
                return queries.reels_tab(self.context, user_id, username)
            except (queries.ListingUnavailable, LoginRequiredException):
                return None

        nodes = self.call(reels_tab, on_wait)
        if nodes is not None:
            return snapshot, ReelListing(nodes, "reels_tab", self.access)
        log.info("the reels tab of %s is unavailable (%s); listing the posts timeline", username, self.access.label)
        if self.access.logged_in and self.call(self._session_still_valid, on_wait):
            nodes = self.call(lambda: queries.logged_in_timeline(self.context, username), on_wait)
        else:
            nodes = self.call(lambda: queries.logged_out_timeline(self.context, username, page), on_wait)
        return snapshot, ReelListing(nodes, "timeline", self.access)

    def next_reel(self, listing: ReelListing, on_wait: WaitListener | None = None) -> FetchedReel | None:
        """The listing's next video post as plain data.

        Every field is read from the listing node; a detail request is made only when the node lacks a
        field (other than those Instagram withholds from this access), and is counted per field.
        """
        while True:
            if listing.on_page_end is not None and listing.page_served():
                listing.on_page_end()
            media = self.call(lambda: next(listing.nodes, None), on_wait)
            if media is None:
                return None
            kind = video_kind(media)
            if kind is None and listing.source == "reels_tab":
                kind = True  # the reels tab lists videos only
            if kind is False:
                continue
            missing = missing_fields(media, listing.access.withheld) + (["media_type"] if kind is None else [])
            if missing:
                code = media.get("code")
                if not code:
                    raise InstagramChanged(detail=f"listing entry without a code: {sorted(media)}")
                detail = self.call(lambda code=code: queries.media_detail(self.context, code), on_wait)
                listing.detail_requests += 1
                listing.detail_requests_by_field.update(missing)
                log.info("detail request for %s: the listing lacks %s", code, ", ".join(missing))
                if detail is None:
                    log.warning("post %s is listed but has no details (deleted?); skipped", code)
                    continue
                media = {**detail, **media}
            final = video_kind(media)
            if final or (final is None and kind):
                return reel_from_media(media, self.context)


def withheld_fields(reels: list[FetchedReel], access: Access) -> list[str]:
    """Export fields Instagram withheld from an analysis: those no reel has (or, without reels, those
    it withholds from this access)."""
    if not reels:
        return list(access.withheld)
    return [name for name in ("likes", "comments", "plays", "views")
            if all(getattr(reel, name) is None for reel in reels)]


_client: InstagramClient | None = None
_client_session: tuple | None = None  # the session file version the client was built with
_client_lock = threading.Lock()


def get_client() -> InstagramClient:
    """The process-wide client, rebuilt when the Instagram-related settings or the stored session change."""
    global _client, _client_session
    settings = load_settings()
    session = session_file_version()
    with _client_lock:
        if (_client is None or _client_settings_key(_client.settings) != _client_settings_key(settings)
                or session != _client_session):
            _client = InstagramClient(settings)
            _client.use_stored_session()
            _client_session = session
        return _client


def _client_settings_key(s: Settings) -> tuple:
    return (s.instagram_base_url, s.request_delay, s.rate_limit_scale, s.rate_budget_scale, s.max_attempts,
            s.request_timeout, s.retry_base_seconds, s.retry_max_seconds)


def reset_client() -> None:
    """Forget the process-wide client (e.g. after the login session changed); the next job builds a new one."""
    global _client
    with _client_lock:
        _client = None
