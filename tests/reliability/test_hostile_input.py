"""Hostile usernames and scraped content: rejected or stored exactly, never executed or half-stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.jobs.submission import InvalidSubmission, create_analyses, validate_submission, wait_for
from core.storage.models import Analysis
from tests.reliability.hostile_usernames import HOSTILE_USERNAMES


def _analysis_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Analysis))


@pytest.mark.parametrize("raw", HOSTILE_USERNAMES, ids=lambda raw: repr(raw[:20]))
def test_a_hostile_username_is_rejected_with_a_reason_and_nothing_is_stored(store_env, raw):
    with pytest.raises(InvalidSubmission) as caught:
        create_analyses(["few_posts", raw])
    assert caught.value.rejected and caught.value.rejected[0].reason
    assert len(str(caught.value)) < 500  # a 10,000-character name is not echoed back whole
    assert _analysis_count(store_env) == 0


def test_too_many_names_in_one_submission_are_refused_with_the_cap(store_env, monkeypatch):
    monkeypatch.setenv("REELSCOPE_MAX_USERNAMES", "20")
    names = [f"user{i}" for i in range(300)]
    with pytest.raises(InvalidSubmission, match="at most 20"):
        create_analyses(names)
    assert _analysis_count(store_env) == 0


def test_an_empty_submission_asks_for_a_username():
    with pytest.raises(InvalidSubmission, match="at least one"):
        validate_submission("  \n , ")


def test_hostile_captions_are_stored_exactly_as_served(store_env, emulator):
    from core.storage.queries import load_reels_frame

    [state] = wait_for(create_analyses(["weird_captions"]), timeout=60)
    frame = load_reels_frame(store_env, state.analysis_id)
    served = {m.pk: m.caption for m in emulator.catalogue["weird_captions"].videos}
    assert dict(zip(frame.media_id, frame.caption, strict=True)) == served
    assert any(c and "<script>" in c for c in served.values())
