"""Per-reel context from the payloads ReelScope already fetches: anonymously from the detail payloads (the timeline
nodes carry only a code), logged in from the listing; never an extra request for it."""

from __future__ import annotations

import math

from core.instagram.reel_context import CONTEXT_NAMES
from tests.exports.context_expectations import expected_context
from tests.integration.test_access import analyse, stored_reels


def _context(reel) -> dict:
    return {name: getattr(reel, name) for name in CONTEXT_NAMES}


def test_anonymous_analysis_reads_the_context_from_the_detail_payloads(store_env, emulator):
    profile = emulator.catalogue["demo_creator"]
    state = analyse("demo_creator")
    assert state.status == "completed"
    reels = stored_reels(store_env, state.analysis_id)
    for media in profile.videos:
        assert _context(reels[media.pk]) == expected_context(profile, media), media.code
    posts = profile.media_count
    assert len(emulator.requests) <= posts + math.ceil(posts / 12) + 4  # no request beyond the usual ones


def test_logged_in_analysis_reads_the_context_from_the_listing_without_detail_requests(store_env, emulator,
                                                                                       logged_in):
    profile = emulator.catalogue["demo_travel"]
    state = analyse("demo_travel")
    assert state.status == "completed"
    reels = stored_reels(store_env, state.analysis_id)
    for media in profile.videos:
        assert _context(reels[media.pk]) == expected_context(profile, media), media.code
    assert "post" not in {r.endpoint for r in emulator.requests}
