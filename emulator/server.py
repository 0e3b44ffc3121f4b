"""A local HTTP server that answers like Instagram does to instaloader 4.16, anonymous or logged in.

Requests arrive with the original host in the ``Host`` header (see ``core.instagram.transport``),
so routing is by host and path: ``www.instagram.com`` pages and APIs, ``i.instagram.com`` (the
mobile API, which refuses anonymous use), and CDN hosts (``*.cdninstagram.com``, ``*.fbcdn.net``)
that serve small valid images. ``/__emulator__/…`` is the emulator's own control API.

How live Instagram answers (2025-2026), modelled here by default, with the public source of each:

1. Anonymous visitors get no play or view counts; logged-in sessions get them. instaloader issue #2735,
   yt-dlp PR #17213 ("Unauthenticated endpoints do not return these fields").
2. The reels-tab connection ``xdt_api__v1__clips__user__connection_v2`` (doc_id 7845543455542541) is
   null for anonymous visitors: instaloader 4.16's own comment in ``Post.video_play_count``.
3. ``api/v1/users/web_profile_info/`` answers HTTP 400 "ig_business_category_subvertical has been deleted"
   for business accounts: instaloader issues #2724 and #2731.
4. Logged-in listings (the reels tab, and the posts timeline
   ``xdt_api__v1__feed__user_timeline_graphql_connection``) carry complete media dicts (code, pk, taken_at,
   caption, like/comment/play/view counts, video_duration, product_type, pin flags,
   like_and_view_counts_disabled): instaloader PR #2718 and issue #2601. The logged-out posts timeline
   carries only each post's code (instaloader 4.16 fetches every post's details from it).
5. Failures users report, as faults to inject: 401 "Please wait a few minutes" (``401_wait``), 403 on
   graphql/query (``403``), 400 "feedback_required" (``feedback_required``, a soft-blocked account:
   instaloader raises AbortDownloadException), and 400 for a retired doc_id (``retired_doc_id``; instaloader's
   own comment in ``Profile.get_posts`` lists doc_ids Instagram retired).

Logging in: a request is logged in when its ``sessionid`` cookie (or, on ``i.instagram.com``, the
``Authorization: Bearer IGT:2:…`` token instaloader derives from it) names a known session. Built in:
``reelscope-demo-session`` logs in as ``demo_viewer``. ``reelscope-expired-session`` (and any unknown value)
is answered as a logged-out visitor, as live Instagram answers an expired session. Logged in, instaloader
4.16 fetches the profile page anonymously, then the profile query (doc_id 27937681195819736 on
graphql/query), ``i.instagram.com/api/v1/users/<id>/info/`` for the HD profile picture, the start page for
the ``fb_dtsg`` token of the posts query (doc_id 29104886249145907 on api/graphql), detail requests on
graphql/query (doc_id 27128499623469141), and ``test_login`` (GET graphql/query, query_hash
d6f4427fbe92d846298cf93df0b937d3): all are answered.

Eras (``EmulatorServer(era=...)``, CLI ``--era``): ``2026-11`` (the newest, the default, and what demo mode
uses) answers as Instagram does since late October 2026; ``2026-09`` as it answered before. What ``2026-11``
changes, each with its public source:

6. Every signed-in request to ``graphql/query`` (any doc_id or query_hash, ``test_login``'s included) answers
   400 ``feedback_required``: instagram_monitor v4.2 release notes (2026-11-18), "Since the end of October 2026
   every signed-in check ... failed at the first request with 400 feedback_required on graphql/query".
   Profiles, post details, reels and the session check are served on ``api/graphql`` (same notes).
7. The anonymous profile lookup ``web_profile_info`` is gone (404): same notes, "Instagram removed the anonymous
   profile lookup".
8. Signed-in search answers 404: instagram_monitor v4.1 release notes (October 2026).

In every era ``api/graphql`` wants the web app's tokens: the start page's ``lsd`` (``x-fb-lsd`` header and form
field), ``fb_dtsg`` when signed in, and an ``X-CSRFToken`` header matching the cookie (a cookie alone gets 403):
instaloader PR #2706; instaloader 4.16 sends them from ``doc_id_graphql_query(..., web_api=True)``. The profile
query (doc_id 27937681195819736) of the viewer's own id names the viewer, which is how the web app checks a
session (start page, then that query: two requests).

``everything_anonymous=True`` (CLI ``--everything-anonymous``) is the older mode: anonymous visitors get
the counts and the reels tab, and web_profile_info answers for business accounts too.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import io
import json
import re
import secrets
import socket
import struct
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping
from urllib.parse import parse_qs, parse_qsl, urlsplit

from core.instagram.data_source import EMULATOR_IDENTITY, ORIGIN_PROBE_PATH

from . import instagram as ig
from . import timeline
from .catalogue import SyntheticMedia, SyntheticProfile, cdn_video_url, default_catalogue, shortcode_to_mediaid
from .images import colour_for, solid_jpeg, tiny_mp4

__all__ = ["EmulatorServer", "Fault", "RequestRecord", "FAULT_KINDS", "ENDPOINTS", "ERAS", "NEWEST_ERA"]

ERAS = ("2026-09", "2026-11")  # before late October 2026, and since
NEWEST_ERA = ERAS[-1]

FAULT_KINDS = ("429", "401_wait", "500", "503", "reset", "slow", "malformed", "truncated", "login", "403",
               "feedback_required", "retired_doc_id")
ENDPOINTS = ("start", "profile_page", "web_profile_info", "reels", "post", "timeline", "cdn", "search",
             "profile_by_id", "post_page", "login_page", "other", "feed", "test_login", "iphone")

DOC_REELS = "7845543455542541"
DOC_CLIPS_FALLBACK = "27234427476213202"
DOC_POST = "27128499623469141"
DOC_TIMELINE = "28904005159232689"
DOC_PROFILE_BY_ID = "27937681195819736"
DOC_FEED = "29104886249145907"  # the logged-in posts timeline (api/graphql)
QUERY_HASH_TEST_LOGIN = "d6f4427fbe92d846298cf93df0b937d3"

DEMO_SESSION_ID = "reelscope-demo-session"
DEMO_VIEWER = "demo_viewer"
DEMO_VIEWER_ID = "7000000001"
EXPIRED_SESSION_ID = "reelscope-expired-session"
BUSINESS_PROFILE_INFO_ERROR = "ig_business_category_subvertical has been deleted"
LISTING_FIELDS = ("taken_at", "caption", "like_count", "comment_count", "play_count", "view_count",
                  "video_duration", "product_type", "image_versions2", "media_type")

LOGIN_URL = "https://www.instagram.com/accounts/login/"
_USERNAME_PATH = re.compile(r"^/([A-Za-z0-9._]{1,30})/?$")
_POST_PATH = re.compile(r"^/(?:p|reel|reels|tv)/([A-Za-z0-9_-]{1,14})/?$")


@dataclass(frozen=True)
class Fault:
    """A failure to inject.

    ``kind``: one of FAULT_KINDS. ``username``: only requests concerning that profile (None: all).
    ``after``: let that many matching requests through first. ``times``: fail that many matching
    requests, then stop (None: forever). ``endpoint``: only that endpoint (see ENDPOINTS).
    ``delay_ms`` is the extra delay of 'slow'; ``retry_after`` the Retry-After seconds of '429'.
    ``path``: only requests to that path (e.g. ``/api/graphql`` or ``/graphql/query``; None: any).
    '403', 'feedback_required' and 'retired_doc_id' answer as live Instagram does (see the module's notes).
    """

    kind: str
    username: str | None = None
    times: int | None = None
    after: int = 0
    endpoint: str | None = None
    delay_ms: int = 1500
    retry_after: int = 60
    path: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        if self.endpoint is not None and self.endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {self.endpoint!r}; expected one of {', '.join(ENDPOINTS)}")
        if self.username is not None:
            object.__setattr__(self, "username", self.username.lstrip("@").lower())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RequestRecord:
    """One request the emulator served. ``status`` is 0 when the connection was reset."""

    method: str
    host: str
    path: str
    query: str
    status: int
    username: str | None
    endpoint: str
    fault: str | None = None
    doc_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> _Response:
        return cls(status, ig.dumps(obj).encode(), "application/json; charset=utf-8", headers or [])

    @classmethod
    def html(cls, text: str, status: int = 200, headers: list[tuple[str, str]] | None = None) -> _Response:
        return cls(status, text.encode(), "text/html; charset=utf-8", headers or [])

    @classmethod
    def redirect(cls, location: str) -> _Response:
        return cls(302, b"", "text/html; charset=utf-8", [("Location", location)])


@dataclass
class _Route:
    endpoint: str
    username: str | None
    respond: Callable[[], _Response]
    doc_id: str | None = None


class _FaultState:
    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.seen = 0
        self.applied = 0


def _login_redirect(path: str = "/") -> _Response:
    return _Response.redirect(f"{LOGIN_URL}?next={path}")


def _page_window(variables: dict, p: Any, page_size: Any = None) -> tuple[int, int] | _Response:
    """(offset, size) of a connection page: the offset from the ``after`` cursor (a 400 when the cursor is not
    this profile's), the size from ``first`` (else ``page_size``, else 12), kept to 1-50 as Instagram does."""
    offset = 0
    if after := variables.get("after"):
        cursor = ig.decode_cursor(str(after))
        if cursor is None or cursor.get("u") != p.user_id:
            return _fail(400, "Invalid cursor")
        offset = int(cursor.get("o", 0))
    size = int(variables.get("first") or page_size or 12)
    return offset, max(1, min(size, 50))


def _fail(status: int, message: str, **extra: Any) -> _Response:
    return _Response.json({"message": message, **extra, "status": "fail"}, status)


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # connections reset by a fault or dropped by a client are expected here
        import sys

        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class EmulatorServer:
    """The emulator. ``start()``/``stop()`` or use it as a context manager; ``url`` is its origin."""

    def __init__(self, catalogue: dict[str, SyntheticProfile] | None = None, host: str = "127.0.0.1",
                 port: int = 0, latency_ms: int = 0, *, sessions: Mapping[str, str] | None = None,
                 everything_anonymous: bool = False, listing_omit: tuple[str, ...] | frozenset[str] = (),
                 era: str = NEWEST_ERA) -> None:
        """``sessions``: extra {sessionid: username} that log in (the demo session is built in).
        ``era``: one of ERAS, how Instagram answered then (see the module's notes).
        ``everything_anonymous``: the older mode, counts and reels tab for anonymous visitors too.
        ``listing_omit``: media fields (of LISTING_FIELDS) left out of every listing node."""
        self.catalogue: dict[str, SyntheticProfile] = {
            k.lower(): v for k, v in (catalogue if catalogue is not None else default_catalogue()).items()}
        self.host = host
        self.port = port
        self.latency_ms = latency_ms
        self.sessions: dict[str, str] = {DEMO_SESSION_ID: DEMO_VIEWER, **(sessions or {})}
        self.everything_anonymous = everything_anonymous
        unknown = set(listing_omit) - set(LISTING_FIELDS)
        if unknown:
            raise ValueError(f"unknown listing fields {sorted(unknown)}; expected some of {', '.join(LISTING_FIELDS)}")
        self.listing_omit = frozenset(listing_omit)
        if era not in ERAS:
            raise ValueError(f"unknown era {era!r}; expected one of {', '.join(ERAS)}")
        self.era = era
        self._lock = threading.Lock()
        self._faults: list[_FaultState] = []
        self._requests: list[RequestRecord] = []
        self._lsd_tokens: set[str] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._index()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            return self
        handler = type("_BoundHandler", (_Handler,), {"emulator": self})
        httpd = _QuietHTTPServer((self.host, self.port), handler)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"instagram-emulator:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread (used by the CLI)."""
        self.start()
        assert self._thread is not None
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    # --- faults and request log ----------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(_FaultState(fault))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return [s.fault for s in self._faults]

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)

    def _pick_fault(self, endpoint: str, username: str | None, path: str = "") -> Fault | None:
        with self._lock:
            for state in self._faults:
                f = state.fault
                if f.endpoint is not None and f.endpoint != endpoint:
                    continue
                if f.path is not None and f.path.rstrip("/") != path.rstrip("/"):
                    continue
                if f.username is not None and f.username != (username or "").lower():
                    continue
                if f.times is not None and state.applied >= f.times:
                    continue
                state.seen += 1
                if state.seen <= f.after:
                    continue
                state.applied += 1
                return f
        return None

    # --- lookups -----------------------------------------------------------------------------

    def _index(self) -> None:
        self._by_user_id: dict[str, SyntheticProfile] = {}
        self._by_page_id: dict[str, SyntheticProfile] = {}
        self._by_code: dict[str, tuple[SyntheticProfile, SyntheticMedia]] = {}
        self._by_pk: dict[str, tuple[SyntheticProfile, SyntheticMedia]] = {}
        self._cdn: dict[str, tuple[str, str, str]] = {}  # path -> (username, oh, kind)
        for p in self.catalogue.values():
            self._by_user_id[p.user_id] = p
            self._by_page_id[p.page_id] = p
            self._add_cdn(p.profile_pic_url, p.username, "image")
            self._add_cdn(p.profile_pic_url.replace("s150x150", "s320x320"), p.username, "image")
            for m in p.media:
                self._by_code[m.code] = (p, m)
                self._by_pk[m.pk] = (p, m)
                self._add_cdn(m.thumbnail_url, p.username, "image")
                if m.video_url:
                    self._add_cdn(m.video_url, p.username, "video")
                for child_pk, child_type in ig.carousel_children(m):
                    self._add_cdn(ig.cdn_image_url("media", child_pk), p.username, "image")
                    if child_type == 2:
                        self._add_cdn(cdn_video_url(child_pk), p.username, "video")

    def _add_cdn(self, url: str, username: str, kind: str) -> None:
        parts = urlsplit(url)
        oh = dict(parse_qsl(parts.query)).get("oh", "")
        self._cdn[parts.path] = (username, oh, kind)

    def profile(self, username: str) -> SyntheticProfile | None:
        return self.catalogue.get(username.lower())

    def new_lsd(self) -> str:
        token = "AV" + secrets.token_urlsafe(16).replace("-", "x").replace("_", "y")[:20]
        with self._lock:
            self._lsd_tokens.add(token)
        return token

    def lsd_valid(self, token: str) -> bool:
        with self._lock:
            return token in self._lsd_tokens

    # --- who is asking --------------------------------------------------------------------------

    def viewer(self, headers: Any) -> ig.Viewer | None:
        """The logged-in account of a request, or None for a logged-out visitor (expired sessions included)."""
        sessionids = _cookie_values(headers.get("Cookie", ""), "sessionid")
        sessionids.add(_bearer_sessionid(headers.get("Authorization", "")) or "")
        for sessionid in sorted(sessionids):
            username = self.sessions.get(sessionid)
            if username:
                return ig.Viewer(username, _viewer_id(username, self.catalogue),
                                 "NA" + hashlib.sha1(f"dtsg|{sessionid}".encode()).hexdigest()[:30])
        return None

    def access(self, viewer: ig.Viewer | None) -> ig.Access:
        if viewer is not None:
            return ig.Access(counts=True, complete_listings=True, omit=self.listing_omit)
        if self.everything_anonymous:
            return ig.Access(counts=True, complete_listings=False, omit=self.listing_omit)
        return ig.Access(counts=False, complete_listings=False, code_only_timeline=True, omit=self.listing_omit)

    # --- routing -----------------------------------------------------------------------------

    def route(self, method: str, host: str, path: str, query: str, headers: Any, body: bytes) -> _Route:
        route = self._route(method, host, path, query, headers, body)
        refusal = self._era_refusal(host.lower(), path.rstrip("/"), headers)
        if refusal is not None:
            return _Route(route.endpoint, route.username, refusal, route.doc_id)
        return route

    def _era_refusal(self, host: str, path: str, headers: Any) -> Callable[[], _Response] | None:
        """How this era refuses a request whatever it asks (None: it is answered as usual); see notes 6-8."""
        if self.era < "2026-11" or not host.endswith("instagram.com"):
            return None
        if path == "/graphql/query" and self.viewer(headers) is not None:  # note 6
            return lambda: _fault_response(Fault("feedback_required"), _Route("other", None, _Response.json))
        if path == "/api/v1/users/web_profile_info":  # note 7
            return lambda: _Response.json({"message": "", "status": "fail"}, 404)
        if path == "/web/search/topsearch" and self.viewer(headers) is not None:  # note 8
            return lambda: _Response.html(ig.not_found_page(self.new_lsd()), 404)
        return None

    def _route(self, method: str, host: str, path: str, query: str, headers: Any, body: bytes) -> _Route:
        host = host.lower()
        if host.endswith("cdninstagram.com") or host.endswith("fbcdn.net") or (
                not host.endswith("instagram.com") and path.startswith(("/v/", "/o1/"))):
            return self._route_cdn(path, query)
        if host == "i.instagram.com":
            if path.rstrip("/") == "/api/v1/users/web_profile_info":
                return self._route_web_profile_info(query, headers)
            iphone = self._route_iphone(path, headers)
            if iphone is not None:
                return iphone
            return _Route("other", None, lambda: _fail(401, "login_required", require_login=True,
                                                       logout_reason=2))
        # www.instagram.com, instagram.com, and anything else (lenient)
        if path == "/" and method in ("GET", "HEAD"):
            return _Route("start", None, lambda: self._start_page(self.viewer(headers), headers))
        if path.rstrip("/") == "/accounts/login":
            return _Route("login_page", None, lambda: _Response.html(ig.login_page(self.new_lsd())))
        if path.rstrip("/") == "/api/v1/users/web_profile_info":
            return self._route_web_profile_info(query, headers)
        if path.rstrip("/") in ("/graphql/query", "/api/graphql"):
            if method != "POST":
                if parse_qs(query).get("query_hash", [""])[0] == QUERY_HASH_TEST_LOGIN:
                    return _Route("test_login", None, lambda: self._test_login(headers))
                # legacy query_hash queries are refused to anonymous visitors
                return _Route("other", None, lambda: _login_redirect(path))
            return self._route_graphql(path.rstrip("/") == "/api/graphql", headers, body)
        if path.rstrip("/") == "/web/search/topsearch":
            q = parse_qs(query).get("query", [""])[0]
            return _Route("search", None, lambda: self._search(q))
        m = _POST_PATH.match(path)
        if m:
            code = m.group(1)
            hit = self._by_code.get(code)
            return _Route("post_page", hit[0].username if hit else None,
                          lambda: _Response.html(ig.post_page(hit[0], hit[1], self.new_lsd())) if hit
                          else _Response.html(ig.not_found_page(self.new_lsd()), 404))
        m = _USERNAME_PATH.match(path)
        if m and method in ("GET", "HEAD"):
            username = m.group(1).lower()
            return _Route("profile_page", username, lambda: self._profile_page(username, path))
        return _Route("other", None, lambda: _Response.html(ig.not_found_page(self.new_lsd()), 404))

    def _test_login(self, headers: Any) -> _Response:
        """What instaloader's ``test_login()`` asks: the logged-in user, or null for a logged-out visitor."""
        viewer = self.viewer(headers)
        user = None if viewer is None else {"id": viewer.user_id, "username": viewer.username,
                                            "full_name": viewer.username.replace("_", " ").title(),
                                            "profile_pic_url": ig.cdn_image_url("profile", viewer.user_id)}
        return _Response.json({"data": {"user": user}, "status": "ok"})

    def _route_iphone(self, path: str, headers: Any) -> _Route | None:
        """i.instagram.com's users/<id>/info/ and media/<id>/info/, answered to logged-in sessions only."""
        m = re.fullmatch(r"/api/v1/(users|media)/(\d+)/info/?", path)
        if m is None:
            return None
        kind, ident = m.groups()
        owner = self._by_user_id.get(ident) if kind == "users" else (self._by_pk.get(ident) or (None,))[0]

        def respond() -> _Response:
            viewer = self.viewer(headers)
            if viewer is None:
                return _fail(401, "login_required", require_login=True, logout_reason=2)
            if kind == "users":
                if owner is None:
                    return _fail(404, "User not found")
                user = ig.xig_user(owner)
                user.update({"id": owner.user_id, "media_count": owner.media_count})
                return _Response.json({"user": user, "status": "ok"})
            hit = self._by_pk.get(ident)
            if hit is None:
                return _fail(400, "Media not found or unavailable")
            return _Response.json({"items": [ig.polaris_media(hit[0], hit[1], self.access(viewer))],
                                   "num_results": 1, "more_available": False, "status": "ok"})
        return _Route("iphone", owner.username if owner else None, respond)

    def _start_page(self, viewer: ig.Viewer | None = None, headers: Any = None) -> _Response:
        """The start page; it sets csrftoken, mid and ig_did only for a visitor who has none yet, as a browser sees."""
        sent = (headers.get("Cookie", "") if headers is not None else "")
        cookies = [
            ("Set-Cookie", f"csrftoken={secrets.token_urlsafe(24)[:32]}; Domain=.instagram.com; "
                           "Max-Age=31449600; Path=/; Secure"),
            ("Set-Cookie", f"mid=aF{secrets.token_urlsafe(18)[:24]}; Domain=.instagram.com; "
                           "Max-Age=63072000; Path=/; Secure; HttpOnly"),
            ("Set-Cookie", f"ig_did={secrets.token_hex(16).upper()}; Domain=.instagram.com; "
                           "Max-Age=31536000; Path=/; Secure; HttpOnly"),
        ]
        cookies = [c for c in cookies if not _cookie_values(sent, c[1].split("=", 1)[0])]
        return _Response.html(ig.start_page(self.new_lsd(), viewer), headers=cookies)

    def _profile_page(self, username: str, path: str) -> _Response:
        if not path.endswith("/"):
            return _Response(301, b"", headers=[("Location", f"https://www.instagram.com{path}/")])
        p = self.profile(username)
        if p is None:
            return _Response.html(ig.not_found_page(self.new_lsd()), 404)
        # instaloader fetches profile pages with an anonymous session, logged in or not
        return _Response.html(ig.profile_page(p, self.new_lsd(), self.access(None)))

    def _route_web_profile_info(self, query: str, headers: Any) -> _Route:
        username = parse_qs(query).get("username", [""])[0].lower()

        def respond() -> _Response:
            if headers.get("x-ig-app-id") != ig.APP_ID:
                return _fail(400, "useragent mismatch")
            p = self.profile(username)
            if p is None:
                return _Response.json({}, 404)
            if p.is_business and not self.everything_anonymous:
                return _fail(400, BUSINESS_PROFILE_INFO_ERROR)
            return _Response.json({"data": {"user": ig.legacy_user(p, self.access(self.viewer(headers)))},
                                   "status": "ok"})
        return _Route("web_profile_info", username or None, respond)

    def _route_graphql(self, web_api: bool, headers: Any, body: bytes) -> _Route:
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        doc_id = form.get("doc_id", "")
        try:
            variables = json.loads(form.get("variables", "{}"))
        except json.JSONDecodeError:
            variables = None

        def wrap(data: Any) -> _Response:
            out: dict[str, Any] = {"data": data, "extensions": {"is_final": True}}
            if not web_api:
                out["status"] = "ok"
            return _Response.json(out)

        def check() -> _Response | None:
            csrf = headers.get("x-csrftoken") or headers.get("X-CSRFToken")
            if not csrf or csrf not in _cookie_values(headers.get("Cookie", ""), "csrftoken"):
                return _fail(403, "CSRF token missing or incorrect")
            if web_api:
                lsd = form.get("lsd", "")
                if not lsd or headers.get("x-fb-lsd") != lsd or not self.lsd_valid(lsd):
                    return _fail(400, "Invalid lsd token")
                if viewer is not None and form.get("fb_dtsg") != viewer.fb_dtsg:
                    return _fail(400, "Invalid fb_dtsg token")
            if not isinstance(variables, dict):
                return _fail(400, "Invalid variables")
            return None

        def guarded(inner: Callable[[], _Response]) -> Callable[[], _Response]:
            return lambda: check() or inner()

        variables_d = variables if isinstance(variables, dict) else {}
        viewer = self.viewer(headers)
        access = self.access(viewer)
        if doc_id in (DOC_REELS, DOC_CLIPS_FALLBACK):
            data = variables_d.get("data") or {}
            p = self._by_user_id.get(str(data.get("target_user_id", "")))

            def reels() -> _Response:
                if p is None or (viewer is None and not self.everything_anonymous):
                    return wrap({"xdt_api__v1__clips__user__connection_v2": None})
                if p.is_private:
                    return _login_redirect(f"/{p.username}/reels/")
                window = _page_window(variables_d, p, data.get("page_size"))
                if isinstance(window, _Response):
                    return window
                conn = ig.clips_connection(p, *window, bool(data.get("include_feed_video", False)), access)
                return wrap({"xdt_api__v1__clips__user__connection_v2": conn})
            return _Route("reels", p.username if p else None, guarded(reels), doc_id)
        if doc_id == DOC_POST:
            code = str(variables_d.get("shortcode", ""))
            hit = self._by_code.get(code)
            if hit is None and 0 < len(code) <= 11 and re.fullmatch(r"[A-Za-z0-9_-]+", code):
                hit = self._by_pk.get(str(shortcode_to_mediaid(code)))

            def post() -> _Response:
                if hit is None:
                    return wrap({"xdt_api__v1__media__shortcode__web_info": {"items": []}})
                if hit[0].is_private:
                    return _login_redirect(f"/p/{code}/")
                return wrap({"xdt_api__v1__media__shortcode__web_info": {
                    "items": [ig.polaris_media(hit[0], hit[1], access)]}})
            return _Route("post", hit[0].username if hit else None, guarded(post), doc_id)
        if doc_id == DOC_TIMELINE:
            p = self._by_page_id.get(str(variables_d.get("id", "")))

            def timeline() -> _Response:
                if p is None:
                    return wrap({"node": None})
                if p.is_private:
                    return _login_redirect(f"/{p.username}/")
                after = variables_d.get("after")
                after_pk = str(after).split("_")[0] if after else None
                size = int(variables_d.get("first") or 12)
                conn = ig.timeline_connection(p, after_pk, max(1, min(size, 50)), access)
                return wrap({"node": {"__typename": "XIGUser", "id": p.page_id,
                                      "polaris_ordered_timeline_connection": conn}})
            return _Route("timeline", p.username if p else None, guarded(timeline), doc_id)
        if doc_id == DOC_PROFILE_BY_ID:
            p = self._by_user_id.get(str(variables_d.get("id", "")))

            def by_id() -> _Response:
                if p is None and viewer is not None and str(variables_d.get("id", "")) == viewer.user_id:
                    return wrap({"user": {"id": viewer.user_id, "pk": viewer.user_id, "username": viewer.username,
                                          "full_name": viewer.username.replace("_", " ").title(),
                                          "is_private": False, "friendship_status": None,
                                          "profile_pic_url": ig.cdn_image_url("profile", viewer.user_id)}})
                if p is None:
                    return wrap({"user": None})
                user = ig.xig_user(p)
                user.update({"id": p.user_id, "media_count": p.media_count,
                             "friendship_status": None})
                user.pop("all_media_count", None)
                if viewer is not None:
                    user["friendship_status"] = {"following": False, "followed_by": False, "blocking": False,
                                                 "incoming_request": False, "outgoing_request": False}
                return wrap({"user": user})
            return _Route("profile_by_id", p.username if p else None, guarded(by_id), doc_id)
        if doc_id == DOC_FEED:
            p = self.profile(str(variables_d.get("username", "")))

            def feed() -> _Response:
                if viewer is None:
                    return _fail(401, "Please wait a few minutes before you try again.", require_login=True)
                if form.get("fb_dtsg") != viewer.fb_dtsg:
                    return _fail(400, "Invalid fb_dtsg token")
                if p is None:
                    return wrap({"xdt_api__v1__feed__user_timeline_graphql_connection": None})
                if p.is_private:
                    return wrap({"xdt_api__v1__feed__user_timeline_graphql_connection": {
                        "edges": [], "page_info": {"end_cursor": None, "has_next_page": False}}})
                window = _page_window(variables_d, p)
                if isinstance(window, _Response):
                    return window
                conn = ig.user_timeline_connection(p, *window, access)
                return wrap({"xdt_api__v1__feed__user_timeline_graphql_connection": conn})
            return _Route("feed", p.username if p else None, guarded(feed), doc_id)
        return _Route("other", None, guarded(lambda: _fail(400, f"Unknown doc_id {doc_id!r}")), doc_id or None)

    def _search(self, query: str) -> _Response:
        q = query.lstrip("@").lower()
        names = [n for n in self.catalogue if q and (q in n or n in q)]
        names += [n for n in difflib.get_close_matches(q, list(self.catalogue), n=5, cutoff=0.6) if n not in names]
        users = []
        for i, name in enumerate(names[:10]):
            p = self.catalogue[name]
            users.append({"position": i, "user": {
                "pk": p.user_id, "pk_id": p.user_id, "id": p.user_id, "username": p.username,
                "full_name": p.full_name, "is_private": p.is_private, "is_verified": p.is_verified,
                "profile_pic_id": f"{p.user_id}_1", "profile_pic_url": p.profile_pic_url,
                "has_anonymous_profile_picture": False, "latest_reel_media": 0}})
        return _Response.json({"users": users, "places": [], "hashtags": [], "has_more": False,
                               "rank_token": secrets.token_hex(8), "clear_client_cache": None,
                               "status": "ok"})

    def _route_cdn(self, path: str, query: str) -> _Route:
        hit = self._cdn.get(path)

        def respond() -> _Response:
            if hit is None:
                return _Response(404, b"Not Found", "text/plain")
            username, oh, kind = hit
            if oh and dict(parse_qsl(query)).get("oh") != oh:
                return _Response(403, b"URL signature mismatch", "text/plain")
            if kind == "video":
                return _Response(200, tiny_mp4(), "video/mp4")
            return _Response(200, solid_jpeg(colour_for(path)), "image/jpeg",
                             [("Cache-Control", "max-age=1209600, no-transform")])
        return _Route("cdn", hit[0] if hit else None, respond)


def _viewer_id(username: str, catalogue: Mapping[str, SyntheticProfile]) -> str:
    if username == DEMO_VIEWER:
        return DEMO_VIEWER_ID
    if username in catalogue:
        return catalogue[username].user_id
    return str(7_000_000_000 + int(hashlib.sha1(username.encode()).hexdigest()[:8], 16) % 10**8)


def _bearer_sessionid(authorization: str) -> str | None:
    """The sessionid in instaloader's ``Bearer IGT:2:<base64 JSON>`` mobile-API token."""
    prefix = "Bearer IGT:2:"
    if not authorization.startswith(prefix):
        return None
    try:
        data = json.loads(base64.b64decode(authorization[len(prefix):]))
    except (ValueError, binascii.Error):
        return None
    return str(data.get("sessionid") or "") if isinstance(data, dict) else None


def _cookie_values(cookie_header: str, name: str) -> set[str]:
    values = set()
    for part in cookie_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            values.add(value)
    return values


class _Handler(BaseHTTPRequestHandler):
    emulator: EmulatorServer
    protocol_version = "HTTP/1.1"
    # Headers and body are written separately; on a kept-alive connection Nagle's algorithm would hold
    # the body back until the client's delayed ACK (~40 ms a response), which real servers do not do.
    disable_nagle_algorithm = True
    server_version = "proxygen-bolt"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("HEAD")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, resp: _Response, head_only: bool = False, truncate: bool = False) -> None:
        body = resp.body[: len(resp.body) // 2] if truncate else resp.body
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in resp.headers:
            self.send_header(key, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _reset(self) -> None:
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        # the handler flushes and closes these afterwards
        self.rfile, self.wfile = io.BytesIO(), io.BytesIO()
        self.close_connection = True

    def _handle(self, method: str) -> None:
        emu = self.emulator
        parts = urlsplit(self.path)
        path, query = parts.path or "/", parts.query
        body = self._read_body()
        if path.startswith("/__emulator__/"):
            self._send(_control(emu, method, path, body))
            return
        if path == ORIGIN_PROBE_PATH:  # tells ReelScope that its data comes from this emulator
            self._send(_Response.json(EMULATOR_IDENTITY), head_only=method == "HEAD")
            return
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        route = emu.route(method, host, path, query, self.headers, body)
        if emu.latency_ms:
            time.sleep(emu.latency_ms / 1000)
        fault = emu._pick_fault(route.endpoint, route.username, path)
        record = dict(method=method, host=host, path=path, query=query, username=route.username,
                      endpoint=route.endpoint, fault=fault.kind if fault else None, doc_id=route.doc_id)
        if fault is not None and fault.kind == "reset":
            emu._record(RequestRecord(status=0, **record))
            self._reset()
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay_ms / 1000)
            fault = None
        truncate = False
        if fault is None:
            resp = route.respond()
        elif fault.kind == "truncated":
            resp = route.respond()
            truncate = True
        else:
            resp = _fault_response(fault, route)
        emu._record(RequestRecord(status=resp.status, **record))
        self._send(resp, head_only=method == "HEAD", truncate=truncate)


def _fault_response(fault: Fault, route: _Route) -> _Response:
    if fault.kind == "429":
        return _Response.json({"message": "Please wait a few minutes before you try again.",
                               "require_login": False, "status": "fail"}, 429,
                              [("Retry-After", str(fault.retry_after))])
    if fault.kind == "401_wait":
        return _Response.json({"message": "Please wait a few minutes before you try again.",
                               "require_login": True, "status": "fail"}, 401)
    if fault.kind in ("500", "503"):
        status = int(fault.kind)
        text = "Internal Server Error" if status == 500 else "Service Unavailable"
        headers = [("Retry-After", "30")] if status == 503 else []
        return _Response.html(f"<!DOCTYPE html><html><body><h1>{status} {text}</h1>"
                              "<p>Sorry, something went wrong.</p></body></html>", status, headers)
    if fault.kind == "login":
        return _login_redirect()
    if fault.kind == "403":
        return _Response.json({"message": "", "require_login": False, "status": "fail"}, 403)
    if fault.kind == "feedback_required":
        return _Response.json({"message": "feedback_required", "spam": True, "feedback_title": "Try Again Later",
                               "feedback_message": "We limit how often you can do certain things on Instagram "
                                                   "to protect our community.",
                               "feedback_action": "report_problem", "status": "fail"}, 400)
    if fault.kind == "retired_doc_id":
        return _fail(400, f"Unknown doc_id {route.doc_id!r}")
    # malformed
    if route.endpoint == "cdn":
        return _Response(200, b"\x00garbage-not-an-image\xff" * 8, "image/jpeg")
    if route.endpoint in ("start", "profile_page", "post_page", "login_page"):
        return _Response.html("<!DOCTYPE html><html><head><title>Instagram</title></head>"
                              "<body><div>Something went wrong.</div></body></html>")
    return _Response(200, b'<!DOCTYPE html><html><body>{"data": oops</body></html>',
                     "application/json; charset=utf-8")


def _control(emu: EmulatorServer, method: str, path: str, body: bytes) -> _Response:
    target = path.rstrip("/")
    if target == "/__emulator__/health" and method in ("GET", "HEAD"):
        return _Response.json({"status": "ok", "url": emu.url, "profiles": sorted(emu.catalogue),
                               "faults": len(emu.faults), "requests": len(emu.requests)})
    if target == "/__emulator__/faults":
        if method == "GET":
            return _Response.json({"faults": [f.to_dict() for f in emu.faults]})
        if method == "DELETE":
            emu.clear_faults()
            return _Response.json({"ok": True})
        if method == "POST":
            try:
                data = json.loads(body or b"{}")
                items = data if isinstance(data, list) else [data]
                faults = [Fault.from_dict(d) for d in items]
            except (ValueError, TypeError) as err:
                return _Response.json({"ok": False, "error": str(err)}, 400)
            for f in faults:
                emu.add_fault(f)
            return _Response.json({"ok": True, "faults": [f.to_dict() for f in faults]}, 201)
    if target == "/__emulator__/requests":
        if method == "GET":
            return _Response.json({"requests": [r.to_dict() for r in emu.requests]})
        if method == "DELETE":
            emu.reset_requests()
            return _Response.json({"ok": True})
    if target == "/__emulator__/tick" and method == "POST":
        return _Response.json(*timeline.tick_request(emu, body))
    return _Response.json({"ok": False, "error": f"no such control endpoint: {method} {path}"}, 404)
