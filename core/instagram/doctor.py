"""The doctor: which route of each Instagram capability works right now (``python -m core doctor``, Health page).

Each capability is probed once per route with its cheapest request, anonymously and, when a session is stored,
signed in; a route refused within the skip period (``core.instagram.routes``) is shown as skipped, not asked. At
most 10 requests: the session check over ``api/graphql`` (start page + profile query of the viewer, whose answer
also stands for the profile query), ``test_login``, the profile page, ``web_profile_info``, the reels tab on both
endpoints, the posts tab, and a post's details on both endpoints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import instaloader
from sqlalchemy import select

from core.instagram import queries
from core.instagram.error_mapping import refusal_of
from core.instagram.routes import (
    CAPABILITY_NAMES,
    GRAPHQL_QUERY,
    POST_DETAIL,
    POSTS_LISTING,
    PROFILE,
    PROFILE_PAGE,
    REELS_LISTING,
    ROUTES,
    SESSION_CHECK,
    WEB_APP,
    WEB_PROFILE_INFO,
    RouteMemory,
    route,
)
from core.instagram.session import load_session, session_file
from core.instagram.session_check import LoggedOut, test_login_username, web_app_username
from core.instagram.transport import redirect_instagram_to, requests_sent
from core.settings import load_settings
from core.storage.engine import get_database
from core.storage.models import Analysis

MAX_REQUESTS = 10
DEFAULT_PROFILE = "instagram"  # probed when no profile was named and none was analysed yet


@dataclass(frozen=True)
class Probe:
    """One route's answer: ``outcome`` works | refused | skipped | error."""

    capability: str
    route: str
    outcome: str
    status: int | None = None
    message: str = ""
    refused_since: str | None = None


@dataclass
class DoctorReport:
    session_state: str
    session_username: str | None
    profile: str
    probes: list[Probe] = field(default_factory=list)
    requests: int = 0
    instaloader_version: str = instaloader.__version__

    def capability_works(self, capability: str) -> bool:
        return any(p.capability == capability and p.outcome == "works" for p in self.probes)

    @property
    def checked_capabilities(self) -> list[str]:
        """The capabilities that count for the exit status (the session check only when a session is stored)."""
        return [c for c in ROUTES if c != SESSION_CHECK or self.session_state != "none"]

    @property
    def healthy(self) -> bool:
        return all(self.capability_works(c) for c in self.checked_capabilities)

    def to_json(self) -> dict[str, Any]:
        return {"session": {"state": self.session_state, "username": self.session_username},
                "capabilities": [asdict(p) for p in self.probes], "requests": self.requests,
                "instaloader_version": self.instaloader_version, "profile": self.profile, "healthy": self.healthy}

    def table(self) -> str:
        rows = [("capability", "route", "result")]
        for p in self.probes:
            if p.outcome == "works":
                result = "works" + (f" ({p.message})" if p.message else "")
            elif p.outcome == "skipped":
                result = f"skipped (refused since {p.refused_since}: {p.status} {p.message})".strip()
            else:
                result = f"{p.outcome} ({p.status or '-'} {p.message})"
            rows.append((CAPABILITY_NAMES[p.capability], p.route, result))
        width = [max(len(r[i]) for r in rows) for i in range(2)]
        lines = [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows]
        verdict = ("every capability has a working route" if self.healthy else
                   "no working route for: " + ", ".join(CAPABILITY_NAMES[c] for c in self.checked_capabilities
                                                        if not self.capability_works(c))
                   + " (ReelScope needs an update; see docs/instagram-access.md)")
        session = f"{self.session_state}" + (f" as {self.session_username}" if self.session_username else "")
        return "\n".join([f"session: {session}", f"instaloader {self.instaloader_version}; probe profile: "
                          f"{self.profile}", *lines, f"{self.requests} requests; {verdict}"])


class _Prober:
    def __init__(self, memory: RouteMemory, report: DoctorReport) -> None:
        self.memory = memory
        self.report = report

    def probe(self, capability: str, name: str, step: Callable[[], Any], api_endpoint: bool = True,
              works_message: Callable[[Any], str] = lambda _: "") -> Any:
        """Ask one route (unless it is in its skip period); record the outcome; the step's result or None."""
        which = route(capability, name)
        refused = self.memory.refused_since(which)
        if refused is not None:
            since, refusal = refused
            self.report.probes.append(Probe(capability, name, "skipped", refusal.status, refusal.message,
                                            since.isoformat(timespec="seconds")))
            return None
        try:
            result = step()
        except Exception as exc:  # noqa: BLE001 - every answer is a row of the table
            refusal = refusal_of(exc, api_endpoint)
            if refusal is not None:
                self.report.probes.append(Probe(capability, name, "refused", refusal.status, refusal.message))
            else:
                self.report.probes.append(Probe(capability, name, "error", None, f"{type(exc).__name__}: {exc}"[:300]))
            return None
        self.report.probes.append(Probe(capability, name, "works", 200, works_message(result)))
        return result


def _first_code(nodes) -> str | None:
    node = next(iter(nodes), None)
    return node.get("code") if isinstance(node, dict) else None


