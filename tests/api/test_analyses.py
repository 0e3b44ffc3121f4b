"""Submitting, polling, listing, retrying, cancelling and deleting analyses over the API."""

from __future__ import annotations

from api_helpers import submit_and_wait

from core.storage import analyses as store

PROBLEM = "application/problem+json"


def test_health_reports_ok_with_the_database_reachable(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_submitting_valid_names_returns_202_with_one_pending_analysis_each(client, store_env):
    response = client.post("/api/v1/analyses", json={"usernames": ["few_posts", "@Demo_Food"], "max_reels": 2})
    assert response.status_code == 202
    analyses = response.json()["analyses"]
    assert [a["username"] for a in analyses] == ["few_posts", "demo_food"]
    assert {a["status"] for a in analyses} <= {"pending", "processing", "completed"}
    states = submit_and_wait(client, ["few_posts"])
    assert store.get_state(store_env, states[0]).status == "completed"


def test_invalid_names_give_422_naming_each_name_and_rule_and_create_nothing(client, store_env):
    response = client.post("/api/v1/analyses", json={"usernames": ["good_name", "bad!name", "a..b", "x" * 31]})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422 and problem["type"].endswith("invalid-usernames")
    assert problem["instance"] == "/api/v1/analyses"
    by_name = {e["username"]: e for e in problem["errors"]}
    assert set(by_name) == {"bad!name", "a..b", "x" * 31}
    assert "letters a-z" in by_name["bad!name"]["rule"]
    assert by_name["a..b"]["rule"] == "may not contain '..'"
    assert "longer than 30" in by_name["x" * 31]["rule"]
    assert by_name["a..b"]["pointer"] == "#/usernames/2"
    assert store.list_states(store_env) == []


def test_too_many_names_and_malformed_bodies_are_422_problems(client, store_env, monkeypatch):
    monkeypatch.setenv("REELSCOPE_MAX_USERNAMES", "2")
    too_many = client.post("/api/v1/analyses", json={"usernames": ["a1", "b2", "c3"]})
    assert too_many.status_code == 422 and "Too many usernames" in too_many.json()["detail"]
    for body in ({}, {"usernames": []}, {"usernames": "natgeo"}, {"usernames": ["a"], "max_reels": -1},
                 {"usernames": ["a"], "unexpected": 1}):
        response = client.post("/api/v1/analyses", json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["errors"], body
    not_json = client.post("/api/v1/analyses", content=b"{", headers={"content-type": "application/json"})
    assert not_json.status_code == 422 and not_json.headers["content-type"] == PROBLEM
    assert store.list_states(store_env) == []


def test_an_analysis_reports_status_progress_and_counts(client):
    [analysis_id] = submit_and_wait(client, ["few_posts"])
    body = client.get(f"/api/v1/analyses/{analysis_id}").json()
    assert body["analysis_id"] == analysis_id and body["username"] == "few_posts"
    assert body["status"] == "completed" and body["progress"] == 100
    assert body["reels_stored"] == 3 and body["error"] is None and body["error_kind"] is None
    assert {"message", "eta_seconds", "created_at", "finished_at"} <= set(body)
    assert body["links"]["reels"] == f"/api/v1/analyses/{analysis_id}/reels"
    assert body["data_source"] == "emulator"  # the test store scrapes the built-in emulator


def test_unknown_ids_are_404_problems_on_every_analysis_endpoint(client):
    for method, suffix in (("get", ""), ("get", "/reels"), ("get", "/summary"), ("get", "/export"),
                           ("post", "/retry"), ("post", "/cancel"), ("delete", "")):
        response = client.request(method.upper(), f"/api/v1/analyses/nope{suffix}")
        assert response.status_code == 404, (method, suffix)
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith("analysis-not-found")
        assert "nope" in response.json()["detail"]


def test_listing_filters_by_username_and_status(client):
    ok = submit_and_wait(client, ["few_posts"])[0]
    failed = submit_and_wait(client, ["no_such_user_here"])[0]
    everything = client.get("/api/v1/analyses").json()["analyses"]
    assert {a["analysis_id"] for a in everything} == {ok, failed}
    assert [a["analysis_id"] for a in client.get("/api/v1/analyses?username=@Few_Posts").json()["analyses"]] == [ok]
    assert [a["analysis_id"] for a in client.get("/api/v1/analyses?status=failed").json()["analyses"]] == [failed]
    assert client.get("/api/v1/analyses?status=bogus").status_code == 422


def test_a_failed_analysis_can_be_retried_and_a_completed_one_cannot(client):
    failed = submit_and_wait(client, ["no_such_user_here"])[0]
    state = client.get(f"/api/v1/analyses/{failed}").json()
    assert state["status"] == "failed" and state["error_kind"] and state["error"]
    retried = client.post(f"/api/v1/analyses/{failed}/retry")
    assert retried.status_code == 202 and retried.json()["status"] in {"pending", "processing", "failed"}

    ok = submit_and_wait(client, ["few_posts"])[0]
    conflict = client.post(f"/api/v1/analyses/{ok}/retry")
    assert conflict.status_code == 409 and conflict.headers["content-type"] == PROBLEM
    assert client.post(f"/api/v1/analyses/{ok}/cancel").status_code == 409


def test_deleting_removes_the_analysis_and_its_reels(client, store_env):
    ok = submit_and_wait(client, ["few_posts"])[0]
    assert client.delete(f"/api/v1/analyses/{ok}").status_code == 204
    assert client.get(f"/api/v1/analyses/{ok}").status_code == 404
    assert store.get_state(store_env, ok) is None


def test_a_pending_analysis_can_be_cancelled_and_deleted(client, store_env):
    from core.jobs.submission import create_analyses

    [pending] = create_analyses(["few_posts"], db=store_env, start=False)
    cancelled = client.post(f"/api/v1/analyses/{pending}/cancel")
    assert cancelled.status_code == 202
    assert (cancelled.json()["status"], cancelled.json()["error_kind"]) == ("failed", "cancelled")
    assert client.delete(f"/api/v1/analyses/{pending}").status_code == 204
    assert store.get_state(store_env, pending) is None
