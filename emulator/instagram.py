"""The JSON and HTML bodies that Instagram serves, built from synthetic profiles.

Shapes follow what instaloader 4.16 reads when it is not logged in:
the logged-out profile page (``xig_user_by_username`` embedded as ``__bbox.result.data``),
``api/v1/users/web_profile_info/`` (legacy ``data.user``), the reels tab connection
(``xdt_api__v1__clips__user__connection_v2``), the post query
(``xdt_api__v1__media__shortcode__web_info``, Polaris media) and the profile timeline
(``polaris_ordered_timeline_connection``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from typing import Any

from .catalogue import SyntheticMedia, SyntheticProfile, cdn_image_url, cdn_video_url

APP_ID = "936619743392459"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(obj: Any) -> str:
    """Compact JSON; an unpaired UTF-16 surrogate is sent escaped (``\\ud83d``), as Instagram does."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True)
class Access:
    """What the requesting visitor is shown.

    ``counts``: play and view counts are sent (logged in; or everything-anonymous mode).
    ``complete_listings``: listing nodes (reels tab, posts timeline) carry complete media dicts.
    ``code_only_timeline``: the logged-out posts timeline's nodes carry only the code and ids.
    ``omit``: media fields left out of listing nodes (to exercise a client's per-field fallback).
    """

    counts: bool
    complete_listings: bool
    code_only_timeline: bool = False
    omit: frozenset[str] = frozenset()


FULL_ACCESS = Access(counts=True, complete_listings=True)


def script_json(obj: Any) -> str:
    """JSON safe to put inside <script>: '<' is escaped as Instagram does."""
    return dumps(obj).replace("<", "\\u003C").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --- users ----------------------------------------------------------------------------------

def _hd_pic(p: SyntheticProfile) -> str:
    return p.profile_pic_url.replace("s150x150", "s320x320")


def user_brief(p: SyntheticProfile) -> dict[str, Any]:
    return {
        "pk": p.user_id, "id": p.user_id, "username": p.username, "full_name": p.full_name,
        "profile_pic_url": p.profile_pic_url, "is_private": p.is_private, "is_verified": p.is_verified,
        "is_unpublished": False, "is_embeds_disabled": False, "friendship_status": None,
        "latest_reel_media": 0, "__typename": "XDTUserDict",
    }


def xig_user(p: SyntheticProfile) -> dict[str, Any]:
    """Profile details as the logged-out profile page embeds them."""
    return {
        "pk": p.user_id, "id": p.page_id, "username": p.username, "full_name": p.full_name,
        "biography": p.biography, "bio_links": [], "external_url": None, "is_private": p.is_private,
        "is_verified": p.is_verified, "is_business": p.is_business,
        "category": "Shopping & retail" if p.is_business else None,
        "follower_count": p.followers, "following_count": p.following, "all_media_count": p.media_count,
        "profile_pic_url": p.profile_pic_url, "hd_profile_pic_url_info": {"url": _hd_pic(p)},
        "friendship_status": None, "is_memorialized": False, "is_regulated_c18": False,
        "transparency_label": None, "pronouns": [], "__typename": "XIGUser",
    }


