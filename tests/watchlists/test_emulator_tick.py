"""The emulator's timeline: a tick adds a viral new reel, grows plays and moves followers; over HTTP too."""

from __future__ import annotations

import json
import statistics
import urllib.error
import urllib.request

from emulator import default_catalogue
from emulator.timeline import advance


def test_a_tick_posts_a_new_reel_first_at_the_given_multiple_of_the_median_plays():
    before = default_catalogue()["demo_travel"]
    after = advance(before, viral_multiple=10.0, followers_change_pct=-4.0, plays_growth_pct=5.0)
    new = [m for m in after.media if m.code not in {x.code for x in before.media}]
    assert len(new) == 1 and new[0].product_type == "clips"
    assert new[0].taken_at > max(m.taken_at for m in before.media)
    median = statistics.median(m.play_count for m in before.videos if m.play_count is not None)
    assert new[0].play_count == int(median) * 10
    assert after.followers == round(before.followers * 0.96)
    old = {m.code: m for m in before.videos}
    grown = [m for m in after.videos if m.code in old and old[m.code].play_count]
    assert all(m.play_count == round(old[m.code].play_count * 1.05) for m in grown)


def test_ticks_are_deterministic():
    profile = default_catalogue()["few_posts"]
    assert advance(advance(profile)) == advance(advance(profile))


def test_the_control_endpoint_ticks_a_running_emulator(own_emulator):
    before = {m.code for m in own_emulator.profile("few_posts").media}
    request = urllib.request.Request(f"{own_emulator.url}/__emulator__/tick", method="POST",
                                     data=json.dumps({"username": "few_posts", "new_reels": 2}).encode())
    reply = json.loads(urllib.request.urlopen(request, timeout=10).read())
    assert reply["ok"] and reply["username"] == "few_posts" and len(reply["new_reels"]) == 2
    assert set(reply["new_reels"]) == {m.code for m in own_emulator.profile("few_posts").media} - before
    assert reply["followers"] == own_emulator.profile("few_posts").followers == 253


def test_the_control_endpoint_refuses_an_unknown_profile(own_emulator):
    request = urllib.request.Request(f"{own_emulator.url}/__emulator__/tick", method="POST",
                                     data=json.dumps({"username": "nobody_here"}).encode())
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as err:
        assert err.code == 400 and "nobody_here" in json.loads(err.read())["error"]
    else:
        raise AssertionError("expected 400")
