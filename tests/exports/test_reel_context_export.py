"""Per-reel context (collaborators, sponsorship, tags, place, audio) read from the media dicts the emulator served,
stored, and exported exactly: JSON lists and nulls, CSV '|'-joined and empty for unknown."""

from __future__ import annotations

import json

import pytest

from core.exports.documents import ExportOptions, export_bytes
from core.instagram.reel_context import CONTEXT_NAMES
from tests.exports.context_expectations import csv_form, expected_context
from tests.exports.test_export_roundtrip import PROFILES, read_csv


@pytest.mark.parametrize("username", PROFILES)
def test_json_export_carries_the_context_the_emulator_served(export_env, username):
    db, ids, catalogue, _ = export_env
    profile = catalogue[username]
    reels = json.loads(export_bytes(db, ids[username], ExportOptions(format="json")))["reels"]
    for media, reel in zip(profile.videos, reels, strict=True):
        assert {k: reel[k] for k in CONTEXT_NAMES} == expected_context(profile, media), media.code


def test_csv_export_joins_context_lists_with_a_bar_and_leaves_unknown_empty(export_env):
    db, ids, catalogue, _ = export_env
    profile = catalogue["demo_creator"]
    _, _, rows = read_csv(export_bytes(db, ids["demo_creator"], ExportOptions(plain=True)), plain=True)
    for media, row in zip(profile.videos, rows, strict=True):
        expected = {k: csv_form(v) for k, v in expected_context(profile, media).items()}
        assert {k: row[k] for k in CONTEXT_NAMES} == expected


def test_the_demo_profile_has_every_context_shape(export_env):
    """The emulator serves each field present, empty and absent, so the assertions above mean something."""
    _, _, catalogue, _ = export_env
    profile = catalogue["demo_creator"]
    contexts = [expected_context(profile, m) for m in profile.videos]
    for name in ("collaborators", "sponsors", "tagged_users"):
        values = [c[name] for c in contexts]
        assert None in values and [] in values and any(values), name
    assert {c["audio_type"] for c in contexts} == {"original", "licensed", None}
    assert {c["is_paid_partnership"] for c in contexts} == {True, False, None}
    assert any(c["audio_id"] and int(c["audio_id"]) > 2 ** 53 for c in contexts)
