"""Helpers shared by the API tests."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.settings import DEFAULT_MAX_BODY_BYTES, ApiSettings
from core.jobs.submission import wait_for


def api_settings(**overrides) -> ApiSettings:
    values = {"token": None, "rate_limit": None, "max_body_bytes": DEFAULT_MAX_BODY_BYTES, "public_docs": False}
    values.update(overrides)
    return ApiSettings(**values)


def submit_and_wait(client: TestClient, usernames: list[str], **body) -> list[str]:
    response = client.post("/api/v1/analyses", json={"usernames": usernames, **body})
    assert response.status_code == 202, response.text
    ids = [a["analysis_id"] for a in response.json()["analyses"]]
    wait_for(ids, timeout=120, poll=0.05)
    return ids
