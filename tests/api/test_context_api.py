"""Per-reel context through the API: the reel keys, the sponsored / collab / audio / location filters on /reels,
and format=xlsx on /export."""

from __future__ import annotations

import io

import openpyxl

from core.exports.fields import all_fields
from core.instagram.reel_context import CONTEXT_NAMES
from emulator.catalogue import default_catalogue
from tests.api.test_results import walk
from tests.exports.context_expectations import expected_context


def test_reels_carry_the_context_the_emulator_served(client, completed):
    profile = default_catalogue()["demo_travel"]
    served = {m.code: expected_context(profile, m) for m in profile.videos}
    reels = walk(client, completed, limit=50)
    assert len(reels) == len(served)
    for reel in reels:
        assert {k: reel[k] for k in CONTEXT_NAMES} == served[reel["shortcode"]], reel["shortcode"]


def test_sponsored_and_collab_filters_split_the_known_reels(client, completed):
    profile = default_catalogue()["demo_travel"]
    served = {m.code: expected_context(profile, m) for m in profile.videos}

    def sponsored(c):
        if c["is_paid_partnership"] is True or c["sponsors"]:
            return True
        return False if c["is_paid_partnership"] is False or c["sponsors"] == [] else None

    def collab(c):
        return None if c["collaborators"] is None else bool(c["collaborators"])

    for name, rule in (("sponsored", sponsored), ("collab", collab)):
        for wanted in (True, False):
            got = {r["shortcode"] for r in walk(client, completed, limit=20, **{name: str(wanted).lower()})}
            expected = {code for code, c in served.items() if rule(c) is wanted}
            assert got == expected and expected, (name, wanted)
    licensed = {r["shortcode"] for r in walk(client, completed, audio_type="licensed")}
    assert licensed == {code for code, c in served.items() if c["audio_type"] == "licensed"} and licensed
    place = next(c["location_name"] for c in served.values() if c["location_name"])
    near = {r["shortcode"] for r in walk(client, completed, location=place[:4].upper())}
    assert near == {code for code, c in served.items() if c["location_name"] and place[:4].lower()
                    in c["location_name"].lower()}


def test_bad_context_filter_values_are_problems(client, completed):
    url = f"/api/v1/analyses/{completed}/reels"
    for params in ({"sponsored": "maybe"}, {"audio_type": "remix"}):
        response = client.get(url, params=params)
        assert response.status_code == 422, params


def test_export_as_xlsx(client, completed):
    response = client.get(f"/api/v1/analyses/{completed}/export", params={"format": "xlsx", "sponsored": "true"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response.headers["content-disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["Reels"].iter_rows(values_only=True))
    assert list(rows[0]) == list(all_fields())
    expected = {r["shortcode"] for r in walk(client, completed, sponsored="true")}
    assert {row[0] for row in rows[1:]} == expected
