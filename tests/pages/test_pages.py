"""Every page through Streamlit's AppTest, on an empty store and on one seeded by the real scraper."""

from __future__ import annotations

import json

import pytest

from core.storage import analyses as store
from tests.conftest import demo_session
from tests.pages.conftest import PAGES, open_filters, open_page, open_tab
from ui import state

DETAIL_TABS = ("Overview", "Reels table", "Hashtags & mentions", "Top performers", "Trends & duration", "Posting times")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception_on_an_empty_store(empty_store, page):
    at = open_page(page)
    assert not at.exception, at.exception


def test_submitting_an_invalid_name_shows_an_error_and_creates_nothing(empty_store):
    at = open_page("streamlit_app.py")
    at.text_area[0].input("good_name\nbad!name, a..b")
    at.button[0].click().run()
    errors = " ".join(e.value for e in at.error).replace("\\", "")  # shown through escaped markdown
    assert "bad!name" in errors and "may contain only letters" in errors
    assert "a..b" in errors and "may not contain '..'" in errors
    assert "good_name" not in errors
    assert store.list_states(empty_store) == []


def test_submitting_a_demo_name_creates_a_pending_analysis(empty_store):
    at = open_page("streamlit_app.py")
    at.text_area[0].input("@Demo_Creator")
    at.button[0].click().run()
    assert not at.exception and not at.error
    states = store.list_states(empty_store)
    assert [s.username for s in states] == ["demo_creator"]
    assert states[0].status in {"pending", "processing", "completed"}


def _completed(db, username):
    return next(s for s in store.list_states(db, username=username) if s.status == "completed")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception_on_a_seeded_store(seeded_store, page):
    at = open_page(page)
    assert not at.exception, at.exception


def test_results_shows_the_reels_table_with_one_row_per_stored_reel(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_tab(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id}), analysis.analysis_id,
                  "Reels table")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == analysis.reels_stored > 0
    assert {"thumbnail_url", "url", "caption", "engagement_rate", "plays_tier"} <= set(table.columns)
    assert [m.label for m in at.metric][:3] == ["Reels analysed", "Median plays", "Eng. rate"]
    assert at.metric[0].value == str(analysis.reels_stored)


def test_results_for_an_unfinished_or_unknown_analysis_says_so(seeded_store):
    at = open_page("pages/1_Results.py", {"analysis": "no-such-id"})
    assert not at.exception
    assert "no longer exists" in at.warning[0].value


def test_results_shows_plotly_charts_for_every_section(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    figures = []
    for tab in DETAIL_TABS:
        figures += [chart.proto.spec for chart in open_tab(at, analysis.analysis_id, tab).get("plotly_chart")]
    titles = " | ".join(figures)
    for title in ("Plays over time", "Plays tiers", "Most used hashtags", "Top 10 reels", "Duration vs plays",
                  "Posting cadence", "Posting times (UTC)", "By weekday (UTC)", "By hour of day (UTC)"):
        assert title in titles
    assert not any("How the numbers are computed" in m.value for m in at.markdown)  # loaded when opened
    at.session_state[f"methodology-{analysis.analysis_id}"] = True
    assert any("How the numbers are computed" in m.value for m in at.run().markdown)


def test_a_filter_narrows_the_table_and_the_charts(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_tab(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id}), analysis.analysis_id,
                  "Reels table")
    before = len(at.dataframe[0].value)
    assert not at.multiselect  # the filters load when their expander opens
    open_filters(at, analysis.analysis_id)
    at.multiselect(key=f"f-tiers-{analysis.analysis_id}").select("viral").run()
    assert not at.exception, at.exception
    after = at.dataframe[0].value
    assert 0 < len(after) < before
    assert set(after["plays_tier"]) == {"viral"}
    assert any("Showing" in c.value and "tier viral" in c.value for c in at.caption)
    at.text_input(key=f"f-search-{analysis.analysis_id}").input("zzz-no-such-caption").run()
    assert "No reels match" in at.info[0].value
    at.session_state[f"filters-{analysis.analysis_id}"] = False  # closed, the filters set stay applied
    at.run()
    assert not at.text_input and "No reels match" in at.info[0].value
    assert any("Showing 0 of" in c.value and "zzz-no-such-caption" in c.value for c in at.caption)
    open_filters(at, analysis.analysis_id)  # and reopened, the widgets show them
    assert at.text_input(key=f"f-search-{analysis.analysis_id}").value == "zzz-no-such-caption"
    assert at.multiselect(key=f"f-tiers-{analysis.analysis_id}").value == ["viral"]


