"""Issue 14 items 4-7 against the API: bad input is a 422 (never a 500), the Host header is checked, the schema
documents every answer, 405 names every method, and the rate limit cannot be dodged."""

from __future__ import annotations

import re

import pytest
from api_helpers import api_settings
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import LOOPBACK_HOSTS, load_api_settings
from core.analytics.metrics import PLAYS_TIERS
from core.exports.fields import all_fields
from core.jobs.submission import MAX_REELS_LIMIT
from core.storage import analyses as store

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("max_reels", [9223372036854775808, 2**63 - 1, MAX_REELS_LIMIT + 1, -1])
def test_a_max_reels_beyond_the_documented_bound_is_422_and_nothing_is_created(client, store_env, max_reels):
    response = client.post("/api/v1/analyses", json={"usernames": ["few_posts"], "max_reels": max_reels})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["pointer"] == "#/max_reels"
    assert store.list_states(store_env) == []


def test_a_username_with_a_lone_surrogate_is_a_readable_422(client, store_env):
    body = b'{"usernames": ["few_posts", "ab\\ud83dcd"]}'  # a cut emoji, escaped in JSON as clients send it
    response = client.post("/api/v1/analyses", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("invalid-usernames")
    assert problem["errors"][0]["username"] == "ab\ufffdcd" and problem["errors"][0]["pointer"] == "#/usernames/1"
    assert store.list_states(store_env) == []


def test_a_405_lists_every_method_the_path_allows(client):
    response = client.put("/api/v1/analyses/some-id")
    assert response.status_code == 405 and response.headers["content-type"] == PROBLEM
    assert response.headers["allow"] == "GET, DELETE"
    assert client.patch("/api/v1/analyses").headers["allow"] == "GET, POST"


def test_a_non_ascii_token_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("REELSCOPE_API_TOKEN", "pässwörd")
    with pytest.raises(ValueError, match="REELSCOPE_API_TOKEN must be printable ASCII"):
        load_api_settings()


def test_allowed_hosts_default_to_the_localhost_names_on_a_loopback_address_only(monkeypatch):
    monkeypatch.delenv("REELSCOPE_API_ALLOWED_HOSTS", raising=False)
    assert load_api_settings(bind_host="127.0.0.1").allowed_hosts == LOOPBACK_HOSTS
    assert load_api_settings(bind_host="::1").allowed_hosts == LOOPBACK_HOSTS
    assert load_api_settings(bind_host="0.0.0.0").allowed_hosts == ("*",)
    monkeypatch.setenv("REELSCOPE_API_ALLOWED_HOSTS", "api.example.org, *.example.net")
    assert load_api_settings(bind_host="127.0.0.1").allowed_hosts == ("api.example.org", "*.example.net")


def test_a_foreign_host_header_is_refused_and_never_reflected_in_a_redirect(store_env):
    client = TestClient(create_app(api_settings(allowed_hosts=LOOPBACK_HOSTS)), base_url="http://localhost:8000")
    with client:
        redirect = client.get("/api/v1/analyses/", follow_redirects=False)
        assert redirect.status_code == 307 and redirect.headers["location"].startswith("http://localhost:8000/")
        foreign = client.get("/api/v1/analyses/", headers={"Host": "evil.example"}, follow_redirects=False)
        assert foreign.status_code == 400 and foreign.headers["content-type"] == PROBLEM
        assert "location" not in foreign.headers and "evil.example" not in foreign.text
        assert client.get("/api/v1/health", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_the_schema_documents_guard_answers_enumerations_and_the_username_pattern(client):
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "413", "429"} <= set(operation["responses"]), (method, path)
    reels = {p["name"]: p for p in schema["paths"]["/api/v1/analyses/{analysis_id}/reels"]["get"]["parameters"]}
    assert "plays" in reels["sort"]["schema"]["enum"]
    tier_pattern = reels["tier"]["schema"]["anyOf"][0]["items"]["pattern"]
    assert all(re.fullmatch(tier_pattern, tier) for tier in PLAYS_TIERS)
    assert re.fullmatch(tier_pattern, "viral,strong") and not re.fullmatch(tier_pattern, "famous")
    export = {p["name"]: p for p in schema["paths"]["/api/v1/analyses/{analysis_id}/export"]["get"]["parameters"]}
    fields_pattern = export["fields"]["schema"]["anyOf"][0]["pattern"]
    assert re.fullmatch(fields_pattern, ",".join(all_fields())) and not re.fullmatch(fields_pattern, "shortcode,x")
    request = schema["components"]["schemas"]["AnalysisRequest"]["properties"]
    username_pattern = request["usernames"]["items"]["pattern"]
    assert re.fullmatch(username_pattern, "@nat.geo_1") and not re.fullmatch(username_pattern, "a..b")
    assert request["max_reels"]["anyOf"][0]["maximum"] == MAX_REELS_LIMIT


def test_deleting_a_running_analysis_cancels_it_and_logs_no_internal_error(client, store_env, emulator, caplog):
    import logging
    import time

    from core.jobs.threads import get_runner
    from emulator import Fault

    emulator.add_fault(Fault("slow", username="demo_food", endpoint="post", delay_ms=150))
    [created] = client.post("/api/v1/analyses", json={"usernames": ["demo_food"]}).json()["analyses"]
    analysis_id = created["analysis_id"]
    deadline = time.monotonic() + 30
    while client.get(f"/api/v1/analyses/{analysis_id}").json()["progress"] < 35:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    reelscope_log = logging.getLogger("reelscope")  # it does not propagate (core.logs): listen to it directly
    reelscope_log.addHandler(caplog.handler)
    try:
        assert client.delete(f"/api/v1/analyses/{analysis_id}").status_code == 204
        while get_runner().running():  # the job notices at its next step and stops
            assert time.monotonic() < deadline + 30
            time.sleep(0.05)
    finally:
        reelscope_log.removeHandler(caplog.handler)
    assert client.get(f"/api/v1/analyses/{analysis_id}").status_code == 404
    assert store.list_states(store_env) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]
    assert any("no longer running here" in r.getMessage() for r in caplog.records)
