"""The real instaloader against the emulator over HTTP, through the job code, into the contract view."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.jobs.submission import create_analyses, wait_for
from core.storage.views import VIEW_COLUMNS
from tests.integration.expectations import actual_view_row, expected_view_row


def _analyse(names, **kwargs):
    ids = create_analyses(names, **kwargs)
    return wait_for(ids, timeout=120)


def _view_rows(db, analysis_id):
    with db.engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM instagram_data WHERE analysis_id = :id ORDER BY id"),
                              {"id": analysis_id})
        return [dict(row._mapping) for row in result]


@pytest.mark.parametrize("access", ["anonymous", "logged_in"])
@pytest.mark.parametrize("username", ["demo_creator", "few_posts", "feed_videos", "hidden_likes",
                                      "no_play_counts", "weird_captions"])
def test_every_video_the_emulator_served_is_in_the_view_exactly(request, store_env, emulator, username, access):
    if access == "logged_in":
        request.getfixturevalue("logged_in")
    profile = emulator.catalogue[username]
    [state] = _analyse([username])
    assert (state.status, state.progress, state.error) == ("completed", 100, None)

    rows = _view_rows(store_env, state.analysis_id)
    expected = {m.pk: expected_view_row(m, logged_in=access == "logged_in") for m in profile.videos}
    actual = {row["reel_id"]: actual_view_row(row) for row in rows}
    assert actual == expected
    first = rows[0]
    assert first["instagram_user_id"] == profile.user_id
    assert first["profile_username"] == username
    assert first["profile_follower_count"] == profile.followers
    assert first["profile_following_count"] == profile.following
    assert first["profile_media_count"] == profile.media_count
    assert not first["profile_is_private"]
    assert {row["analysis_status"] for row in rows} == {"completed"}


def test_the_view_has_exactly_the_contract_columns_in_order(store_env):
    [state] = _analyse(["few_posts"])
    with store_env.engine.connect() as conn:
        columns = list(conn.execute(text("SELECT * FROM instagram_data LIMIT 0")).keys())
    assert tuple(columns) == VIEW_COLUMNS


def test_view_ids_are_unique_across_analyses(store_env):
    _analyse(["few_posts", "empty_profile"])
    _analyse(["few_posts"])
    with store_env.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM instagram_data"))]
    assert len(ids) == len(set(ids)) > 0


def test_hidden_like_counts_are_null_never_zero(store_env, emulator):
    [state] = _analyse(["hidden_likes"])
    rows = {r["reel_id"]: r for r in _view_rows(store_env, state.analysis_id)}
    hidden = [m for m in emulator.catalogue["hidden_likes"].videos if m.likes_hidden]
    assert hidden
    assert {rows[m.pk]["reel_likes"] for m in hidden} == {None}


def test_a_profile_without_videos_has_one_row_with_empty_reel_columns(store_env):
    [state] = _analyse(["empty_profile"])
    rows = _view_rows(store_env, state.analysis_id)
    assert len(rows) == 1
    assert rows[0]["analysis_status"] == "completed"
    assert all(rows[0][c] is None for c in VIEW_COLUMNS if c.startswith("reel_"))


def test_a_private_profile_fails_with_a_clear_reason_and_keeps_its_public_counts(store_env, emulator):
    [state] = _analyse(["private_account"])
    assert state.status == "failed"
    assert state.error_kind == "private"
    assert "private" in state.error
    [row] = _view_rows(store_env, state.analysis_id)
    assert row["profile_is_private"]
    assert row["instagram_user_id"] == emulator.catalogue["private_account"].user_id
    assert row["analysis_error"] == state.error


def test_a_missing_profile_fails_as_not_found(store_env):
    [state] = _analyse(["no_such_profile_here"])
    assert (state.status, state.error_kind) == ("failed", "not_found")
    [row] = _view_rows(store_env, state.analysis_id)
    assert row["instagram_user_id"] is None and row["analysis_error"]


def test_max_reels_keeps_only_the_most_recent_reels_in_served_order(store_env, emulator):
    [state] = _analyse(["demo_creator"], max_reels=5)
    assert state.status == "completed"
    rows = _view_rows(store_env, state.analysis_id)
    assert sorted(r["reel_id"] for r in rows) == sorted(m.pk for m in emulator.catalogue["demo_creator"].videos[:5])


def test_pinned_reels_and_product_types_are_stored(store_env, emulator):
    from core.storage.queries import load_reels_frame

    [state] = _analyse(["feed_videos"])
    frame = load_reels_frame(store_env, state.analysis_id)
    served = {m.pk: m for m in emulator.catalogue["feed_videos"].videos}
    assert dict(zip(frame.media_id, frame.product_type, strict=True)) == {pk: m.product_type for pk, m in served.items()}
    assert dict(zip(frame.media_id, frame.is_pinned, strict=True)) == {pk: m.pinned for pk, m in served.items()}


def test_concurrent_analyses_all_complete_with_their_own_reels(store_env, emulator):
    names = ["demo_creator", "demo_travel", "demo_food", "few_posts"]
    states = _analyse(names)
    assert [s.status for s in states] == ["completed"] * 4
    assert [s.reels_stored for s in states] == [len(emulator.catalogue[n].videos) for n in names]


def test_progress_goes_through_the_documented_stages(store_env, emulator):
    seen: list[tuple[str, int]] = []
    ids = create_analyses(["demo_creator"])
    wait_for(ids, timeout=120, poll=0.01, on_poll=lambda states: seen.append((states[0].status, states[0].progress)))
    progresses = [p for _, p in seen]
    assert progresses == sorted(progresses)
    assert seen[-1] == ("completed", 100)
    assert any(30 <= p <= 80 for s, p in seen if s == "processing")


def test_posted_dates_are_iso_utc(store_env):
    [state] = _analyse(["few_posts"])
    for row in _view_rows(store_env, state.analysis_id):
        parsed = datetime.fromisoformat(row["reel_date_posted"])
        assert parsed.tzinfo is not None and parsed.utcoffset().total_seconds() == 0
        assert json.loads(row["reel_hashtags"]) is not None
        assert parsed < datetime.now(UTC)
