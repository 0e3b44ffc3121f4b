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
from typing import Callable, Iterator, Mapping

import instaloader
from instaloader import Post, Profile, RateController
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from core.domain.errors import (
    CapabilityRefused,
    InstagramChanged,
    LoginRequired,
    NetworkError,
    RateLimited,
    ReelScopeError,
    SoftBlocked,
)
from core.domain.fetched import FetchedProfile, FetchedReel
from core.instagram import queries
from core.instagram.error_mapping import map_exception, refusal_of
from core.instagram.reel_context import context_from_media
from core.instagram.routes import (
    CAPABILITY_NAMES,
    GRAPHQL_QUERY,
    POST_DETAIL,
    POSTS_LISTING,
    REELS_LISTING,
    ROUTES,
    SESSION_CHECK,
    WEB_APP,
    InMemoryRouteMemory,
    Refusal,
    Route,
    RouteMemory,
    RouteRefused,
    refused_capability_notice,
)
from core.instagram.session import session_file_version
from core.instagram.session_check import SessionCheck, check_viewer
from core.instagram.transport import redirect_instagram_to, take_retry_after, web_url
from core.observability.instagram_requests import record_rate_limit_wait
from core.settings import Settings, load_settings
from core.storage.route_refusals import shared_route_memory

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
        # a picture that is not a web URL (a local path, file:, javascript:) is stored as unknown
        profile_pic_url=web_url(_first_known(lambda: node["profile_pic_url_hd"],
                                             lambda: _in_node(node, "hd_profile_pic_url_info", "url"),
                                             lambda: node["profile_pic_url"],
                                             lambda: profile.profile_pic_url_no_iphone)),
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
        thumbnail_url=web_url(_thumbnail(media)),  # a local path or file: URL is stored as unknown
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

    ``session_expired``: a stored session existed, but Instagram said it is not logged in, so the analysis ran
    anonymously. ``anonymous_because``: any other reason a stored session was not used (Instagram refused every
    route of a signed-in capability, or the session could not be checked), as one sentence.
    """

    username: str | None = None
    session_expired: bool = False
    anonymous_because: str | None = None

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
        return self.anonymous_because


def session_not_used_notice(status: SessionCheck) -> str:
    """The sentence an anonymous analysis carries when the stored session was not used, by the check's state."""
    if status.state == "refused":
        return refused_capability_notice(SESSION_CHECK)
    return ("Instagram could not be asked whether the stored session works "
            f"({status.reason}), so this analysis ran anonymously and plays are missing.")


@dataclass
class ReelListing:
    """The listing an analysis pages through: raw media dicts from the reels tab or the posts timeline.

    ``context``: the instaloader context the listing (and its detail requests) uses.
    """

    nodes: Iterator[dict]
    source: str  # "reels_tab" | "timeline"
    access: Access
    context: object = None
    detail_requests: int = 0
    detail_requests_by_field: Counter = field(default_factory=Counter)
    # Called (outside the lock) once every node of a listing page has been read, before the next page is asked
    # for: the pipeline stores the page's reels then (core.jobs.reel_pages).
    on_page_end: Callable[[], None] | None = None
    # A signed-in listing's way on when Instagram refuses every signed-in listing route after it started: the
    # anonymous listing of the same profile (next_reel switches to it, skipping the reels already read).
    fallback: Callable[[], ReelListing] | None = None
    # Set when that happened: the one sentence the analysis then carries.
    switched_notice: str | None = None

    def page_served(self) -> bool:
        """Whether every node of the current listing page has been read (so the next read asks for a page).
        Known for instaloader's NodeIterator (from its public ``freeze()``); False for other iterators."""
        freeze = getattr(self.nodes, "freeze", None)
        if freeze is None or not getattr(self.nodes, "total_index", 0):
            return False
        remaining = freeze().remaining_data  # the page's nodes from the last one read on
        return remaining is not None and len(remaining.get("edges") or ()) <= 1

    @property
    def current_source(self) -> str:
        return getattr(self.nodes, "source", None) or self.source


Opener = Callable[[], Iterator[dict]]


@dataclass
class ListingStage:
    """One capability of a listing (reels listing, posts listing) with a step per route name."""

    capability: str
    source: str
    openers: dict[str, Opener]


