"""Named API tokens with roles (REELSCOPE_API_TOKENS): analysts may analyse and read, only admins may delete and
change watches; every analysis and watch records who asked (the token's name)."""

from __future__ import annotations

import json

import pytest

from api.settings import load_api_settings
from core.exports.documents import ExportOptions, open_export
from core.signin.tokens import parse_api_tokens
from core.storage import analyses as store
from core.watchlists.watches import list_watches

TOKENS = "nightly:analyst:analyst-secret-1,ops:admin:admin-secret-2"
ANALYST = {"Authorization": "Bearer analyst-secret-1"}
ADMIN = {"Authorization": "Bearer admin-secret-2"}
LEGACY = {"Authorization": "Bearer the-old-single-token"}


@pytest.fixture
def team_client(make_client, store_env):
    return make_client(token="the-old-single-token", tokens=parse_api_tokens(TOKENS, "the-old-single-token"))


def test_an_analyst_token_may_analyse_and_the_analysis_records_its_name(team_client, store_env):
    response = team_client.post("/api/v1/analyses", json={"usernames": ["few_posts"]}, headers=ANALYST)
    assert response.status_code == 202, response.text
    analysis_id = response.json()["analyses"][0]["analysis_id"]
    assert store.get_state(store_env, analysis_id).requested_by == "nightly"
    assert team_client.get(f"/api/v1/analyses/{analysis_id}", headers=ANALYST).json()["requested_by"] == "nightly"


def test_an_analyst_token_gets_403_on_delete_and_watch_changes_and_nothing_changes(team_client, store_env):
    created = team_client.post("/api/v1/analyses", json={"usernames": ["few_posts"]}, headers=ADMIN).json()
    analysis_id = created["analyses"][0]["analysis_id"]
    refused = team_client.delete(f"/api/v1/analyses/{analysis_id}", headers=ANALYST)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "only an admin token may" in refused.json()["detail"]
    assert store.get_state(store_env, analysis_id) is not None
    assert team_client.post("/api/v1/watches", json={"usernames": ["demo_food"]}, headers=ANALYST).status_code == 403
    assert list_watches(store_env) == []
    team_client.post("/api/v1/watches", json={"usernames": ["demo_food"]}, headers=ADMIN)
    assert team_client.delete("/api/v1/watches/demo_food", headers=ANALYST).status_code == 403
    assert [w.username for w in list_watches(store_env)] == ["demo_food"]


def test_an_admin_token_may_delete_and_change_watches_and_is_recorded(team_client, store_env):
    created = team_client.post("/api/v1/analyses", json={"usernames": ["few_posts"]}, headers=ADMIN).json()
    analysis_id = created["analyses"][0]["analysis_id"]
    assert store.get_state(store_env, analysis_id).requested_by == "ops"
    assert team_client.post("/api/v1/watches", json={"usernames": ["demo_food"]}, headers=ADMIN).status_code == 201
    with store_env.session() as session:
        from core.storage.models import Watch
        assert session.get(Watch, "demo_food").requested_by == "ops"
    assert team_client.delete("/api/v1/watches/demo_food", headers=ADMIN).status_code == 204
    assert team_client.delete(f"/api/v1/analyses/{analysis_id}", headers=ADMIN).status_code == 204
    assert store.get_state(store_env, analysis_id) is None


def test_the_single_api_token_stays_valid_as_an_admin_token_named_api(team_client, store_env):
    created = team_client.post("/api/v1/analyses", json={"usernames": ["few_posts"]}, headers=LEGACY).json()
    analysis_id = created["analyses"][0]["analysis_id"]
    assert store.get_state(store_env, analysis_id).requested_by == "api"
    assert team_client.delete(f"/api/v1/analyses/{analysis_id}", headers=LEGACY).status_code == 204


def test_an_unknown_token_is_still_401(team_client):
    assert team_client.get("/api/v1/analyses", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_json_export_carries_requested_by(team_client, store_env):
    response = team_client.post("/api/v1/analyses", json={"usernames": ["few_posts"]}, headers=ANALYST)
    [analysis_id] = [a["analysis_id"] for a in response.json()["analyses"]]
    from core.jobs.submission import wait_for
    wait_for([analysis_id], timeout=120, poll=0.05)
    document = json.loads(team_client.get(f"/api/v1/analyses/{analysis_id}/export?format=json",
                                          headers=ANALYST).content)
    assert document["analysis"]["requested_by"] == "nightly"
    exported = open_export(store_env, analysis_id, ExportOptions(format="json")).read_all()  # the CLI's export
    assert json.loads(exported)["analysis"]["requested_by"] == "nightly"


def test_the_environment_gives_named_tokens_with_roles(monkeypatch):
    monkeypatch.setenv("REELSCOPE_API_TOKENS", " nightly:analyst:a1 , ops:ADMIN:b2,")
    monkeypatch.setenv("REELSCOPE_API_TOKEN", "legacy")
    tokens = load_api_settings().tokens
    assert [(t.name, str(t.role), t.secret) for t in tokens] == [("api", "admin", "legacy"),
                                                                 ("nightly", "analyst", "a1"), ("ops", "admin", "b2")]


@pytest.mark.parametrize(("value", "message"), [
    ("nightly:analyst", "expected name:role:token"),
    ("nightly:owner:x", "has role 'owner'; use admin or analyst"),
    ("a:admin:x,a:analyst:y", "the name 'a' is used twice"),
    ("a:admin:caf\u00e9", "printable ASCII"),
])
def test_a_malformed_token_list_is_refused_with_one_sentence(value, message):
    with pytest.raises(ValueError, match=message):
        parse_api_tokens(value)


def test_an_export_records_the_token_that_asked_for_it(team_client, store_env):
    from core.jobs.submission import wait_for
    from core.storage.models import ExportRecord

    response = team_client.post("/api/v1/analyses", json={"usernames": ["few_posts"]}, headers=ADMIN)
    [analysis_id] = [a["analysis_id"] for a in response.json()["analyses"]]
    wait_for([analysis_id], timeout=120, poll=0.05)
    assert team_client.get(f"/api/v1/analyses/{analysis_id}/export?format=csv", headers=ANALYST).status_code == 200
    with store_env.session() as session:
        assert [r.requested_by for r in session.query(ExportRecord).all()] == ["nightly"]