def test_the_time_zone_selector_changes_the_heatmap(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    open_tab(at, analysis.analysis_id, "Posting times")
    at.selectbox(key=f"tz-{analysis.analysis_id}").select("Asia/Tokyo").run()
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]
    assert any(t.startswith("Posting times (Asia/Tokyo); numbers = reels posted") for t in titles)


def test_compare_shows_two_profiles_side_by_side(seeded_store):
    at = open_page("pages/2_Compare.py")
    assert not at.exception, at.exception
    kpis = at.dataframe[0].value
    assert sorted(kpis.columns[1:]) == ["@demo_creator", "@demo_travel"]  # one column per profile
    assert len(at.get("plotly_chart")) == 4  # KPIs, tier mix, plays distribution, topic mix
    assert any(e.value.startswith("Shared") for e in at.subheader)


def test_history_lists_every_analysis_with_actions(seeded_store):
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert {"@demo_creator", "@demo_travel"} <= set(table["username"])
    assert {"Re-run", "Cancel", "Delete…"} <= {b.label for b in at.button}


def test_deleting_from_history_asks_for_confirmation_then_removes_the_analysis(empty_store):
    from core.domain.errors import ProfileNotFound
    from core.jobs.submission import create_analyses

    [analysis_id] = create_analyses(["gone_soon"], db=empty_store, start=False)
    store.mark_failed(empty_store, analysis_id, ProfileNotFound())
    at = open_page("pages/3_History.py")
    next(b for b in at.button if b.label == "Delete…").click().run()
    assert "cannot be undone" in at.warning[0].value
    assert store.get_state(empty_store, analysis_id) is not None
    next(b for b in at.button if b.label == "Yes, delete").click().run()
    assert not at.exception, at.exception
    assert store.get_state(empty_store, analysis_id) is None


def test_history_shows_follower_growth_for_a_creator_analysed_twice(empty_store):
    from core.jobs.submission import create_analyses, wait_for

    with demo_session():  # logged in: plays growth needs plays
        for _ in range(2):
            wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=60)
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    assert [m.label for m in at.metric] == ["Followers (latest)", "Following (latest)", "Posts (latest)"]
    growth = next(df.value for df in at.dataframe if "followers" in df.value.columns)
    assert len(growth) == 2
    per_reel = next(df.value for df in at.dataframe if "plays_growth" in df.value.columns)
    assert per_reel["plays_growth"].tolist() == [0, 0, 0]  # the emulator serves the same plays twice


def test_an_anonymous_analysis_opens_on_engagement_tiers_and_says_how_to_get_plays(empty_store):
    from core.jobs.submission import create_analyses, wait_for

    [state] = wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=60)  # anonymous
    at = open_page("pages/1_Results.py", {"analysis": state.analysis_id})
    assert not at.exception, at.exception
    assert at.button_group(key=f"tierkind-{state.analysis_id}").value == "engagement"
    plays_chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "the notice above says<br>how to get them" in json.dumps(plays_chart["layout"])


def test_history_never_compares_snapshots_from_two_data_sources(empty_store):
    from sqlalchemy import update

    from core.jobs.submission import create_analyses, wait_for
    from core.storage.models import Analysis

    [first] = wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=60)
    with empty_store.transaction() as session:  # as if the first snapshot had come from another origin
        session.execute(update(Analysis).where(Analysis.id == first.analysis_id).values(data_source="other"))
    wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=60)
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    assert at.metric == [] and any("Analyse the same username again" in i.value for i in at.info)


def test_scraped_text_is_escaped_never_rendered_as_html_or_markdown(empty_store):
    from core.jobs.submission import create_analyses, wait_for
    from core.storage.queries import load_profile

    [state] = wait_for(create_analyses(["weird_captions"], db=empty_store), db=empty_store, timeout=60)
    assert state.status == "completed", state.error
    at = open_tab(open_page("pages/1_Results.py", {"analysis": state.analysis_id}), state.analysis_id, "Reels table")
    assert not at.exception, at.exception
    profile = load_profile(empty_store, state.analysis_id)
    if profile["biography"]:
        assert profile["biography"] in [t.value for t in at.text]  # st.text: shown literally
    for element in at.markdown:
        assert element.proto.allow_html is False
    captions = at.dataframe[0].value["caption"].tolist()
    assert any("<" in c or "*" in c or "=" in c for c in captions)  # raw text, shown by the grid as text


def test_results_of_an_anonymous_analysis_say_plays_were_withheld_and_link_to_the_login_page(empty_store):
    from core.jobs.submission import create_analyses, wait_for

    [state] = wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=60)
    at = open_page("pages/1_Results.py", {"analysis": state.analysis_id})
    assert not at.exception, at.exception
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("Plays and views: hidden from anonymous visitors by Instagram")
    assert "Log in to Instagram" in warning
    assert "Instagram access: anonymous" in [c.value for c in at.caption]
    assert ("Log in to Instagram", "Instagram_login") in [(e.proto.label, e.proto.page) for e in at.get("page_link")]


