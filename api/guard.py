"""Checks every request passes before it reaches an endpoint: per-client rate limit, API token, body size.

One pure ASGI middleware so the order is explicit: rate limit first (it also slows token guessing), then the
token, then the body size. Each refusal is a problem+json response.
"""

from __future__ import annotations

import hmac
import math

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response, problem_type
from api.rate_limit import ClientRateLimiter
from api.settings import ApiSettings
from core.signin.people import Person, Role
from core.signin.tokens import parse_api_tokens, token_for

# Who an API request acts for (recorded as requested_by) when the API runs without any token.
OPEN_API = Person("api", Role.ADMIN)

# Paths that describe the API rather than serve data; open without a token when public_docs is on.
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
# Prometheus scrapes here; open without a token when metrics_public is on (REELSCOPE_METRICS_PUBLIC=1).
METRICS_PATH = "/metrics"
# Swagger UI's and ReDoc's own scripts and styles, served from the fastapi-offline package (no CDN).
DOCS_ASSETS = "/docs-assets"
# Signed download links (core.exports.links): the signature is the credential, so no bearer token is asked.
SIGNED_PATHS = "/api/v1/downloads/"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def client_key(scope: Scope) -> str:
    """The client's address. uvicorn replaces it with X-Forwarded-For only for REELSCOPE_API_TRUSTED_PROXIES."""
    client = scope.get("client")
    return client[0] if client else "unknown"


def token_matches(header: str | None, token: str) -> bool:
    if not header:
        return False
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(credentials.strip().encode("utf-8"), token.encode("utf-8"))


class _BodyTooLarge(Exception):
    pass


class GuardMiddleware:
    def __init__(self, app: ASGIApp, settings: ApiSettings) -> None:
        self.app = app
        self.settings = settings
        # settings built by hand with only ``token`` set still know that token (as the admin token "api")
        self.tokens = settings.tokens or parse_api_tokens(None, settings.token)
        self.limiter = ClientRateLimiter(settings.rate_limit, settings.rate_limit_storage) \
            if settings.rate_limit else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        refusal = await self._rate_limited(scope) or self._unauthorised(scope, path) or self._declared_too_large(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        try:
            receive = await self._buffered(receive)
        except _BodyTooLarge:
            await self._too_large(path)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _rate_limited(self, scope: Scope):
        if self.limiter is None:
            return None
        wait = await self.limiter.take(client_key(scope))
        if wait <= 0:
            return None
        retry_after = max(1, math.ceil(wait))
        limit = self.settings.rate_limit
        return problem_response(
            429, f"Too many requests from this client: the limit is {limit.requests} per {limit.period:g} s. "
                 f"Retry after {retry_after} s.",
            type_=problem_type("rate-limited"), title="Too many requests", instance=scope.get("path"),
            headers={"Retry-After": str(retry_after)}, retry_after=retry_after)

    def _unauthorised(self, scope: Scope, path: str):
        """None when the request may go on (its Person then in ``scope["state"]["person"]``), else the 401."""
        scope.setdefault("state", {})["person"] = OPEN_API
        if not self.tokens or path.startswith(SIGNED_PATHS) or (self.settings.public_docs
                               and (path in DOCS_PATHS or path.startswith(DOCS_ASSETS + "/"))):
            return None
        if self.settings.metrics_public and path == METRICS_PATH:
            return None
        header = _header(scope, b"authorization")
        scheme, _, credentials = (header or "").partition(" ")
        token = token_for(credentials, self.tokens) if scheme.lower() == "bearer" else None
        if token is not None:
            scope["state"]["person"] = token.person
            return None
        detail = ("This API needs a token: send 'Authorization: Bearer <token>'." if not header
                  else "The API token is not valid.")
        return problem_response(401, detail, type_=problem_type("unauthorized"), title="Unauthorized",
                                instance=path, headers={"WWW-Authenticate": 'Bearer realm="reelscope"'})

    def _declared_too_large(self, scope: Scope):
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.settings.max_body_bytes:
            return self._too_large(scope.get("path", ""))
        return None

    def _too_large(self, path: str):
        limit = self.settings.max_body_bytes
        return problem_response(413, f"The request body is larger than {limit} bytes.",
                                type_=problem_type("body-too-large"), title="Content too large", instance=path,
                                max_body_bytes=limit)

    async def _buffered(self, receive: Receive) -> Receive:
        """Read the whole body (bounded by the limit, chunked uploads included) and replay it to the app."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                first: Message | None = message
                break
            body = message.get("body", b"")
            size += len(body)
            if size > self.settings.max_body_bytes:
                raise _BodyTooLarge()
            chunks.append(body)
            if not message.get("more_body", False):
                first = None
                break
        replay: list[Message] = [first] if first is not None else [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Message:
            if replay:
                return replay.pop(0)
            return await receive()

        return replayed


class TrustedHosts(TrustedHostMiddleware):
    """Starlette's Host header check (``REELSCOPE_API_ALLOWED_HOSTS``), its refusal as problem details.

    Without it any Host was accepted, and redirects (e.g. a trailing slash) pointed wherever the Host said.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        self.inner = app
        super().__init__(self._allowed, allowed_hosts=list(allowed_hosts), www_redirect=False)

    async def _allowed(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["reelscope.host_allowed"] = True
        await self.inner(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allow_any or scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        refused = False

        async def problem_on_refusal(message: Message) -> None:
            nonlocal refused
            if scope.get("reelscope.host_allowed"):
                await send(message)
            elif not refused:  # Starlette's own plain-text 400: answer problem details instead, once
                refused = True
                response = problem_response(400, "This server does not answer to that Host header "
                                                 "(REELSCOPE_API_ALLOWED_HOSTS).", type_=problem_type("invalid-host"),
                                            title="Invalid Host header", instance=scope.get("path"))
                await response(scope, receive, send)

        await super().__call__(scope, receive, problem_on_refusal)
