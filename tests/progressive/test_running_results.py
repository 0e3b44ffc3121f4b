"""A running analysis's Results page, API answers and exports show the reels stored so far, and say so."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.jobs.owners import process_owner
from core.storage import analyses as store
from tests.api.api_helpers import api_settings
from tests.pages.conftest import open_page
from tests.storage.conftest import ALPHA_REELS, profile

OWNER = process_owner()  # a live owner: the page's orphan recovery leaves the analysis running


@pytest.fixture
def running(store_env) -> str:
    """An analysis of @alpha that has stored its first page (3 reels) and is still fetching."""
    [analysis_id] = store.insert_analyses(store_env, ["alpha"], max_reels=None, owner=OWNER)
    assert store.mark_started(store_env, analysis_id, OWNER)
    store.save_profile(store_env, analysis_id, profile("alpha", 1000), owner=OWNER)
    store.update_progress(store_env, analysis_id, progress=55, message="Fetching reels 3 of up to 4",
                          reels_fetched=3)
    store.store_reel_page(store_env, analysis_id, ALPHA_REELS[:3], 0, owner=OWNER)
    return analysis_id


def banner_texts(at) -> list[str]:
    return [info.value for info in at.info if "so far" in info.value]


def test_results_of_a_running_analysis_show_the_reels_so_far_then_the_final_figures(running, store_env):
    at = open_page("pages/1_Results.py", {"analysis": running})
    assert not at.exception
    assert banner_texts(at) == ["Fetching: 3 of up to 4 reels so far; figures will change as more arrive."]
    assert at.get("plotly_chart"), "no Overview chart while running"
    assert len(at.dataframe[0].value) == 3
    assert at.metric[0].label == "Reels analysed" and at.metric[0].value == "3"
    assert any("stored so far" in c.value for c in at.caption)

    store.store_reel_page(store_env, running, ALPHA_REELS[3:], 3, owner=OWNER)
    store.complete_stored(store_env, running, [], owner=OWNER)
    at.run()  # what the fragment's timer does once the analysis has completed (run_every does not tick here)
    at.run()
    assert not at.exception
    assert banner_texts(at) == []
    assert at.metric[0].value == "4"
    assert at.get("plotly_chart")


def test_the_api_answers_a_running_analysis_with_what_is_stored_so_far(running):
    with TestClient(create_app(api_settings())) as client:
        reels = client.get(f"/api/v1/analyses/{running}/reels").json()
        summary = client.get(f"/api/v1/analyses/{running}/summary")
        export = client.get(f"/api/v1/analyses/{running}/export?format=csv")
    assert (reels["partial"], reels["total"], [r["shortcode"] for r in reels["reels"]]) == \
        (True, 3, ["C0000", "C0001", "C0002"])
    assert summary.status_code == 200
    assert (summary.json()["partial"], summary.json()["reels_stored"], summary.json()["kpis"]["reels_analysed"]) == \
        (True, 3, 3)
    assert export.status_code == 409 and "still running" in export.json()["detail"]


def test_a_completed_analysis_is_not_partial(running, store_env):
    store.store_reel_page(store_env, running, ALPHA_REELS[3:], 3, owner=OWNER)
    store.complete_stored(store_env, running, [], owner=OWNER)
    with TestClient(create_app(api_settings())) as client:
        reels = client.get(f"/api/v1/analyses/{running}/reels").json()
        summary = client.get(f"/api/v1/analyses/{running}/summary").json()
    assert (reels["partial"], reels["total"], summary["partial"], summary["reels_stored"]) == (False, 4, False, 4)


def test_the_cli_refuses_to_export_a_running_analysis_with_one_sentence(running, capsys):
    from core.cli.main import main

    assert main(["export", running, "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "still running" in err and "Traceback" not in err
