"""Issue 22 item 6: a read-only or full store. `health` probes a real write; writes answer 503 in the API and one
line in the CLI (never SQL or its parameters); `export -o` writes its file and exits 0; "database or disk is full"
gets one sentence."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from api.app import create_app
from core.cli.main import main
from core.jobs.health import health_report
from core.jobs.submission import create_analyses, wait_for
from core.storage.engine import get_database
from tests.api.api_helpers import api_settings

SQL_WORDS = ("INSERT", "UPDATE", "SELECT", "[SQL", "parameters", "Traceback", "sqlalche.me")


@pytest.fixture
def read_only(store_env, tmp_path, monkeypatch) -> str:
    """A store with one completed analysis, then opened read-only (SQLite's mode=ro, as a read-only mount does);
    the completed analysis's id."""
    [state] = wait_for(create_analyses(["few_posts"], db=store_env), db=store_env, timeout=60)
    assert state.status == "completed"
    path = store_env.url.removeprefix("sqlite:///")
    with store_env.engine.begin() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    return state.analysis_id


def _clean_one_line(err: str, said: str) -> None:
    assert said in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not any(word in err for word in SQL_WORDS), err


def test_health_probes_a_real_write(read_only, capsys):
    report = health_report(get_database())
    assert report["database"]["ok"] is False and "read-only" in report["database"]["error"]
    assert report["healthy"] is False
    with TestClient(create_app(api_settings())) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 503 and "read-only" in response.json()["detail"]


def test_api_writes_answer_503_with_a_sentence(read_only):
    with TestClient(create_app(api_settings())) as client:
        for response in (client.post("/api/v1/watches", json={"usernames": ["demo_food"]}),
                         client.post("/api/v1/analyses", json={"usernames": ["demo_food"]})):
            assert response.status_code == 503, response.text
            assert response.json()["detail"].startswith("The database is read-only")
            assert not any(word in response.text for word in SQL_WORDS)
        assert client.get("/api/v1/watches").status_code == 200  # reading still works


@pytest.mark.parametrize("argv", [["watch", "add", "demo_food"], ["analyze", "demo_food"],
                                  ["delete", "--username", "few_posts"]])
def test_cli_writes_print_one_line_without_sql(read_only, capsys, argv):
    assert main(argv) == 1
    _clean_one_line(capsys.readouterr().err, "The database is read-only")


def test_export_to_a_file_writes_it_and_exits_0_on_a_read_only_store(read_only, tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["export", read_only, "--format", "json", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())["reels"]) == 3
    err = capsys.readouterr().err
    assert "written but not recorded" in err and not any(word in err for word in SQL_WORDS)


def test_a_full_database_gets_one_sentence(store_env, capsys, monkeypatch):
    monkeypatch.setenv("REELSCOPE_MAX_USERNAMES", "1000")
    def no_growth(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages}")  # SQLite answers SQLITE_FULL as on a full disk
        cursor.close()

    event.listen(store_env.engine, "connect", no_growth)
    store_env.engine.dispose()
    names = [f"creator_{i:04d}_{'x' * 12}" for i in range(500)]
    assert main(["watch", "add", *names]) == 1
    _clean_one_line(capsys.readouterr().err, "The database's disk is full")