def legacy_user(p: SyntheticProfile, access: Access = FULL_ACCESS) -> dict[str, Any]:
    """``data.user`` of api/v1/users/web_profile_info/."""
    first = [] if p.is_private else [legacy_media(p, m, access) for m in p.media[:12]]
    last_cursor = f"{p.media[11].pk}_{p.user_id}" if len(p.media) > 12 else None
    return {
        "ai_agent_type": None, "biography": p.biography, "bio_links": [],
        "biography_with_entities": {"raw_text": p.biography, "entities": []},
        "blocked_by_viewer": False, "restricted_by_viewer": None, "country_block": False,
        "eimu_id": str(int(p.user_id) + 10**14), "external_url": None, "external_url_linkshimmed": None,
        "edge_followed_by": {"count": p.followers}, "fbid": str(17841400000000000 + int(p.user_id)),
        "followed_by_viewer": False, "edge_follow": {"count": p.following}, "follows_viewer": False,
        "full_name": p.full_name, "group_metadata": None, "has_ar_effects": False, "has_clips": bool(p.videos),
        "has_guides": False, "has_channel": False, "has_blocked_viewer": False, "highlight_reel_count": 0,
        "has_requested_viewer": False, "hide_like_and_view_counts": False, "id": p.user_id,
        "is_business_account": p.is_business, "is_professional_account": p.is_business, "is_supervision_enabled": False,
        "is_guardian_of_viewer": False, "is_supervised_by_viewer": False, "is_supervised_user": False,
        "is_embeds_disabled": False, "is_joined_recently": False, "business_address_json": None,
        "business_contact_method": "UNKNOWN", "business_email": None, "business_phone_number": None,
        "business_category_name": None, "overall_category_name": None, "category_enum": None,
        "category_name": None, "is_private": p.is_private, "is_verified": p.is_verified,
        "is_verified_by_mv4b": False, "is_regulated_c18": False, "edge_mutual_followed_by": {"count": 0,
                                                                                              "edges": []},
        "pinned_channels_list_count": 0, "profile_pic_url": p.profile_pic_url,
        "profile_pic_url_hd": _hd_pic(p), "requested_by_viewer": False, "should_show_category": False,
        "should_show_public_contacts": False, "show_account_transparency_details": True,
        "transparency_label": None, "transparency_product": None, "username": p.username,
        "connected_fb_page": None, "pronouns": [],
        "edge_felix_video_timeline": {"count": 0, "page_info": {"has_next_page": False, "end_cursor": None},
                                      "edges": []},
        "edge_owner_to_timeline_media": {
            "count": p.media_count,
            "page_info": {"has_next_page": bool(last_cursor) and not p.is_private, "end_cursor": last_cursor
                          if not p.is_private else None},
            "edges": [{"node": n} for n in first],
        },
        "edge_saved_media": {"count": 0, "page_info": {"has_next_page": False, "end_cursor": None}, "edges": []},
        "edge_media_collections": {"count": 0, "page_info": {"has_next_page": False, "end_cursor": None},
                                   "edges": []},
        "edge_related_profiles": {"edges": []},
    }


# --- media ----------------------------------------------------------------------------------

_TYPENAMES = {1: "GraphImage", 2: "GraphVideo", 8: "GraphSidecar"}


def _size(m: SyntheticMedia) -> tuple[int, int]:
    return (1080, 1920) if m.media_type == 2 else (1080, 1350)


