"""`python -m core worker --metrics-port`: a prefork Celery worker serves the metrics of its pool's child processes
(prometheus_client's multiprocess mode) together with the store's figures."""

from __future__ import annotations

import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from core.jobs.submission import create_analyses, wait_for
from tests.scaleout.conftest import free_port

pytestmark = pytest.mark.slow


def samples(url: str) -> list:
    text = requests.get(url, timeout=10).text
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def value(found: list, name: str, **labels) -> float:
    return sum(s.value for s in found if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def test_a_prefork_worker_serves_its_children_metrics_and_the_store_figures(celery_env, workers, emulator):
    port = free_port()
    worker = workers.start(celery_env, concurrency=2, extra_args=("--metrics-port", str(port)))
    workers.wait_ready(worker)
    ids = create_analyses(["few_posts", "no_such_profile_9"])
    states = wait_for(ids, timeout=120)
    assert sorted(s.status for s in states) == ["completed", "failed"]

    url = f"http://127.0.0.1:{port}/metrics"
    # A run's duration is observed after its completion step (alerts, topics), a moment after the store says done.
    deadline = time.monotonic() + 30
    found = samples(url)
    while value(found, "reelscope_analysis_duration_seconds_count") < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        found = samples(url)
    assert value(found, "reelscope_analysis_duration_seconds_count", status="completed") == 1
    assert value(found, "reelscope_analysis_duration_seconds_count", status="failed") == 1
    assert value(found, "reelscope_instagram_requests_total", capability="profile", outcome="ok") >= 1
    assert value(found, "reelscope_analyses_total", status="completed") == 1
    assert value(found, "reelscope_analyses_total", status="failed", error_kind="not_found") == 1
    assert value(found, "reelscope_queue_depth") == 0
    assert value(found, "reelscope_build_info") == 1
    seen = [s.value for s in found if s.name == "reelscope_worker_last_seen_timestamp_seconds"]
    assert seen and max(seen) > time.time() - 60
