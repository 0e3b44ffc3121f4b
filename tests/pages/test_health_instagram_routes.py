"""The Health page's Instagram panel: refused routes from the store, and the doctor run from a button."""

from __future__ import annotations

from core.instagram.routes import REELS_LISTING, WEB_APP, Refusal, route
from core.jobs.submission import create_analyses, wait_for
from core.storage.route_refusals import shared_route_memory
from tests.pages.conftest import open_page


def test_health_shows_a_route_refused_by_another_process_and_runs_the_doctor(empty_store):
    [done] = wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=120)
    assert done.status == "completed"  # the doctor probes with the last profile analysed
    shared_route_memory().remember(route(REELS_LISTING, WEB_APP), Refusal(400, "execution error"))
    at = open_page("pages/4_Health.py")
    assert not at.exception
    assert any("refused 1 route" in w.value for w in at.warning)
    [refusals] = [df.value for df in at.dataframe if "Instagram said" in df.value.columns]
    assert refusals.to_dict("records")[0]["route"] == "reels_listing via api/graphql"
    at.button[0].click().run()
    assert not at.exception
    [probes] = [df.value for df in at.dataframe if "capability" in df.value.columns]
    rows = {(r["capability"], r["route"]): r["result"] for r in probes.to_dict("records")}
    assert rows[("reels listing", "api/graphql")] == "skipped"
    assert rows[("post detail", "api/graphql")] == "works"
    assert any("Every capability has a working route" in s.value for s in at.success)