def _candidates(url: str, m: SyntheticMedia) -> list[dict[str, Any]]:
    w, h = _size(m)
    return [{"url": url, "height": h // 2, "width": w // 2},
            {"url": url.replace("p640x640", "p320x320"), "height": h // 4, "width": w // 4}]


def carousel_children(m: SyntheticMedia) -> list[tuple[str, int]]:
    """(pk, media_type) of the children of a carousel."""
    return [(str(int(m.pk) + j + 1), 2 if j == 1 and int(m.pk) % 2 else 1) for j in range(m.carousel_size)]


def legacy_media(p: SyntheticProfile, m: SyntheticMedia, access: Access = FULL_ACCESS) -> dict[str, Any]:
    w, h = _size(m)
    node: dict[str, Any] = {
        "__typename": _TYPENAMES[m.media_type], "id": m.pk, "shortcode": m.code,
        "dimensions": {"height": h, "width": w}, "display_url": m.thumbnail_url,
        "edge_media_to_tagged_user": {"edges": []}, "fact_check_overall_rating": None,
        "fact_check_information": None, "gating_info": None, "sharing_friction_info": {
            "should_have_sharing_friction": False, "bloks_app_url": None},
        "media_overlay_info": None, "media_preview": None, "owner": {"id": p.user_id, "username": p.username},
        "is_video": m.is_video, "has_upcoming_event": False, "accessibility_caption": None,
        "edge_media_to_caption": {"edges": [] if m.caption is None else [{"node": {"text": m.caption}}]},
        "edge_media_to_comment": {"count": m.comment_count or 0}, "comments_disabled": False,
        "taken_at_timestamp": m.taken_at, "edge_liked_by": {"count": m.like_count or 0},
        "edge_media_preview_like": {"count": m.like_count or 0}, "location": None, "nft_asset_info": None,
        "thumbnail_src": m.thumbnail_url, "thumbnail_resources": [], "coauthor_producers": [],
        "pinned_for_users": [{"id": p.user_id, "is_verified": p.is_verified,
                              "profile_pic_url": p.profile_pic_url, "username": p.username}] if m.pinned else [],
        "like_and_view_counts_disabled": m.likes_hidden, "product_type": m.product_type,
    }
    for key in ("coauthor_producers", "edge_media_to_tagged_user", "location", "comments_disabled"):
        del node[key]
    node.update(legacy_context_fields(m))
    if m.is_video:
        if access.counts:
            node["video_view_count"] = m.view_count
        node["video_url"] = m.video_url
        node["video_duration"] = m.video_duration
    return node


def _brief(username: str) -> dict[str, Any]:
    user_id = str(1_000_000_000 + sum(ord(c) * 31 ** i for i, c in enumerate(username)) % 60_000_000_000)
    return {"pk": user_id, "id": user_id, "username": username, "full_name": username.replace("_", " ").title(),
            "is_verified": False, "profile_pic_url": cdn_image_url("profile", user_id)}


def _clips_metadata(p: SyntheticProfile, m: SyntheticMedia) -> dict[str, Any] | None:
    audio = m.context.audio
    if audio is None:
        return None
    if audio[0] == "original":
        _, title, asset_id = audio
        return {"audio_type": "original_sounds", "is_shared_to_fb": False, "music_info": None,
                "original_sound_info": {"audio_asset_id": int(asset_id), "original_audio_title": title,
                                        "ig_artist": {"pk": p.user_id, "username": p.username},
                                        "should_mute_audio": False, "is_explicit": False}}
    _, title, artist, cluster_id, asset_id = audio
    return {"audio_type": "licensed_music", "is_shared_to_fb": False, "original_sound_info": None,
            "music_info": {"music_asset_info": {"audio_cluster_id": cluster_id, "audio_asset_id": asset_id,
                                                "id": asset_id, "title": title, "display_artist": artist,
                                                "is_explicit": False, "duration_in_ms": 30000},
                           "music_consumption_info": {"should_mute_audio": False, "is_trending_in_clips": False}}}


def context_fields(p: SyntheticProfile, m: SyntheticMedia) -> dict[str, Any]:
    """The per-reel context keys of a web-app media dict (``m.context.absent`` left out)."""
    c = m.context
    fields: dict[str, Any] = {
        "coauthor_producers": [_brief(name) for name in c.collaborators],
        "is_paid_partnership": c.paid_partnership,
        "sponsor_tags": [{"sponsor": _brief(name), "permission": True, "is_pending": False}
                         for name in c.sponsors] or None,
        "usertags": {"in": [{"user": _brief(name), "position": [0.5, 0.5], "start_time_in_video_in_sec": None,
                             "duration_in_video_in_sec": None} for name in c.tagged]} if c.tagged else None,
        "location": None if c.location is None else {"pk": int(c.location[1]), "short_name": c.location[0][:20],
                                                     "name": c.location[0], "lat": 38.72, "lng": -9.14,
                                                     "facebook_places_id": c.location[1]},
        "comments_disabled": c.comments_disabled,
    }
    if m.is_video and m.product_type == "clips":
        fields["clips_metadata"] = _clips_metadata(p, m)
    return {key: value for key, value in fields.items() if key not in c.absent}


def legacy_context_fields(m: SyntheticMedia) -> dict[str, Any]:
    """The same context in the older GraphQL node shape (edges, ``location.id``)."""
    c = m.context
    fields = {
        "coauthor_producers": [{"id": _brief(n)["id"], "username": n, "is_verified": False} for n in c.collaborators],
        "is_paid_partnership": c.paid_partnership,
        "edge_media_to_sponsor_user": {"edges": [{"node": {"sponsor": {"id": _brief(n)["id"], "username": n}}}
                                                 for n in c.sponsors]},
        "edge_media_to_tagged_user": {"edges": [{"node": {"user": {"id": _brief(n)["id"], "username": n},
                                                          "x": 0.5, "y": 0.5}} for n in c.tagged]},
        "location": None if c.location is None else {"id": c.location[1], "has_public_page": True,
                                                     "name": c.location[0], "slug": ""},
        "comments_disabled": c.comments_disabled,
    }
    renamed = {"sponsor_tags": "edge_media_to_sponsor_user", "usertags": "edge_media_to_tagged_user"}
    return {key: value for key, value in fields.items()
            if key not in c.absent and key not in {renamed.get(k) for k in c.absent}}


def _caption_obj(p: SyntheticProfile, m: SyntheticMedia) -> dict[str, Any] | None:
    if m.caption is None:
        return None
    return {"has_translation": None, "created_at": m.taken_at, "pk": str(int(m.pk) + 7), "text": m.caption}


def polaris_media(p: SyntheticProfile, m: SyntheticMedia, access: Access = FULL_ACCESS) -> dict[str, Any]:
    """A media item in the web app's (Polaris / XDT) format, as the post query returns it.

    Without ``access.counts`` (an anonymous visitor) ``play_count`` and ``view_count`` are not sent.
    """
    w, h = _size(m)
    pinned_ids = [p.user_id] if m.pinned else []
    d: dict[str, Any] = {
        "code": m.code, "pk": m.pk, "id": f"{m.pk}_{p.user_id}", "ad_id": None, "boosted_status": None,
        "boost_unavailable_identifier": None, "boost_unavailable_reason": None,
        "caption": _caption_obj(p, m), "caption_is_edited": False, "feed_demotion_control": None,
        "feed_recs_demotion_control": None, "taken_at": m.taken_at, "inventory_source": None,
        "video_versions": None, "is_dash_eligible": None, "number_of_qualities": None,
        "video_dash_manifest": None,
        "image_versions2": {"candidates": _candidates(m.thumbnail_url, m)},
        "sharing_friction_info": {"bloks_app_url": None, "should_have_sharing_friction": False},
        "is_paid_partnership": False, "sponsor_tags": None, "affiliate_info": None,
        "original_height": h, "original_width": w, "organic_tracking_token": "eyJ2ZXJzaW9uIjo1fQ==",
        "link": None, "story_cta": None, "user": user_brief(p), "owner": user_brief(p), "group": None,
        "coauthor_producers": [], "invited_coauthor_producers": [], "follow_hashtag_info": None,
        "title": None, "comment_count": m.comment_count, "comments_disabled": None,
        "commenting_disabled_for_viewer": None, "like_and_view_counts_disabled": m.likes_hidden,
        "has_liked": False, "top_likers": [], "facepile_top_likers": [], "like_count": m.like_count,
        "preview": None, "can_see_insights_as_brand": False, "social_context": [],
        "view_count": m.view_count, "can_reshare": None, "can_viewer_reshare": True,
        "ig_media_sharing_disabled": False, "photo_of_you": None, "product_type": m.product_type,
        "media_type": m.media_type, "usertags": None, "media_overlay_info": None,
        "carousel_parent_id": None, "carousel_media_count": None, "carousel_media": None,
        "location": None, "has_audio": None, "clips_attribution_info": None,
        "accessibility_caption": None if m.is_video else f"Photo by {p.full_name} on Instagram.",
        "audience": None, "display_uri": None, "media_cropping_info": None,
        "profile_grid_thumbnail_fitting_style": "UNSET", "thumbnails": None,
        "timeline_pinned_user_ids": pinned_ids,
        "clips_tab_pinned_user_ids": pinned_ids if m.product_type == "clips" else [],
        "upcoming_event": None, "logging_info_token": None, "explore": None,
        "main_feed_carousel_starting_media_id": None, "is_seen": None,
        "open_carousel_submission_state": "closed", "previous_submitter": None,
        "all_previous_submitters": None, "headline": None, "comments": None, "fb_like_count": None,
        "saved_collection_ids": None, "has_viewer_saved": None, "media_level_comment_controls": None,
        "__typename": "XDTMediaDict",
    }
    if access.counts:
        d["play_count"] = m.play_count
    else:
        del d["view_count"]
    if m.is_video:
        d["video_versions"] = [{"height": h, "width": w, "type": 101, "url": m.video_url},
                               {"height": h // 2, "width": w // 2, "type": 102, "url": m.video_url}]
        d["is_dash_eligible"] = 1
        d["number_of_qualities"] = 2
        d["has_audio"] = True
        d["video_duration"] = m.video_duration
    for key in ("coauthor_producers", "is_paid_partnership", "sponsor_tags", "usertags", "location",
                "comments_disabled"):
        del d[key]
    d.update(context_fields(p, m))
    if m.media_type == 8:
        children = []
        for child_pk, child_type in carousel_children(m):
            child = {
                "id": f"{child_pk}_{p.user_id}", "pk": child_pk, "media_type": child_type,
                "carousel_parent_id": f"{m.pk}_{p.user_id}", "accessibility_caption": None,
                "image_versions2": {"candidates": _candidates(cdn_image_url("media", child_pk), m)},
                "original_height": h, "original_width": w, "video_versions": None, "usertags": None,
                "__typename": "XDTMediaDict",
            }
            if child_type == 2:
                child["video_versions"] = [{"height": h, "width": w, "type": 101,
                                            "url": cdn_video_url(child_pk)}]
            children.append(child)
        d["carousel_media"] = children
        d["carousel_media_count"] = len(children)
    return d


def clips_node(p: SyntheticProfile, m: SyntheticMedia, access: Access = FULL_ACCESS) -> dict[str, Any]:
    """An item of the reels tab connection.

    Logged in (``access.complete_listings``) it is the complete media dict; otherwise less than the full
    media, notably no taken_at or caption.
    """
    if access.complete_listings:
        return {"media": listing_media(p, m, access), "__typename": "XDTClipsItem"}
    media: dict[str, Any] = {
        "pk": m.pk, "id": f"{m.pk}_{p.user_id}", "code": m.code, "media_overlay_info": None,
        "product_type": m.product_type, "media_type": m.media_type,
        "like_and_view_counts_disabled": m.likes_hidden, "like_count": m.like_count,
        "comment_count": m.comment_count, "play_count": m.play_count, "view_count": m.view_count,
        "image_versions2": {"candidates": _candidates(m.thumbnail_url, m)[:1]},
        "original_height": _size(m)[1], "original_width": _size(m)[0],
        "preview": None, "video_versions": None, "user": {"pk": p.user_id, "id": p.user_id},
        "clips_tab_pinned_user_ids": [p.user_id] if m.pinned else [], "audience": None,
        "__typename": "XDTMediaDict",
    }
    if not access.counts:
        del media["play_count"], media["view_count"]
    for name in access.omit:
        media.pop(name, None)
    return {"media": media, "__typename": "XDTClipsItem"}


def listing_media(p: SyntheticProfile, m: SyntheticMedia, access: Access) -> dict[str, Any]:
    """A complete media dict as a logged-in listing carries it, less the fields ``access.omit`` names."""
    media = polaris_media(p, m, access)
    for name in access.omit:
        media.pop(name, None)
    return media


def timeline_node(p: SyntheticProfile, m: SyntheticMedia, access: Access) -> dict[str, Any]:
    """A node of the logged-out posts timeline: only the code and ids as live Instagram sends it."""
    if access.code_only_timeline:
        return {"code": m.code, "pk": m.pk, "id": f"{m.pk}_{p.user_id}", "__typename": "XDTMediaDict"}
    return listing_media(p, m, access)


def encode_cursor(kind: str, user_id: str, offset: int) -> str:
    raw = dumps({"k": kind, "u": user_id, "o": offset}).encode()
    return "QVFE" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any] | None:
    if not cursor.startswith("QVFE"):
        return None
    body = cursor[4:]
    try:
        return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, json.JSONDecodeError):
        return None


def clips_connection(p: SyntheticProfile, offset: int, size: int, include_feed_video: bool,
                     access: Access = FULL_ACCESS) -> dict[str, Any]:
    items = [m for m in p.videos if include_feed_video or m.product_type == "clips"]
    page = items[offset:offset + size]
    end = offset + len(page)
    edges = [{"node": clips_node(p, m, access), "cursor": encode_cursor("clips", p.user_id, offset + i + 1)}
             for i, m in enumerate(page)]
    return {
        "edges": edges,
        "page_info": {"end_cursor": encode_cursor("clips", p.user_id, end) if page else None,
                      "has_next_page": end < len(items), "has_previous_page": offset > 0,
                      "start_cursor": None},
    }


def timeline_connection(p: SyntheticProfile, after_pk: str | None, size: int,
                        access: Access = FULL_ACCESS) -> dict[str, Any]:
    media = list(p.media)
    start = 0
    if after_pk is not None:
        start = next((i + 1 for i, m in enumerate(media) if m.pk == after_pk), len(media))
    page = media[start:start + size]
    end = start + len(page)
    return {
        "edges": [{"node": timeline_node(p, m, access), "cursor": f"{m.pk}_{p.user_id}"} for m in page],
        "page_info": {"end_cursor": f"{page[-1].pk}_{p.user_id}" if page else None,
                      "has_next_page": end < len(media), "has_previous_page": start > 0,
                      "start_cursor": f"{page[0].pk}_{p.user_id}" if page else None},
    }


def user_timeline_connection(p: SyntheticProfile, offset: int, size: int, access: Access) -> dict[str, Any]:
    """``xdt_api__v1__feed__user_timeline_graphql_connection``: the logged-in posts timeline, complete media."""
    page = p.media[offset:offset + size]
    end = offset + len(page)
    return {
        "edges": [{"node": listing_media(p, m, access), "cursor": encode_cursor("feed", p.user_id, offset + i + 1)}
                  for i, m in enumerate(page)],
        "page_info": {"end_cursor": encode_cursor("feed", p.user_id, end) if page else None,
                      "has_next_page": end < len(p.media), "has_previous_page": offset > 0,
                      "start_cursor": None},
    }


# --- HTML pages -----------------------------------------------------------------------------

def _preloader(name: str, data: dict[str, Any]) -> str:
    payload = {"require": [["ScheduledServerJS", "handle", None, [{
        "__bbox": {"require": [["RelayPrefetchedStreamCache", "next", [], [
            f"adp_{name}RelayPreloader_{hashlib.sha1(name.encode()).hexdigest()[:16]}",
            {"__bbox": {"complete": True, "result": {"data": data, "extensions": {"is_final": True}},
                        "sequence_number": 0}},
        ]]]}
    }]]]}
    return f'<script type="application/json" data-content-len="{len(dumps(payload))}" data-sjs>' \
           f"{script_json(payload)}</script>"


@dataclass(frozen=True)
class Viewer:
    """A logged-in visitor: the account, its user id, and its page tokens."""

    username: str
    user_id: str
    fb_dtsg: str

    @property
    def eimu(self) -> str:
        return str(int(self.user_id) + 10**14)


def _config_script(lsd: str, viewer: Viewer | None = None) -> str:
    user_id = viewer.user_id if viewer else "0"
    define: dict[str, Any] = {"define": [
        ["LSD", [], {"token": lsd}, 323],
        ["CurrentUserInitialData", [], {
            "ACCOUNT_ID": user_id, "USER_ID": user_id, "NAME": viewer.username if viewer else "",
            "SHORT_NAME": None, "IS_BUSINESS_PERSON_ACCOUNT": False,
            "HAS_SECONDARY_BUSINESS_PERSON": False, "IS_FACEBOOK_WORK_ACCOUNT": False,
            "IS_INSTAGRAM_BUSINESS_PERSON": False, "IS_MESSENGER_ONLY_USER": False, "APP_ID": APP_ID,
            "IS_BUSINESS_DOMAIN": False, "NON_FACEBOOK_USER_ID": user_id,
            "IG_USER_EIMU": viewer.eimu if viewer else "0"}, 270],
        ["PolarisSiteData", [], {"country_code": "US", "device_id": "", "platform": "web"}, 1],
    ]}
    if viewer is not None:  # the logged-in page carries the fb_dtsg token the web app's queries need
        define["define"].append(["DTSGInitialData", [], {"token": viewer.fb_dtsg}, 258])
    return (f'<script type="application/json" data-content-len="{len(dumps(define))}" data-sjs>'
            '{"require":[["ScheduledServerJS","handle",null,[{"__bbox":' + script_json(define) + '}]]]}</script>')


def _page(title: str, head_extra: str, body_scripts: str) -> str:
    return (
        '<!DOCTYPE html><html class="_9dls" lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>{head_extra}"
        '<link rel="manifest" href="/data/manifest.json"></head><body class="" style="">'
        f'<div id="splash-screen"></div>{body_scripts}'
        '<div id="scrollview"></div></body></html>'
    )


def start_page(lsd: str, viewer: Viewer | None = None) -> str:
    return _page("Instagram", '<meta property="og:site_name" content="Instagram">', _config_script(lsd, viewer))


def login_page(lsd: str) -> str:
    return _page("Login • Instagram", "", _config_script(lsd))


def profile_page(p: SyntheticProfile, lsd: str, access: Access = FULL_ACCESS) -> str:
    desc = (f"{p.followers:,} Followers, {p.following:,} Following, {p.media_count:,} Posts - "
            f"See Instagram photos and videos from {p.full_name} (@{p.username})")
    head = (f'<meta property="og:title" content="{html.escape(p.full_name)} (@{p.username}) '
            f'• Instagram photos and videos">'
            f'<meta property="og:image" content="{html.escape(p.profile_pic_url)}">'
            f'<meta property="og:description" content="{html.escape(desc)}">'
            f'<meta property="al:ios:url" content="instagram://user?username={p.username}">')
    scripts = _config_script(lsd)
    scripts += _preloader("PolarisProfilePageContentQuery", {"xig_user_by_username": xig_user(p)})
    if not p.is_private:
        timeline = timeline_connection(p, None, 12, access)
        scripts += _preloader("PolarisLoggedOutDesktopWWWProfilePostsTabContentQuery", {
            "xig_user_by_username": {"id": p.page_id, "pk": p.user_id,
                                     "polaris_ordered_timeline_connection": timeline,
                                     "__typename": "XIGUser"}})
    return _page(f"{p.full_name} (@{p.username}) • Instagram photos and videos", head, scripts)


def not_found_page(lsd: str) -> str:
    return _page("Page not found • Instagram", "",
                 _config_script(lsd) + "<h2>Sorry, this page isn't available.</h2>"
                 "<p>The link you followed may be broken, or the page may have been removed.</p>")


def post_page(p: SyntheticProfile, m: SyntheticMedia, lsd: str) -> str:
    head = (f'<meta property="og:title" content="{html.escape(p.full_name)} on Instagram">'
            f'<meta property="og:image" content="{html.escape(m.thumbnail_url)}">'
            f'<meta property="og:url" content="https://www.instagram.com/p/{m.code}/">')
    return _page(f"{p.full_name} on Instagram", head, _config_script(lsd))
