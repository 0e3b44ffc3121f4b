"""Per-reel context read from literal media dicts in the shapes Instagram sends (web app and older GraphQL)."""

from __future__ import annotations

import json

from core.instagram.reel_context import CONTEXT_NAMES, context_from_media

OWNER = {"pk": "1", "username": "Owner.Name"}


def test_a_web_app_media_dict_gives_every_field():
    media = {
        "user": OWNER,
        "coauthor_producers": [{"pk": "2", "username": "Ann"}, {"pk": "1", "username": "owner.name"}],
        "is_paid_partnership": True,
        "sponsor_tags": [{"sponsor": {"pk": "9", "username": "Brand.Co"}, "permission": True}],
        "usertags": {"in": [{"user": {"username": "bob"}, "position": [0.1, 0.2]},
                            {"user": {"username": "bob"}, "position": [0.3, 0.4]}]},
        "location": {"pk": 106339232735538, "name": "Lisbon, Portugal", "short_name": "Lisbon"},
        "clips_metadata": {"music_info": {"music_asset_info": {
            "title": "Song", "display_artist": "Band", "audio_cluster_id": "9007199254740993",
            "audio_asset_id": "1"}}, "original_sound_info": None},
        "comments_disabled": True,
    }
    assert context_from_media(media) == {
        "collaborators": ("ann",), "sponsors": ("brand.co",), "tagged_users": ("bob",),
        "is_paid_partnership": True, "location_name": "Lisbon, Portugal", "location_id": "106339232735538",
        "audio_type": "licensed", "audio_title": "Song", "audio_artist": "Band", "audio_id": "9007199254740993",
        "comments_disabled": True,
    }


def test_an_original_sound_keeps_a_big_integer_id_exact_and_names_its_creator():
    text = ('{"owner": {"username": "me"}, "clips_metadata": {"music_info": null, "original_sound_info": '
            '{"audio_asset_id": 3602195771812345678, "original_audio_title": "Original audio"}}}')
    context = context_from_media(json.loads(text))
    assert (context["audio_type"], context["audio_title"], context["audio_artist"], context["audio_id"]) == \
        ("original", "Original audio", "me", "3602195771812345678")


def test_the_original_sounds_artist_is_taken_from_ig_artist_when_sent():
    media = {"clips_metadata": {"original_sound_info": {"audio_asset_id": "5", "ig_artist": {"username": "dj"}}}}
    assert context_from_media(media)["audio_artist"] == "dj"


def test_absent_keys_are_unknown_and_null_lists_are_empty():
    assert context_from_media({}) == dict.fromkeys(CONTEXT_NAMES)
    context = context_from_media({"coauthor_producers": [], "sponsor_tags": None, "usertags": None,
                                  "location": None, "clips_metadata": {}, "is_paid_partnership": False})
    assert (context["collaborators"], context["sponsors"], context["tagged_users"]) == ((), (), ())
    assert context["is_paid_partnership"] is False
    assert context["location_name"] is None and context["audio_type"] is None


def test_the_older_graphql_node_shape_is_read_too():
    media = {
        "owner": {"id": "1", "username": "me"},
        "edge_media_to_sponsor_user": {"edges": [{"node": {"sponsor": {"id": "9", "username": "brand"}}}]},
        "edge_media_to_tagged_user": {"edges": [{"node": {"user": {"username": "ann"}, "x": 0.5, "y": 0.5}}]},
        "location": {"id": "212988663", "has_public_page": True, "name": "Tokyo, Japan", "slug": "tokyo-japan"},
    }
    context = context_from_media(media)
    assert (context["sponsors"], context["tagged_users"]) == (("brand",), ("ann",))
    assert (context["location_name"], context["location_id"]) == ("Tokyo, Japan", "212988663")
    assert context["collaborators"] is None


def test_odd_values_are_unknown_not_errors():
    media = {"is_paid_partnership": "yes", "comments_disabled": 1, "coauthor_producers": [None, {"username": ""}, 3],
             "usertags": {"in": "x"}, "location": {"pk": True, "name": ""},
             "clips_metadata": {"music_info": {"music_asset_info": None}}}
    context = context_from_media(media)
    assert context["is_paid_partnership"] is None and context["comments_disabled"] is None
    assert context["collaborators"] == () and context["tagged_users"] == ()
    assert (context["location_name"], context["location_id"]) == (None, None)
    assert (context["audio_type"], context["audio_title"], context["audio_id"]) == ("licensed", None, None)
