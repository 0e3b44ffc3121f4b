"""RFC 9457 problem details: the one error format of the API, for our errors and FastAPI's own."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from core.storage.unavailable import store_problem

log = logging.getLogger("reelscope.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:reelscope:problem:"


def problem_type(slug: str) -> str:
    return PROBLEM_BASE + slug


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(value: Any) -> Any:
    """``value`` with every lone UTF-16 surrogate (e.g. from a "\\ud83d" escape in the request's JSON) replaced by
    U+FFFD, in nested dicts and lists too: echoing one back would fail to encode as UTF-8 (a 500)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {encodable(k): encodable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encodable(v) for v in value]
    return value


def problem_response(status: int, detail: str | None = None, *, title: str | None = None, type_: str = "about:blank",
                     instance: str | None = None, errors: list[dict] | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """A problem+json response; ``title`` defaults to the status phrase (as RFC 9457 asks for about:blank)."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(encodable(body), status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


class ApiProblem(Exception):
    """Raised by endpoints; rendered as problem details by the handler below."""

    def __init__(self, status: int, detail: str, *, slug: str | None = None, title: str | None = None,
                 errors: list[dict] | None = None, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type_ = problem_type(slug) if slug else "about:blank"
        self.title = title
        self.errors = errors
        self.headers = headers
        self.extra = extra


def not_found(analysis_id: str) -> ApiProblem:
    return ApiProblem(404, f"No analysis with id {analysis_id!r}.", slug="analysis-not-found",
                      title="Analysis not found", analysis_id=analysis_id)


def _instance(request: Request) -> str:
    return request.url.path


def _pointer(loc: tuple | list) -> str:
    """FastAPI's error location as a JSON pointer: ("body", "usernames", 0) → "#/usernames/0"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        return "#/" + "/".join(parts[1:])
    return "#/" + "/".join(parts)


def validation_errors(exc: RequestValidationError) -> list[dict]:
    errors = []
    for error in exc.errors():
        loc = list(error.get("loc", ()))
        where = loc[0] if loc else "body"
        name = ".".join(str(p) for p in loc[1:]) if len(loc) > 1 else str(where)
        errors.append({"detail": error.get("msg", "invalid"), "pointer": _pointer(loc), "location": where,
                       "name": name, "code": error.get("type", "invalid")})
    return errors


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route serves on this path (Starlette's 405 names only the first matching route's)."""
    scope = {key: value for key, value in request.scope.items() if key not in ("route", "endpoint", "path_params")}
    allowed = [method for method in HTTP_METHODS
               if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in request.app.router.routes)]
    return ", ".join(allowed)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(exc.status, exc.detail, title=exc.title, type_=exc.type_, instance=_instance(request),
                                errors=exc.errors, headers=exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase \
            else None
        if exc.status_code == 404 and detail is None:
            detail = f"No route {request.method} {request.url.path}; see /docs for the API."
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            allowed = allowed_methods(request)
            detail = detail or f"Method {request.method} is not allowed on {request.url.path}; allowed: {allowed}."
            headers = {**(headers or {}), "Allow": allowed}
        return problem_response(exc.status_code, detail, instance=_instance(request), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc)
        summary = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:5])
        return problem_response(422, f"The request is not valid: {summary}.", title="Invalid request",
                                type_=problem_type("validation-error"), instance=_instance(request), errors=errors)

    @app.exception_handler(SQLAlchemyError)
    async def _store_problem(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        detail = store_problem(exc)
        if detail is None:
            return await _internal_problem(request, exc)
        log.warning("%s %s: %s", request.method, request.url.path, detail)  # never the SQL
        return problem_response(503, detail, title="Service unavailable", type_=problem_type("database-unavailable"),
                                instance=_instance(request), headers={"Retry-After": "60"})

    @app.exception_handler(Exception)
    async def _internal_problem(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "An internal error occurred; the server log has the details.",
                                instance=_instance(request))