class RoutedNodes:
    """Media dicts from the first route that answers, stage by stage; when Instagram refuses the route in use
    (at the first page or mid-run), the next route continues at once, skipping the entries already given.

    Raises ListingUnavailable when a listing answers null, SoftBlocked when every route of a stage was refused
    with feedback_required before the session ever answered, and CapabilityRefused when every stage was refused.
    """

    def __init__(self, client: InstagramClient, stages: list[ListingStage],
                 on_wait: WaitListener | None = None) -> None:
        self._client = client
        self._stages = list(stages)
        self._on_wait = on_wait
        self._routes: list[Route] = []
        self._refused: list[Refusal] = []
        self._stage: ListingStage | None = None
        self._current: Iterator[dict] | None = None
        self._seen: set[str] = set()
        self.refused_capabilities: list[str] = []
        self.route: Route | None = None
        self.source: str | None = None
        self._open_next()

    def _next_stage(self) -> None:
        if self._stage is not None:
            self.refused_capabilities.append(self._stage.capability)
            error = self._client.refused_on_every_route(self._stage.capability, self._refused)
            if isinstance(error, SoftBlocked) or not self._stages:
                raise error
        self._stage = self._stages.pop(0)
        self.source = self._stage.source
        self._routes = self._client.usable_routes(self._stage.capability, self._stage.openers)
        self._refused = []

    def _open_next(self) -> None:
        while True:
            if not self._routes:
                self._next_stage()
                continue
            route = self._routes.pop(0)
            try:
                self._current = self._client.on_route(route, self._stage.openers[route.name], self._on_wait)
            except RouteRefused as refused:
                self._refused.append(refused.refusal)
                continue
            self.route = route
            return

    def __iter__(self) -> RoutedNodes:
        return self

    @property
    def seen_codes(self) -> frozenset[str]:
        """The codes of the entries given so far."""
        return frozenset(self._seen)

    def __next__(self) -> dict:
        while True:
            try:
                node = next(self._current)
            except StopIteration:
                raise
            except Exception as exc:  # noqa: BLE001 - a refusal mid-run moves on; anything else propagates
                refusal = refusal_of(exc)
                if refusal is None or self.route is None:
                    raise
                log.warning("Instagram refused %s mid-run (%s); continuing on the next route",
                            self.route.key, refusal.summary)
                self._client.note_refusal(self.route, refusal)
                self._refused.append(refusal)
                self.route = None
                self._open_next()
                continue
            code = node.get("code") if isinstance(node, dict) else None
            if code is not None:
                if code in self._seen:
                    continue
                self._seen.add(code)
            return node


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
            record_rate_limit_wait(scaled)
            time.sleep(scaled)


WaitListener = Callable[[datetime, str], None]


