"""The registry ``/metrics`` serves: this process's metrics plus the store's figures, read at scrape time.

``python -m core api`` serves it at ``/metrics``; a worker or dashboard without an API serves it on its own port
(``--metrics-port``, ``serve_metrics``). With ``PROMETHEUS_MULTIPROC_DIR`` set (a Celery prefork worker), the
process metrics of every child process are gathered from that folder (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import argparse
import os
import threading
from typing import Sequence

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core.observability import instagram_requests, process_metrics  # noqa: F401 - registers their metrics
from core.observability.store_collector import StoreCollector
from core.storage.engine import get_database

CONTENT_TYPE = CONTENT_TYPE_LATEST

_lock = threading.Lock()
_registry: CollectorRegistry | None = None


def metrics_registry() -> CollectorRegistry:
    """This process's registry for ``/metrics`` (built once): process metrics and the store collector."""
    global _registry
    with _lock:
        if _registry is None:
            if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
                registry = CollectorRegistry(auto_describe=False)
                multiprocess.MultiProcessCollector(registry)
            else:
                registry = REGISTRY
            registry.register(StoreCollector(get_database))
            _registry = registry
        return _registry


def metrics_text() -> bytes:
    """The Prometheus text exposition of ``metrics_registry()``."""
    return generate_latest(metrics_registry())


def serve_metrics(port: int, host: str = "127.0.0.1") -> int:
    """Serve ``/metrics`` on ``port`` from a daemon thread (0: a free port); the port in use."""
    server, _thread = start_http_server(port, addr=host, registry=metrics_registry())
    return server.server_address[1]


_served: dict[int, int] = {}
_serve_lock = threading.Lock()


def serve_metrics_once(port: int, host: str = "127.0.0.1") -> int:
    """``serve_metrics`` unless this process already serves ``port`` (the dashboard runs its start-up per session)."""
    with _serve_lock:
        if port not in _served:
            _served[port] = serve_metrics(port, host)
        return _served[port]


def metrics_port_from_argv(argv: Sequence[str]) -> int | None:
    """``--metrics-port P`` among a script's arguments (``streamlit run streamlit_app.py -- --metrics-port 9101``)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--metrics-port", type=int, default=None)
    known, _ = parser.parse_known_args(list(argv))
    return known.metrics_port

