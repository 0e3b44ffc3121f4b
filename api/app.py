"""The FastAPI application: ``create_app()`` builds it; ``python -m core api`` serves it with uvicorn."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline

import core
from api.export_routes import router as export_router
from api.export_routes import startup_housekeeping
from api.guard import DOCS_ASSETS, GuardMiddleware, TrustedHosts
from api.metrics_route import instrument
from api.problems import install_problem_handlers
from api.routes import router
from api.settings import ApiSettings, load_api_settings
from api.watch_routes import router as watch_router

log = logging.getLogger("reelscope.api")

DESCRIPTION = """\
Submit Instagram usernames, poll each analysis, read its reels (with every metric) and summary, and download
the same CSV/JSON/Excel/Parquet export as `python -m core export`, inline or as an export job whose signed link
works without the token until it expires (resumable with Range requests).

* Errors are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) problem details (`application/problem+json`).
* When `REELSCOPE_API_TOKEN` is set, every `/api/v1` request needs `Authorization: Bearer <token>`
  (these docs and `/openapi.json` need it too unless `REELSCOPE_API_PUBLIC_DOCS=1`).
* Requests are rate limited per client IP (`REELSCOPE_API_RATE_LIMIT`, 429 with `Retry-After`) and request bodies
  are limited in size (`REELSCOPE_API_MAX_BODY_BYTES`, 413).
"""


@asynccontextmanager
async def _lifespan(app: FastAPI):
    from core.exports.leftovers import clean_export_leftovers
    from core.jobs.submission import recover_orphans

    clean_export_leftovers()  # partial export files a killed process left; never raises
    try:
        failed = recover_orphans()
        if failed:
            log.info("marked %d analyses of stopped processes as failed", failed)
    except Exception:  # noqa: BLE001 - a broken database shows up in /health; the API still starts
        log.exception("could not check for interrupted analyses")
    try:
        startup_housekeeping()
    except Exception:  # noqa: BLE001 - as above: the API starts; the housekeeping loop tries again
        log.exception("could not delete expired export files")
    yield


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """A new app; ``settings`` default to the environment (REELSCOPE_API_*)."""
    settings = settings or load_api_settings()
    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from the installed package, not from a CDN.
    app = FastAPIOffline(title="ReelScope API", version=core.__version__, description=DESCRIPTION,
                         lifespan=_lifespan, static_url=DOCS_ASSETS, openapi_tags=[
                             {"name": "analyses", "description": "Submit, poll, retry, cancel, delete."},
                             {"name": "results", "description": "Reels, summary and exports of an analysis."},
                             {"name": "watches", "description": "Watchlist, growth across snapshots, alerts."},
                             {"name": "health", "description": "Liveness and database reachability."}])
    app.state.api_settings = settings
    install_problem_handlers(app)
    app.include_router(router)
    app.include_router(watch_router)
    instrument(app)  # GET /metrics (Prometheus) and the HTTP request metrics
    app.include_router(export_router)
    app.add_middleware(GuardMiddleware, settings=settings)
    app.add_middleware(TrustedHosts, allowed_hosts=settings.allowed_hosts)  # outermost: checked first
    app.openapi = lambda: _openapi(app)
    return app


def _openapi(app: FastAPI) -> dict:
    """The schema with a bearer security scheme, so /docs' "Authorize" button sends the token."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                         tags=app.openapi_tags)
    schema.setdefault("components", {})["securitySchemes"] = {
        "bearerToken": {"type": "http", "scheme": "bearer",
                        "description": "Needed when the server sets REELSCOPE_API_TOKEN."}}
    schema["security"] = [{"bearerToken": []}, {}]
    _document_problems(schema)
    app.openapi_schema = schema
    return schema


# What GuardMiddleware and TrustedHosts may answer to any request, before it reaches an endpoint.
GUARD_RESPONSES = {
    "400": "The Host header is not one this server answers to (REELSCOPE_API_ALLOWED_HOSTS).",
    "401": "A bearer token is needed (REELSCOPE_API_TOKEN is set) and was missing or wrong.",
    "413": "The request body is larger than REELSCOPE_API_MAX_BODY_BYTES.",
    "429": "Too many requests from this client (REELSCOPE_API_RATE_LIMIT); retry after `Retry-After` seconds.",
}


def _document_problems(schema: dict) -> None:
    """FastAPI documents its validation errors as HTTPValidationError; this API answers problem+json. The guard's
    refusals (400 Host, 401, 413, 429) can answer any operation, so each documents them."""
    problem = {"$ref": "#/components/schemas/Problem"}
    content = {"application/problem+json": {"schema": problem}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"]["content"] = content
            for code, description in GUARD_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": content})
            responses["429"].setdefault("headers", {"Retry-After": {
                "description": "Seconds until the client may send its next request.", "schema": {"type": "integer"}}})
    schemas = schema.get("components", {}).get("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