def test_results_of_a_logged_in_analysis_show_no_withheld_notice(empty_store):
    from core.jobs.submission import create_analyses, wait_for

    with demo_session():
        [state] = wait_for(create_analyses(["few_posts"], db=empty_store), db=empty_store, timeout=60)
    at = open_page("pages/1_Results.py", {"analysis": state.analysis_id})
    assert not at.exception, at.exception
    assert not at.warning
    assert "Instagram access: logged in as @demo_viewer" in [c.value for c in at.caption]


def test_demo_mode_sidebar_offers_the_demo_session_and_anonymous_access(empty_store, monkeypatch):
    from core.instagram.demo import demo_logged_in, stop_demo

    monkeypatch.setenv("REELSCOPE_DEMO", "1")
    try:
        at = open_page("streamlit_app.py")
        assert not at.exception, at.exception
        [radio] = [r for r in at.sidebar.radio if r.label == "Demo access"]
        assert radio.value is True and demo_logged_in()
        radio.set_value(False).run()
        assert demo_logged_in()  # the choice is this browser session's: the process (and everyone else) keeps it
        at.text_area[0].input("demo_creator")
        at.button[0].click().run()
        [analysis] = store.list_states(empty_store)
        assert (analysis.requested_access, analysis.requested_by) == ("anonymous", "dashboard")
        other = open_page("streamlit_app.py")  # another browser
        assert [r.value for r in other.sidebar.radio if r.label == "Demo access"] == [True]
    finally:
        stop_demo()


def test_the_cached_overview_charts_follow_the_filters(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})

    def tier_bars(at) -> int:
        spec = json.loads(at.get("plotly_chart")[1].proto.spec)
        return sum(spec["data"][0]["y"])

    everything = tier_bars(at)
    open_filters(at, analysis.analysis_id)
    at.multiselect(key=f"f-tiers-{analysis.analysis_id}").select("viral").run()
    viral = tier_bars(at)
    assert 0 < viral < everything
    assert tier_bars(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})) == everything  # new tab


def test_results_draws_the_sidebar_after_its_first_chart(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    assert at.get("plotly_chart")
    assert [link.proto.label for link in at.sidebar.get("page_link")][:2] == ["New analysis", "Results"]


def test_results_draws_the_sidebar_when_it_has_nothing_to_show(empty_store):
    at = open_page("pages/1_Results.py")
    assert any("No completed analyses yet" in i.value for i in at.info)
    assert [link.proto.label for link in at.sidebar.get("page_link")][:2] == ["New analysis", "Results"]


def test_the_analysis_picker_switches_results_and_follows_the_address(seeded_store):
    creator, travel = _completed(seeded_store, "demo_creator"), _completed(seeded_store, "demo_travel")
    at = open_page("pages/1_Results.py", {"analysis": creator.analysis_id})
    picker = at.selectbox(key=state.RESULTS_PICKER)
    assert picker.value == creator.analysis_id
    picker.set_value(travel.analysis_id).run()
    assert at.query_params["analysis"] == travel.analysis_id
    assert at.markdown[0].value.startswith("## @demo\\_travel")
    at.query_params["analysis"] = creator.analysis_id  # a link to another analysis, in the same session
    at.run()
    assert at.selectbox(key=state.RESULTS_PICKER).value == creator.analysis_id
    assert at.markdown[0].value.startswith("## @demo\\_creator")


def test_results_first_view_reads_only_the_prepared_overview_frame(seeded_store, monkeypatch):
    import streamlit as st

    from core.storage import columnar, overview_frames, queries

    analysis = _completed(seeded_store, "demo_creator")
    assert overview_frames.prepare_when_completed(seeded_store, analysis.analysis_id)
    st.cache_resource.clear()
    st.cache_data.clear()

    def whole_analysis_read(*args, **kwargs):
        raise AssertionError("the first view read every column of every reel")

    with monkeypatch.context() as blocked:
        blocked.setattr(columnar, "reels_frame", whole_analysis_read)
        blocked.setattr(queries, "load_reels_frame", whole_analysis_read)
        at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    assert not at.exception, at.exception
    specs = " | ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "Plays over time" in specs and "tiers" in specs
    assert len(at.metric) >= 4  # the KPI cards, from the same frame
    table = open_tab(at, analysis.analysis_id, "Reels table")  # the other tabs load the whole analysis
    assert not table.exception, table.exception
    assert len(table.dataframe[0].value) == analysis.reels_stored
