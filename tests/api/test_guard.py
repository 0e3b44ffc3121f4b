"""Token, rate limit, body size limit, and the one error format (problem details) everywhere."""

from __future__ import annotations

import asyncio

import pytest

from api.rate_limit import ClientRateLimiter
from api.settings import RateLimit, parse_rate_limit
from core.storage import analyses as store

PROBLEM = "application/problem+json"


def test_with_a_token_set_every_api_request_needs_it(make_client, store_env):
    client = make_client(token="s3cret-token")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"},
                    {"Authorization": "s3cret-token"}):
        for method, path in (("GET", "/api/v1/health"), ("GET", "/api/v1/analyses"), ("GET", "/nowhere"),
                             ("POST", "/api/v1/analyses")):
            response = client.request(method, path, headers=headers, json={"usernames": ["few_posts"]})
            assert response.status_code == 401, (headers, path)
            assert response.headers["content-type"] == PROBLEM
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["status"] == 401
    assert store.list_states(store_env) == []
    good = {"Authorization": "Bearer s3cret-token"}
    assert client.get("/api/v1/health", headers=good).status_code == 200
    assert client.get("/api/v1/analyses", headers=good).status_code == 200


def test_with_a_token_the_docs_need_it_too_unless_opened_explicitly(make_client):
    assert make_client(token="t").get("/openapi.json").status_code == 401
    assert make_client(token="t").get("/docs").status_code == 401
    assert make_client(token="t", public_docs=True).get("/docs").status_code == 200
    assert make_client().get("/openapi.json").status_code == 200


def test_bodies_over_the_limit_are_413(make_client, store_env):
    client = make_client(max_body_bytes=1024)
    big = {"usernames": ["a" * 20] * 100}
    declared = client.post("/api/v1/analyses", json=big)
    assert declared.status_code == 413 and declared.headers["content-type"] == PROBLEM

    def chunks():  # no Content-Length: the limit still applies while reading
        for _ in range(10):
            yield b" " * 200

    chunked = client.post("/api/v1/analyses", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    assert client.post("/api/v1/analyses", json={"usernames": ["few_posts"]}).status_code == 202
    assert len(store.list_states(store_env)) == 1


def test_clients_over_the_rate_limit_get_429_with_retry_after(make_client):
    client = make_client(rate_limit=RateLimit(3, 60.0))
    assert [client.get("/api/v1/health").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/health")
    assert limited.status_code == 429 and limited.headers["content-type"] == PROBLEM
    assert int(limited.headers["retry-after"]) >= 1 and limited.json()["retry_after"] >= 1


def test_the_limit_is_counted_per_client_by_the_limits_library():
    limiter = ClientRateLimiter(RateLimit(2, 60.0))

    async def hits() -> list[float]:
        return [await limiter.take(key) for key in ("a", "a", "a", "b")]

    waits = asyncio.run(hits())
    assert waits[:2] == [0.0, 0.0] and 0 < waits[2] <= 60 and waits[3] == 0.0


@pytest.mark.parametrize("text, expected", [
    ("120/minute", RateLimit(120, 60.0)), ("5/second", RateLimit(5, 1.0)), ("100", RateLimit(100, 60.0)),
    ("1000/hour", RateLimit(1000, 3600.0)), ("off", None), ("0", None), ("", RateLimit(600, 60.0)),
])
def test_rate_limit_settings_parse(text, expected):
    assert parse_rate_limit(text) == expected


def test_bad_rate_limit_setting_is_an_error():
    with pytest.raises(ValueError):
        parse_rate_limit("lots")


def test_unknown_routes_and_methods_are_problem_details(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    body = missing.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["instance"] == "/api/v1/nothing-here" and body["title"] == "Not Found"
    wrong_method = client.put("/api/v1/health")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"] == PROBLEM


def test_openapi_documents_every_endpoint_with_models(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path, method in (("/api/v1/health", "get"), ("/api/v1/analyses", "post"), ("/api/v1/analyses", "get"),
                         ("/api/v1/analyses/{analysis_id}", "get"), ("/api/v1/analyses/{analysis_id}", "delete"),
                         ("/api/v1/analyses/{analysis_id}/reels", "get"),
                         ("/api/v1/analyses/{analysis_id}/summary", "get"),
                         ("/api/v1/analyses/{analysis_id}/export", "get"),
                         ("/api/v1/analyses/{analysis_id}/retry", "post"),
                         ("/api/v1/analyses/{analysis_id}/cancel", "post")):
        assert method in paths[path], (path, method)
        assert paths[path][method]["summary"]
    assert "ReelPageOut" in schema["components"]["schemas"] and "Problem" in schema["components"]["schemas"]
    assert "application/problem+json" in paths["/api/v1/analyses"]["post"]["responses"]["422"]["content"]
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert "swagger" in client.get("/docs").text.lower()
