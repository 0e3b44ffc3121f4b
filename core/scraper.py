"""Fetching from Instagram through instaloader, returning plain frozen dataclasses.

Everything that can make an HTTP request (instaloader's lazy attributes included) happens inside
this module, under one lock: instaloader is not thread-safe, and all jobs in a process share one
rate budget. What leaves this module is plain data that can never trigger a request.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Callable, Iterator

import instaloader
from instaloader import Post, Profile, RateController
from instaloader.exceptions import ProfileNotExistsException, QueryReturnedNotFoundException
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from core.config import Settings, load_settings
from core.errors import InstagramChanged, NetworkError, RateLimited, ReelScopeError, map_exception
from core.instagram_transport import redirect_instagram_to, take_retry_after

TRANSIENT_ERRORS = (RateLimited, NetworkError, InstagramChanged)
MAX_RETRY_AFTER_SECONDS = 3600.0

REEL_URL = "https://www.instagram.com/reel/{shortcode}/"
log = logging.getLogger("reelscope.scraper")


@dataclass(frozen=True)
class FetchedProfile:
    user_id: str
    username: str
    full_name: str | None
    biography: str | None
    followers: int | None
    following: int | None
    media_count: int | None
    is_private: bool
    is_verified: bool | None
    profile_pic_url: str | None


@dataclass(frozen=True)
class FetchedReel:
    media_id: str
    shortcode: str
    url: str
    thumbnail_url: str | None
    caption: str | None
    likes: int | None
    comments: int | None
    plays: int | None
    views: int | None
    posted_at: datetime
    duration: float | None
    product_type: str | None
    is_pinned: bool
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]


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


def profile_from_instaloader(profile: Profile) -> FetchedProfile:
    """Copy a Profile's fields into plain data (may trigger the profile's metadata request once).

    instaloader reads the legacy field names (``edge_followed_by`` …); where an answer carries only the
    newer names (``follower_count`` …), those are used, and a count found under neither stays None.
    """
    node = profile._node
    return FetchedProfile(
        user_id=str(profile.userid),
        username=profile.username.lower(),
        full_name=_optional(lambda: profile.full_name),  # type: ignore[arg-type]
        biography=_optional(lambda: profile.biography),  # type: ignore[arg-type]
        followers=_count(_first_known(lambda: profile.followers, lambda: node["follower_count"])),
        following=_count(_first_known(lambda: profile.followees, lambda: node["following_count"])),
        media_count=_count(_first_known(lambda: profile.mediacount, lambda: node["media_count"],
                                        lambda: node["all_media_count"])),
        is_private=bool(profile.is_private),
        is_verified=_optional(lambda: profile.is_verified),  # type: ignore[arg-type]
        profile_pic_url=_first_known(lambda: profile.profile_pic_url_no_iphone,  # type: ignore[arg-type]
                                     lambda: node["profile_pic_url"]),
    )


def _is_pinned(node: dict) -> bool:
    return any(bool(node.get(key)) for key in ("timeline_pinned_user_ids", "clips_tab_pinned_user_ids",
                                               "pinned_for_users")) or bool(node.get("is_pinned"))


def _likes(post: Post) -> int | None:
    node = post._node  # the full metadata; instaloader turns a missing like_count into 0
    if node.get("like_and_view_counts_disabled"):
        return None
    if "like_count" in node and node.get("like_count") is None:
        return None
    return _count(_optional(lambda: post.likes))


def _comments(post: Post) -> int | None:
    node = post._node
    if "comment_count" in node and node.get("comment_count") is None:
        return None
    return _count(_optional(lambda: post.comments))


def reel_from_instaloader(post: Post, listing_node: dict | None = None) -> FetchedReel:
    """Copy a video Post's fields into plain data. Hidden or missing counts become None, never 0.

    ``listing_node`` is the reel's entry in the reels tab, which carries the pin flags.
    """
    node = post._node
    listed_media = (listing_node or {}).get("media") or {}
    posted_at = post.date_utc.replace(tzinfo=UTC)
    return FetchedReel(
        media_id=str(post.mediaid),
        shortcode=post.shortcode,
        url=REEL_URL.format(shortcode=post.shortcode),
        thumbnail_url=_optional(lambda: post.url),  # type: ignore[arg-type]
        caption=post.caption,
        likes=_likes(post),
        comments=_comments(post),
        plays=_count(_optional(lambda: post.video_play_count)),
        views=_count(_optional(lambda: post.video_view_count)),
        posted_at=posted_at,
        duration=_optional(lambda: float(post.video_duration) if post.video_duration is not None else None),  # type: ignore[arg-type]
        product_type=node.get("product_type"),
        is_pinned=_is_pinned(node) or _is_pinned(listed_media),
        hashtags=tuple(post.caption_hashtags),
        mentions=tuple(post.caption_mentions),
    )


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
        self.loader = instaloader.Instaloader(
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
        """Log in with the stored session cookies, if any; return the username or None (anonymous)."""
        from core.instagram_session import InvalidSession, check_session, load_session

        cookies = load_session()
        if not cookies:
            return None
        try:
            username = check_session(cookies)
        except InvalidSession as exc:
            log.warning("stored Instagram session not used: %s", exc)
            return None
        with self.lock:
            self.context.update_cookies(cookies)
            self.context.username = username
        log.info("scraping logged in as a stored session")
        return username

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

    def fetch_profile(self, username: str, on_wait: WaitListener | None = None) -> Profile:
        """Resolve a username to an instaloader Profile (the profile page request)."""
        def resolve() -> Profile:
            try:
                return Profile.from_username(self.context, username)
            except ProfileNotExistsException:
                self._check_profile_missing(username)
                raise
        return self.call(resolve, on_wait)

    def _check_profile_missing(self, username: str) -> None:
        """instaloader reports "does not exist" for any profile page lacking the profile. Only a 404, or a page
        whose embedded data has no such user, means that; a page embedding nothing readable (or, on a second
        look, the profile after all) is an unexpected answer: InstagramChanged, retried, then ``bad_response``.
        Costs one more request, only when a profile looks missing."""
        try:
            page = self.context.get_page_data(f"{username.lower()}/")
        except QueryReturnedNotFoundException:
            return
        if not page or any((data.get("xig_user_by_username") or {}).get("pk") for data in page):
            raise InstagramChanged(detail=f"the profile page of {username!r} embeds no profile data")

    def open_reels(self, profile: Profile, on_wait: WaitListener | None = None) -> tuple[FetchedProfile, Iterator]:
        """Start the reels iterator (profile metadata + first page) and snapshot the profile.

        The iterator yields the reels tab's raw entries: instaloader would fetch each reel's
        details inside ``next()``, after advancing, so a failed detail request would lose that reel.
        Fetching the details in a separate step (exactly as instaloader does, with
        ``Post.from_shortcode``) makes both the page and the detail request safely retryable.
        """
        def start():
            iterator = profile.get_reels()
            iterator._node_wrapper = lambda node: node  # instaloader 4.16 NodeIterator internals
            iterator._is_first = None
            return profile_from_instaloader(profile), iterator
        return self.call(start, on_wait)

    def next_reel(self, iterator: Iterator[dict], on_wait: WaitListener | None = None) -> FetchedReel | None:
        """The next video post as plain data (a page request when needed, then its detail request)."""
        while True:
            node = self.call(lambda: next(iterator, None), on_wait)
            if node is None:
                return None
            shortcode = (node.get("media") or {}).get("code") or node.get("code") or node.get("shortcode")
            if not shortcode:
                raise InstagramChanged(detail=f"reels tab entry without a shortcode: {sorted(node)}")

            def details(code: str = shortcode, listing: dict = node) -> FetchedReel | None:
                post = Post.from_shortcode(self.context, code)
                return reel_from_instaloader(post, listing) if post.is_video else None

            reel = self.call(details, on_wait)
            if reel is not None:
                return reel


_client: InstagramClient | None = None
_client_lock = threading.Lock()


def get_client() -> InstagramClient:
    """The process-wide client, rebuilt when the Instagram-related settings change."""
    global _client
    settings = load_settings()
    with _client_lock:
        if _client is None or _client_settings_key(_client.settings) != _client_settings_key(settings):
            _client = InstagramClient(settings)
            _client.use_stored_session()
        return _client


def _client_settings_key(s: Settings) -> tuple:
    return (s.instagram_base_url, s.request_delay, s.rate_limit_scale, s.rate_budget_scale, s.max_attempts,
            s.request_timeout, s.retry_base_seconds, s.retry_max_seconds)


def reset_client() -> None:
    """Forget the process-wide client (e.g. after the login session changed); the next job builds a new one."""
    global _client
    with _client_lock:
        _client = None
