"""A real Prometheus scrapes the real API while analyses run in another process (the CLI)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import pytest
import requests

from tests.observability.conftest import ROOT, TOKEN

pytestmark = pytest.mark.slow

ERROR_RATE_ALERT = "ReelScopeAnalysisErrorRateHigh"


def analyze(env: dict, *usernames: str) -> None:
    done = subprocess.run([sys.executable, "-m", "core", "analyze", *usernames, "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr


def scraped_totals(prometheus) -> dict[tuple[str, str, str], float]:
    # Prometheus drops a label whose value is empty: a completed analysis has no error_kind there.
    return {(r["metric"]["status"], r["metric"].get("error_kind", ""), r["metric"]["data_source"]): float(r["value"][1])
            for r in prometheus.query('reelscope_analyses_total{job="reelscope-api"} > 0')}


def stored_totals(database_path) -> dict[tuple[str, str, str], float]:
    with sqlite3.connect(database_path) as conn:
        rows = conn.execute("SELECT status, COALESCE(error_kind, ''), data_source, COUNT(*) FROM analyses "
                            "GROUP BY status, error_kind, data_source").fetchall()
    return {(status, kind, source): float(count) for status, kind, source, count in rows}


def wait_for(condition, timeout: float = 60.0, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


def alert_state(prometheus, name: str) -> str | None:
    return next((a["state"] for a in prometheus.alerts() if a["labels"]["alertname"] == name), None)


def test_scraped_analyses_match_the_store_and_an_error_burst_fires_the_rule(api_server, prometheus):
    assert requests.get(f"{api_server.base}/metrics", timeout=10).status_code == 401  # the token rule applies
    # Prometheus has scraped the zero series before anything runs, so increase() sees every failure.
    assert wait_for(lambda: prometheus.query('reelscope_analyses_total{status="failed",error_kind="not_found"}'))

    analyze(api_server.env, "few_posts", "empty_profile", "no_such_profile_1", "private_account")
    expected = {("completed", "", "emulator"): 2.0, ("failed", "not_found", "emulator"): 1.0,
                ("failed", "private", "emulator"): 1.0}
    assert stored_totals(api_server.database_path) == expected
    assert wait_for(lambda: scraped_totals(prometheus) == expected), scraped_totals(prometheus)
    time.sleep(3)  # three rule evaluations: 2 failed of 4 is neither enough analyses nor above half
    assert alert_state(prometheus, ERROR_RATE_ALERT) is None

    analyze(api_server.env, *(f"no_such_profile_{n}" for n in range(2, 8)))
    assert wait_for(lambda: scraped_totals(prometheus) == stored_totals(api_server.database_path))
    assert scraped_totals(prometheus)[("failed", "not_found", "emulator")] == 7.0
    assert wait_for(lambda: alert_state(prometheus, ERROR_RATE_ALERT) == "firing"), prometheus.alerts()


def test_the_api_answers_scrapes_with_the_token_only(api_server):
    metrics = f"{api_server.base}/metrics"
    assert requests.get(metrics, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
    answer = requests.get(metrics, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert "reelscope_queue_depth 0.0" in answer.text


def test_every_grafana_panel_query_is_valid_promql_over_metrics_the_api_serves(api_server, prometheus):
    import json
    import re

    dashboard = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "reelscope.json").read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(expressions) >= 15
    for expr in expressions:
        answer = requests.get(f"{prometheus.base}/api/v1/query", timeout=10,
                              params={"query": expr.replace("$__rate_interval", "1m")}).json()
        assert answer["status"] == "success", (expr, answer)
    served = requests.get(f"{api_server.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).text
    families = set(re.findall(r"^# TYPE (\w+)", served, re.M)) | {"reelscope:analyses_finished:increase15m"}
    for name in set(re.findall(r"reelscope[:_][\w:]+", " ".join(expressions))):
        assert any(name == f or name.startswith(f + "_") for f in families), name