class InstagramClient:
    """One instaloader instance per process, used under a lock; all jobs share its rate budget."""

    def __init__(self, settings: Settings | None = None, memory: RouteMemory | None = None) -> None:
        """``memory``: where refused routes are remembered (the store's, shared by every process, in production)."""
        self.settings = settings or load_settings()
        redirect_instagram_to(self.settings.instagram_base_url)
        self.lock = threading.RLock()
        self._wait_listener: WaitListener | None = None
        self.access = Access()
        self.memory: RouteMemory = memory or InMemoryRouteMemory(timedelta(hours=self.settings.route_skip_hours))
        self.session_answered = False  # a signed-in request succeeded: a feedback_required then means a retired route
        self._pending_refusals: list[tuple[Route, Refusal]] = []
        self._anonymous_loader: instaloader.Instaloader | None = None
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

        The session is checked as the web app checks it (``core.instagram.session_check``). A session Instagram
        says is not logged in is remembered (``access.session_expired``); one whose check was refused on every
        route, or could not be made, says so in its own sentence. Either way the analysis runs anonymously.
        """
        from core.instagram.session import load_session

        cookies = load_session()
        if not cookies:
            self.access = Access()
            return None
        with self.lock:
            self.context.update_cookies(cookies)
            status = check_viewer(self.context, self.memory)
            if status.works:
                self.context.username = status.username
                self.access = Access(username=status.username)
                self.session_answered = True
                log.info("scraping logged in as a stored session (checked over %s)", status.answered_by.name)
                return status.username
            log.warning("stored Instagram session not used: %s (%s)", status.state, status.reason)
            self.loader.close()
            self.loader = self._new_loader()
            if status.state == "expired":
                self.access = Access(session_expired=True)
            else:
                self.access = Access(anonymous_because=session_not_used_notice(status))
            return None

    def _session_still_valid(self) -> bool:
        """Ask Instagram again whether the session is logged in (a null signed-in listing can mean it expired);
        log out if Instagram says it is not."""
        if check_viewer(self.context, self.memory).state != "expired":
            return True
        log.warning("the stored Instagram session expired; continuing anonymously")
        self.loader.close()
        self.loader = self._new_loader()
        self.access = Access(session_expired=True)
        return False

    # --- routes -----------------------------------------------------------------------------------

    def usable_routes(self, capability: str, steps: Mapping[str, object]) -> list[Route]:
        """The capability's routes that have a step here, in order, leaving out those refused recently."""
        usable = []
        for route in ROUTES[capability]:
            if route.name not in steps:
                continue
            refused = self.memory.refused_since(route)
            if refused is not None:
                log.info("skipping %s: refused since %s (%s)", route.key, refused[0].isoformat(), refused[1].summary)
                continue
            usable.append(route)
        return usable

    def note_refusal(self, route: Route, refusal: Refusal) -> None:
        """Remember a refused route in the store, or, for a feedback_required before the session ever answered
        (which may be a soft block rather than a retired route), once another route answers."""
        if refusal.feedback_required and not self.session_answered:
            self._pending_refusals.append((route, refusal))
        else:
            self.memory.remember(route, refusal)

    def note_answered(self) -> None:
        self.session_answered = True
        for route, refusal in self._pending_refusals:
            self.memory.remember(route, refusal)
        self._pending_refusals.clear()

    def on_route(self, route: Route, step: Callable[[], object], on_wait: WaitListener | None = None):
        """Run ``step`` over ``route`` (retrying transient faults); RouteRefused when Instagram refuses the route."""
        def attempt():
            try:
                return step()
            except Exception as exc:
                refusal = refusal_of(exc)
                if refusal is None:
                    raise
                raise RouteRefused(route, refusal) from exc
        try:
            result = self.call(attempt, on_wait)
        except RouteRefused as refused:
            log.warning("Instagram refused %s (%s); trying the next route", route.key, refused.refusal.summary)
            self.note_refusal(route, refused.refusal)
            raise
        self.note_answered()
        return result

    def refused_on_every_route(self, capability: str, refusals: list[Refusal]) -> ReelScopeError:
        """The error for a capability none of whose routes answered: soft-blocked when every route said
        feedback_required to a session that never answered, else a capability ReelScope must be updated for."""
        summary = "; ".join(refusal.summary for refusal in refusals) or "every route was refused recently"
        if refusals and not self.session_answered and all(refusal.feedback_required for refusal in refusals):
            return SoftBlocked(detail=f"{CAPABILITY_NAMES[capability]}: {summary}")
        self._pending_refusals.clear()
        return CapabilityRefused(f"Instagram refused the {CAPABILITY_NAMES[capability]} on every route ReelScope "
                                 "knows; ReelScope needs an update (`python -m core doctor` shows which route).",
                                 detail=summary)

    def through_routes(self, capability: str, steps: Mapping[str, Callable[[], object]],
                       on_wait: WaitListener | None = None):
        """The first answer among the capability's routes (see ``routes``); raises refused_on_every_route."""
        refusals = []
        for route in self.usable_routes(capability, steps):
            try:
                return self.on_route(route, steps[route.name], on_wait)
            except RouteRefused as refused:
                refusals.append(refused.refusal)
        raise self.refused_on_every_route(capability, refusals)

    def _report_wait(self, seconds: float, reason: BaseException | None = None) -> None:
        if self._wait_listener is not None:
            kind = reason.kind if isinstance(reason, ReelScopeError) else RateLimited.kind
            self._wait_listener(datetime.now(UTC) + timedelta(seconds=seconds), kind)

    def _attempt(self, step: Callable[[], object]):
        take_retry_after()
        try:
            return step()
        except (RouteRefused, queries.ListingUnavailable):
            raise
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

    def _anonymous_context(self):
        """An anonymous context beside the signed-in one, for an analysis that continues anonymously."""
        if self._anonymous_loader is None:
            self._anonymous_loader = self._new_loader()
        return self._anonymous_loader.context

    def _listing_stages(self, context, username: str, user_id: str, reels_tab: bool = True) -> list[ListingStage]:
        reels = ListingStage(REELS_LISTING, "reels_tab", {
            WEB_APP: lambda: queries.reels_tab(context, user_id, username, web_api=True),
            GRAPHQL_QUERY: lambda: queries.reels_tab(context, user_id, username, web_api=False)})
        posts = ListingStage(POSTS_LISTING, "timeline", {
            WEB_APP: lambda: queries.logged_in_timeline(context, username, web_api=True)})
        return [reels, posts] if reels_tab else [posts]

    def open_reels(self, page: queries.ProfilePage,
                   on_wait: WaitListener | None = None) -> tuple[FetchedProfile, ReelListing]:
        """Snapshot the profile (from its page; ``web_profile_info`` is never needed) and open its listing.

        Logged in: the reels tab, whose nodes are complete media dicts, over its routes (``routes``), then the
        signed-in posts timeline. Anonymous, or when the reels tab is null: the posts timeline, keeping its video
        posts. A logged-in session that gets a null reels tab is checked; if it expired, the analysis continues
        anonymously and says so. If Instagram refuses every signed-in route, the analysis continues anonymously
        and says which capability was refused.
        """
        snapshot = self.call(lambda: profile_from_instaloader(page.profile), on_wait)
        username, user_id = snapshot.username, snapshot.user_id
        if self.access.logged_in:
            try:
                nodes = self.call(lambda: RoutedNodes(self, self._listing_stages(self.context, username, user_id),
                                                      on_wait), on_wait)
                listing = ReelListing(nodes, nodes.source or "reels_tab", self.access, self.context)
                listing.fallback = lambda: self._anonymous_listing(snapshot, page, Access(
                    anonymous_because=refused_capability_notice(REELS_LISTING, POSTS_LISTING)), on_wait)[1]
                return snapshot, listing
            except (queries.ListingUnavailable, LoginRequired):
                log.info("the signed-in reels tab of %s is null; checking the session", username)
            except CapabilityRefused as refused:
                log.warning("signed-in listings refused on every route (%s); continuing anonymously", refused.detail)
                return self._anonymous_listing(snapshot, page, Access(anonymous_because=refused_capability_notice(
                    REELS_LISTING, POSTS_LISTING)), on_wait)
            if self.call(self._session_still_valid, on_wait):
                try:
                    nodes = self.call(lambda: RoutedNodes(
                        self, self._listing_stages(self.context, username, user_id, reels_tab=False), on_wait), on_wait)
                    listing = ReelListing(nodes, "timeline", self.access, self.context)
                    listing.fallback = lambda: self._anonymous_listing(snapshot, page, Access(
                        anonymous_because=refused_capability_notice(POSTS_LISTING)), on_wait)[1]
                    return snapshot, listing
                except CapabilityRefused:
                    return self._anonymous_listing(snapshot, page, Access(anonymous_because=refused_capability_notice(
                        POSTS_LISTING)), on_wait)
            return self._anonymous_listing(snapshot, page, self.access, on_wait)
        try:
            nodes = self.call(lambda: RoutedNodes(self, self._listing_stages(self.context, username, user_id)[:1],
                                                  on_wait), on_wait)
            return snapshot, ReelListing(nodes, "reels_tab", self.access, self.context)
        except (queries.ListingUnavailable, LoginRequired, CapabilityRefused):
            log.info("the reels tab of %s is unavailable anonymously; listing the posts timeline", username)
        return self._anonymous_listing(snapshot, page, self.access, on_wait, self.context)

    def _anonymous_listing(self, snapshot: FetchedProfile, page: queries.ProfilePage, access: Access,
                           on_wait: WaitListener | None, context=None) -> tuple[FetchedProfile, ReelListing]:
        context = context if context is not None else (
            self.context if not self.context.is_logged_in else self._anonymous_context())
        nodes = self.call(lambda: queries.logged_out_timeline(context, snapshot.username, page), on_wait)
        return snapshot, ReelListing(nodes, "timeline", access, context)

    def media_detail(self, context, code: str, on_wait: WaitListener | None = None) -> dict | None:
        """A post's full media dict over the post-detail routes (``routes``)."""
        return self.through_routes(POST_DETAIL, {
            WEB_APP: lambda: queries.media_detail(context, code, web_api=True),
            GRAPHQL_QUERY: lambda: queries.media_detail(context, code, web_api=False)}, on_wait)

    def _continue_anonymously(self, listing: ReelListing, refused: CapabilityRefused) -> None:
        """Instagram refused every signed-in listing route after the listing started: go on with the profile's
        anonymous listing, skipping what was read, and note it on the listing (plays of the rest are withheld)."""
        seen = getattr(listing.nodes, "seen_codes", frozenset())
        log.warning("signed-in listings refused on every route after %d posts (%s); continuing anonymously",
                    len(seen), refused.detail)
        anonymous = listing.fallback()
        listing.fallback = None
        listing.nodes = SkippingSeen(anonymous.nodes, seen)
        listing.source, listing.access, listing.context = anonymous.source, anonymous.access, anonymous.context
        listing.switched_notice = _continue_anonymously_notice(len(seen))

    def next_reel(self, listing: ReelListing, on_wait: WaitListener | None = None) -> FetchedReel | None:
        """The listing's next video post as plain data.

        Every field is read from the listing node; a detail request is made only when the node lacks a
        field (other than those Instagram withholds from this access), and is counted per field.
        """
        context = listing.context if listing.context is not None else self.context
        while True:
            if listing.on_page_end is not None and listing.page_served():
                listing.on_page_end()
            try:
                media = self.call(lambda: next(listing.nodes, None), on_wait)
            except CapabilityRefused as refused:
                if listing.fallback is None:
                    raise
                self._continue_anonymously(listing, refused)
                context = listing.context
                continue
            if media is None:
                return None
            kind = video_kind(media)
            if kind is None and listing.current_source == "reels_tab":
                kind = True  # the reels tab lists videos only
            if kind is False:
                continue
            missing = missing_fields(media, listing.access.withheld) + (["media_type"] if kind is None else [])
            if missing:
                code = media.get("code")
                if not code:
                    raise InstagramChanged(detail=f"listing entry without a code: {sorted(media)}")
                detail = self.media_detail(context, code, on_wait)
                listing.detail_requests += 1
                listing.detail_requests_by_field.update(missing)
                log.info("detail request for %s: the listing lacks %s", code, ", ".join(missing))
                if detail is None:
                    log.warning("post %s is listed but has no details (deleted?); skipped", code)
                    continue
                media = {**detail, **media}
            final = video_kind(media)
            if final or (final is None and kind):
                return reel_from_media(media, context)


