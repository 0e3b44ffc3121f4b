"""API fixtures: a TestClient over a fresh store pointed at the emulator, and completed analyses to read."""

from __future__ import annotations

import pytest
from api_helpers import api_settings, submit_and_wait
from fastapi.testclient import TestClient

from api.app import create_app
from tests.conftest import demo_session


@pytest.fixture
def make_client(store_env):
    """A TestClient factory: make_client(token="t", rate_limit=RateLimit(2, 60), ...)."""
    clients = []

    def make(**overrides) -> TestClient:
        client = TestClient(create_app(api_settings(**overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def completed(client, store_env) -> str:
    """The id of a completed analysis of demo_travel (36 reels, one pinned, two viral), logged in (with plays)."""
    with demo_session():
        [analysis_id] = submit_and_wait(client, ["demo_travel"])
    assert client.get(f"/api/v1/analyses/{analysis_id}").json()["status"] == "completed"
    return analysis_id
