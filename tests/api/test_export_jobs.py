"""Export jobs and signed download links over the real app: POST, poll, download without the token, resume with
Range, expiry (410, then the file is gone), tampered and forged links (404), the cache, Parquet."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from core.exports.links import sign
from tests.conftest import demo_session

TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def export_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "exports"
    monkeypatch.setenv("REELSCOPE_EXPORT_DIR", str(folder))
    monkeypatch.setenv("REELSCOPE_SECRET_KEY_FILE", str(tmp_path / "key" / "secret_key"))
    monkeypatch.delenv("REELSCOPE_SECRET_KEY", raising=False)
    return folder


@pytest.fixture
def api(make_client, export_dir):
    return make_client(token=TOKEN)


@pytest.fixture
def analysis(api, store_env) -> str:
    with demo_session():  # logged in: plays and their tiers are known
        [analysis_id] = _submit(api)
    return analysis_id


def _submit(api) -> list[str]:
    from core.jobs.submission import wait_for

    response = api.post("/api/v1/analyses", json={"usernames": ["demo_travel"]}, headers=AUTH)
    assert response.status_code == 202, response.text
    ids = [a["analysis_id"] for a in response.json()["analyses"]]
    wait_for(ids, timeout=120, poll=0.05)
    return ids


def _ready(api, analysis_id: str, **body) -> dict:
    response = api.post(f"/api/v1/analyses/{analysis_id}/exports", json=body, headers=AUTH)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/api/v1/exports/{job['export_id']}"
    deadline = time.monotonic() + 60
    while job["status"] == "building" and time.monotonic() < deadline:
        time.sleep(0.05)
        job = api.get(f"/api/v1/exports/{job['export_id']}", headers=AUTH).json()
    assert job["status"] == "ready", job
    return job


def _cli_export(analysis_id: str, *args: str) -> bytes:
    result = subprocess.run([sys.executable, "-m", "core", "export", analysis_id, *args], capture_output=True,
                            env=dict(os.environ), timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_round_trip_download_without_token_gives_the_cli_bytes_and_resumes(api, analysis):
    job = _ready(api, analysis, format="csv", plain=True, gzip=True)
    assert job["url"].startswith("/api/v1/downloads/") and job["progress"] == 100 and job["rows"] == 36
    whole = api.get(job["url"])  # no Authorization header
    assert whole.status_code == 200
    assert whole.content == _cli_export(analysis, "--format", "csv", "--plain", "--gzip")
    assert len(whole.content) == job["bytes"] and whole.headers["etag"] == f'"{job["sha256"]}"'
    half = len(whole.content) // 2
    rest = api.get(job["url"], headers={"Range": f"bytes={half}-"})
    assert rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes {half}-{len(whole.content) - 1}/{len(whole.content)}"
    assert whole.content[:half] + rest.content == whole.content


def test_json_by_link_matches_the_cli_apart_from_exported_at(api, analysis):
    job = _ready(api, analysis, format="json")
    linked = json.loads(api.get(job["url"]).content)
    cli = json.loads(_cli_export(analysis, "--format", "json"))
    assert linked.pop("exported_at") and cli.pop("exported_at")
    assert linked == cli


def test_head_and_ranges_answer_as_http_says(api, analysis):
    job = _ready(api, analysis, format="json")
    size = job["bytes"]
    head = api.head(job["url"])
    assert head.status_code == 200 and head.content == b""
    assert head.headers["accept-ranges"] == "bytes" and head.headers["content-length"] == str(size)
    assert head.headers["etag"] == f'"{job["sha256"]}"' and head.headers["last-modified"]
    whole = api.get(job["url"]).content
    tail = api.get(job["url"], headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == whole[-100:]
    middle = api.get(job["url"], headers={"Range": "bytes=10-19"})
    assert middle.content == whole[10:20] and middle.headers["content-range"] == f"bytes 10-19/{size}"
    beyond = api.get(job["url"], headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    stale = api.get(job["url"], headers={"Range": "bytes=0-9", "If-Range": '"0000"'})
    assert stale.status_code == 200 and stale.content == whole
    fresh = api.get(job["url"], headers={"Range": "bytes=0-9", "If-Range": f'"{job["sha256"]}"'})
    assert fresh.status_code == 206 and fresh.content == whole[:10]


def test_altered_forged_and_unknown_links_are_404_never_data(api, analysis):
    job = _ready(api, analysis, format="csv")
    token = job["url"].rsplit("/", 1)[1]
    payload, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    from datetime import datetime

    later = datetime.fromisoformat(job["expires_at"]).replace(year=2099)
    for bad in (f"{payload}.{flipped}", f"{payload[:-2]}xy.{signature}", token[:-5], "x" * 30, token + "=",
                sign(job["export_id"], datetime.fromisoformat(job["expires_at"]), key=b"someone else's key"),
                sign(job["export_id"], later),  # a genuine signature, but not this export's expiry: not extendable
                sign("00000000-0000-0000-0000-000000000000", later)):
        response = api.get(f"/api/v1/downloads/{bad}")
        assert response.status_code == 404, bad
        assert response.headers["content-type"] == "application/problem+json"


def test_rotating_the_key_voids_every_link(api, analysis, monkeypatch):
    job = _ready(api, analysis, format="csv")
    assert api.get(job["url"]).status_code == 200
    monkeypatch.setenv("REELSCOPE_SECRET_KEY", "a-new-key")
    assert api.get(job["url"]).status_code == 404


def test_the_generated_key_is_owner_only(api, analysis, tmp_path):
    _ready(api, analysis, format="csv")
    key = tmp_path / "key" / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) >= 32


def test_after_expiry_the_link_is_gone_and_the_file_deleted(make_client, export_dir, store_env, monkeypatch):
    monkeypatch.setenv("REELSCOPE_DOWNLOAD_TTL_SECONDS", "2")
    monkeypatch.setenv("REELSCOPE_LEASE_SECONDS", "1.5")  # the housekeeping loop ticks every 0.5 s
    api = make_client(token=TOKEN)
    [analysis_id] = _submit(api)
    job = _ready(api, analysis_id, format="parquet")
    files = list(export_dir.glob("job-*"))
    assert [f.name for f in files] == [f"job-{job['export_id']}.parquet"]
    assert api.get(job["url"]).status_code == 200
    time.sleep(2.2)
    gone = api.get(job["url"])
    assert gone.status_code == 410 and gone.headers["content-type"] == "application/problem+json"
    assert api.get(f"/api/v1/exports/{job['export_id']}", headers=AUTH).json()["status"] == "expired"
    deadline = time.monotonic() + 10
    while files[0].exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not files[0].exists()
    history = api.get(f"/api/v1/exports/{job['export_id']}", headers=AUTH).json()
    assert history["sha256"] == job["sha256"] and history["url"] is None


def test_the_same_request_returns_the_ready_export_until_the_analysis_changes(api, analysis, store_env):
    first = _ready(api, analysis, format="csv", fields=["shortcode", "plays"])
    again = _ready(api, analysis, format="csv", fields=["shortcode", "plays"])
    other = _ready(api, analysis, format="csv", fields=["plays", "shortcode"])
    assert again["export_id"] == first["export_id"] and again["url"] == first["url"]
    assert other["export_id"] != first["export_id"]
    from sqlalchemy import update

    from core.storage.models import Analysis, utcnow

    with store_env.transaction() as session:
        session.execute(update(Analysis).where(Analysis.id == analysis).values(updated_at=utcnow()))
    assert _ready(api, analysis, format="csv", fields=["shortcode", "plays"])["export_id"] != first["export_id"]


def test_a_background_build_is_polled_to_ready(api, analysis, store_env):
    from core.exports.documents import ExportOptions
    from core.exports.jobs import start_export, wait_for_job

    job = start_export(store_env, analysis, ExportOptions(format="xlsx"), background=True)
    assert job.status == "ready" or (job.status == "building" and job.url is None)
    done = wait_for_job(store_env, job.export_id, timeout=60)
    assert done.status == "ready" and done.progress == 100 and done.rows == 36
    assert api.get(done.url).content[:2] == b"PK"


def test_parquet_by_link_keeps_ids_and_nullable_counts(api, analysis):
    job = _ready(api, analysis, format="parquet", fields=["media_id", "audio_id", "likes", "plays"])
    frame = pd.read_parquet(io.BytesIO(api.get(job["url"]).content))
    assert list(frame.columns) == ["media_id", "audio_id", "likes", "plays"]
    assert frame["media_id"].map(type).eq(str).all() and str(frame["plays"].dtype) == "Int64"


def test_bad_requests_are_problems_and_change_nothing(api, analysis, export_dir):
    post = f"/api/v1/analyses/{analysis}/exports"
    assert api.post(post, json={"format": "csv"}).status_code == 401  # creating needs the token
    assert api.post(post, json={"format": "pdf"}, headers=AUTH).status_code == 422
    assert api.post(post, json={"fields": ["nope"]}, headers=AUTH).status_code == 422
    assert api.post(post, json={"filters": {"tier": ["nope"]}}, headers=AUTH).status_code == 422
    assert api.post(post, json={"colour": "red"}, headers=AUTH).status_code == 422
    assert api.post("/api/v1/analyses/nope/exports", json={}, headers=AUTH).status_code == 404
    assert api.get("/api/v1/exports/nope", headers=AUTH).status_code == 404
    assert not export_dir.exists() or not list(export_dir.iterdir())


def test_filters_apply_to_the_job(api, analysis):
    everything = _ready(api, analysis, format="csv", plain=True)
    viral = _ready(api, analysis, format="csv", plain=True, filters={"tier": ["viral"]})
    assert 0 < viral["rows"] < everything["rows"]
