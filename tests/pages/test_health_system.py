"""The Health page's System section: the figures of /metrics, the alert rules with their thresholds, active alerts."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.jobs.owners import process_owner
from core.jobs.pipeline import run_analysis
from core.observability.system_alerts import check_system_alerts
from core.storage.analyses import insert_analyses
from tests.pages.conftest import open_page


def _health(db) -> AppTest:
    at = open_page("pages/4_Health.py")
    assert not at.exception, at.exception
    return at


def test_health_shows_the_error_rate_and_an_active_system_alert(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_SYSTEM_ALERT_DISK_FREE_PERCENT", "0")
    for analysis_id in insert_analyses(empty_store, ["few_posts", *(f"nobody_{n}" for n in range(5))], None,
                                       process_owner()):
        run_analysis(analysis_id, empty_store)
    check_system_alerts(empty_store)
    at = _health(empty_store)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Error rate (15 min)"] == "83%"
    assert metrics["Queue"] == "0"
    assert any("**error_rate** since" in e.value for e in at.error)
    rules = at.dataframe[0].value
    assert list(rules["rule"]) == ["error_rate", "no_worker", "instagram_refusals", "disk_space", "slow_analyses"]
    assert rules.set_index("rule").loc["error_rate", "setting"] == "REELSCOPE_SYSTEM_ALERT_ERROR_RATE"
    assert any("set REELSCOPE_ALERT_WEBHOOK_URL" in c.value for c in at.caption)


def test_health_on_a_quiet_store_says_no_system_alert_is_active(empty_store):
    at = _health(empty_store)
    assert {m.label: m.value for m in at.metric}["Error rate (15 min)"] == "–"
    assert any(s.value == "No system alert is active." for s in at.success)


def test_the_dashboard_serves_metrics_on_its_metrics_port(empty_store, monkeypatch):
    import sys

    import requests

    from tests.observability.conftest import free_port

    port = free_port()
    monkeypatch.setattr(sys, "argv", ["streamlit_app.py", "--metrics-port", str(port)])  # streamlit run … -- …
    _health(empty_store)
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    assert "reelscope_queue_depth 0.0" in text
    assert 'reelscope_analyses_total{data_source="emulator",error_kind="",status="completed"} 0.0' in text