def _continue_anonymously_notice(read: int) -> str:
    return (f"Instagram refused the signed-in listing of this profile on every route ReelScope knows after "
            f"{read} posts, so the rest were read anonymously and their plays are missing; ReelScope needs an "
            "update (`python -m core doctor` shows which route was refused).")


class SkippingSeen:
    """A listing's entries without those whose code is in ``seen`` (read before a switch of listing); keeps the
    wrapped NodeIterator's page boundaries readable (``freeze``, ``total_index``) for ReelListing.page_served."""

    def __init__(self, nodes: Iterator[dict], seen: frozenset[str]) -> None:
        self._nodes, self._seen = nodes, seen

    def __iter__(self) -> SkippingSeen:
        return self

    def __next__(self) -> dict:
        while True:
            node = next(self._nodes)
            if not (isinstance(node, dict) and node.get("code") in self._seen):
                return node

    def __getattr__(self, name: str):  # freeze, total_index, source: the wrapped iterator's
        return getattr(self._nodes, name)


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


_anonymous_client: InstagramClient | None = None  # for analyses asked to run anonymously (never logs in)


def get_client(anonymous: bool = False) -> InstagramClient:
    """The process-wide client, rebuilt when the Instagram-related settings or the stored session change;
    ``anonymous``: the process-wide client that never uses the stored session."""
    global _client, _client_session, _anonymous_client
    settings = load_settings()
    if anonymous:
        with _client_lock:
            if _anonymous_client is None or \
                    _client_settings_key(_anonymous_client.settings) != _client_settings_key(settings):
                _anonymous_client = InstagramClient(settings)
            return _anonymous_client
    session = session_file_version()
    with _client_lock:
        if (_client is None or _client_settings_key(_client.settings) != _client_settings_key(settings)
                or session != _client_session):
            _client = InstagramClient(settings, shared_route_memory())
            _client.use_stored_session()
            _client_session = session
        return _client


def _client_settings_key(s: Settings) -> tuple:
    return (s.instagram_base_url, s.request_delay, s.rate_limit_scale, s.rate_budget_scale, s.max_attempts,
            s.request_timeout, s.retry_base_seconds, s.retry_max_seconds)


def reset_client() -> None:
    """Forget the process-wide client (e.g. after the login session changed); the next job builds a new one."""
    global _client, _anonymous_client
    with _client_lock:
        _client = None
        _anonymous_client = None