def run_doctor(memory: RouteMemory, profile: str) -> DoctorReport:
    """Probe every capability over each of its routes (see the module's notes); at most MAX_REQUESTS requests."""
    settings = load_settings()
    redirect_instagram_to(settings.instagram_base_url)
    loader = instaloader.Instaloader(quiet=True, max_connection_attempts=1, sleep=False,
                                     request_timeout=settings.request_timeout)
    context = loader.context
    start = requests_sent()
    cookies = load_session() if session_file().exists() else None
    state = "none" if not session_file().exists() else ("unreadable" if not cookies or "sessionid" not in cookies
                                                        else "unchecked")
    report = DoctorReport(state, None, profile.lstrip("@").lower())
    prober = _Prober(memory, report)
    try:
        if state == "unchecked":
            context.update_cookies(cookies)
            _probe_session(prober, context, report)
        _probe_data(prober, context, report)
    finally:
        report.requests = requests_sent() - start
        loader.close()
    return report


def _probe_session(prober: _Prober, context, report: DoctorReport) -> None:
    answers: dict[str, str] = {}

    def check(name: str, ask: Callable[[Any], str]) -> Callable[[], str]:
        def step() -> str:
            try:
                username = ask(context)
            except LoggedOut:
                answers[name] = "expired"
                return "not logged in"
            answers[name] = "logged_in"
            report.session_username = username
            return f"as {username}"
        return step

    prober.probe(SESSION_CHECK, WEB_APP, check(WEB_APP, web_app_username), works_message=lambda m: m)
    prober.probe(SESSION_CHECK, GRAPHQL_QUERY, check(GRAPHQL_QUERY, test_login_username), works_message=lambda m: m)
    session_rows = [p for p in report.probes if p.capability == SESSION_CHECK]
    if "logged_in" in answers.values():
        report.session_state = "logged_in"
        context.username = report.session_username
    elif "expired" in answers.values():
        report.session_state = "expired"
    elif session_rows and all(p.outcome in ("refused", "skipped") for p in session_rows):
        report.session_state = "refused"
    if report.session_state == "expired":  # Instagram said "logged out": such a row does not count as working
        report.probes[:] = [Probe(p.capability, p.route, "error", p.status, "Instagram said the session is not "
                                  "logged in") if p.capability == SESSION_CHECK and p.message == "not logged in"
                            else p for p in report.probes]


def _probe_data(prober: _Prober, context, report: DoctorReport) -> None:
    signed_in = report.session_state == "logged_in"
    page = prober.probe(PROFILE, PROFILE_PAGE, lambda: queries.profile_page(context, report.profile),
                        api_endpoint=False)
    user_id = str(page.profile.userid) if page is not None else None
    if signed_in and any(p.route == WEB_APP and p.outcome == "works" for p in report.probes
                         if p.capability == SESSION_CHECK):
        report.probes.append(Probe(PROFILE, WEB_APP, "works", 200, "the session check's profile query"))
    elif user_id is not None:
        prober.probe(PROFILE, WEB_APP, lambda: queries.profile_by_id(context, user_id) or {},
                     works_message=lambda user: "" if user else "names no such user")
    prober.probe(PROFILE, WEB_PROFILE_INFO, lambda: queries.web_profile_info(context, report.profile))
    if user_id is None:
        for capability in (REELS_LISTING, POSTS_LISTING, POST_DETAIL):
            for each in ROUTES[capability]:
                report.probes.append(Probe(capability, each.name, "error", None,
                                           f"not probed: the profile {report.profile!r} could not be read"))
        return
    codes: list[str] = []

    def reels(web_api: bool) -> Callable[[], str]:
        def step() -> str:
            try:
                code = _first_code(queries.reels_tab(context, user_id, report.profile, web_api=web_api))
            except queries.ListingUnavailable:
                return "null for anonymous visitors; the posts listing is used"
            if code:
                codes.append(code)
            return ""
        return step

    prober.probe(REELS_LISTING, WEB_APP, reels(True), works_message=lambda m: m)
    prober.probe(REELS_LISTING, GRAPHQL_QUERY, reels(False), works_message=lambda m: m)

    def posts() -> None:
        if signed_in:
            code = _first_code(queries.logged_in_timeline(context, report.profile))
        else:
            response = context.doc_id_graphql_query(
                queries.LOGGED_OUT_TIMELINE_DOC_ID,
                {"id": page.page_id, "__relay_internal__pv__PolarisSEOIsCrawlerrelayprovider": False}, web_api=True)
            edges = (((response.get("data") or {}).get("node") or {})
                     .get("polaris_ordered_timeline_connection") or {}).get("edges") or []
            code = edges[0]["node"].get("code") if edges else None
        if code:
            codes.append(code)

    prober.probe(POSTS_LISTING, WEB_APP, posts)
    if page.timeline is not None:
        report.probes.append(Probe(POSTS_LISTING, PROFILE_PAGE, "works", 200, "embedded in the profile page"))
        edges = page.timeline.get("edges") or []
        if edges and edges[0].get("node", {}).get("code"):
            codes.append(edges[0]["node"]["code"])
    else:
        report.probes.append(Probe(POSTS_LISTING, PROFILE_PAGE, "error", None, "the page embeds no posts"))
    code = codes[0] if codes else None
    for name, web_api in ((WEB_APP, True), (GRAPHQL_QUERY, False)):
        if code is None:
            report.probes.append(Probe(POST_DETAIL, name, "error", None, "no post to ask for"))
        else:
            prober.probe(POST_DETAIL, name, lambda web_api=web_api: queries.media_detail(context, code, web_api),
                         works_message=lambda media: "" if media else "names no such post")



def probe_profile(requested: str | None = None) -> str:
    """The public profile the doctor probes with: the one named, else the last one analysed, else DEFAULT_PROFILE."""
    if requested:
        return requested
    with get_database().session() as session:
        last = session.scalars(select(Analysis.username).where(Analysis.status == "completed")
                               .order_by(Analysis.created_at.desc()).limit(1)).first()
    return last or DEFAULT_PROFILE
