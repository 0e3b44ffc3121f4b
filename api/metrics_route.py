"""``GET /metrics``: Prometheus text format (core.observability.exposition), and the API's own HTTP metrics.

The API token rule applies, unless ``REELSCOPE_METRICS_PUBLIC=1`` (api.guard). HTTP requests are measured by
prometheus-fastapi-instrumentator (``reelscope_http_*``), grouped by route template, not by raw path.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import Response
from prometheus_fastapi_instrumentator import Instrumentator

from api.guard import METRICS_PATH
from core.observability.exposition import CONTENT_TYPE, metrics_registry, metrics_text

router = APIRouter()


@router.get(METRICS_PATH, include_in_schema=False)
def metrics() -> Response:
    return Response(content=metrics_text(), media_type=CONTENT_TYPE)


def instrument(app: FastAPI) -> None:
    """Serve ``/metrics`` and measure the app's HTTP requests into this process's registry (another app in the same
    process reuses the metrics already registered: the instrumentator tolerates the duplicates)."""
    Instrumentator(should_group_status_codes=False, excluded_handlers=[METRICS_PATH],
                   registry=metrics_registry()).instrument(app, metric_namespace="reelscope")
    app.include_router(router)
