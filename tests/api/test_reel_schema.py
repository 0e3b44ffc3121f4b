"""The API's reel schema takes its raw fields from the one reel-field registry."""

from __future__ import annotations

from api.schemas import ReelOut
from core.domain.reel_fields import EXPORTED_NAMES, REEL_FIELDS


def test_the_reel_schema_lists_every_export_field_in_registry_order_then_the_metrics():
    names = tuple(ReelOut.model_fields)
    assert names[:len(EXPORTED_NAMES)] == EXPORTED_NAMES
    assert names[len(EXPORTED_NAMES):] == ("effective_plays", "interactions", "engagement_rate", "plays_tier",
                                           "engagement_tier", "benchmark_tier", "topic")


def test_each_raw_field_is_documented_with_the_registrys_description():
    properties = ReelOut.model_json_schema()["properties"]
    assert all(properties[f.name]["description"] == f.description for f in REEL_FIELDS if f.exported)
