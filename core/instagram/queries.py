"""The Instagram queries ReelScope sends, by name, through instaloader's public context and NodeIterator.

instaloader 4.16's ``Profile.get_reels()`` first calls ``web_profile_info`` (HTTP 400 for many business
accounts) and then re-fetches every reel, and its ``Profile.get_posts()`` does the same per post. These
wrappers send the same queries (same doc_ids, variables and endpoints as instaloader 4.16) but hand back
the raw media dicts the listings carry, so the scraper reads every field from the listing and asks for a
post's details only when the listing lacks a field. ``tests/instagram/test_instaloader_contract.py`` fails
loudly when the installed instaloader changes any of what is copied here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from instaloader import InstaloaderContext, NodeIterator, Profile
from instaloader.exceptions import ProfileNotExistsException, QueryReturnedNotFoundException

from core.domain.errors import InstagramChanged

INSTALOADER_VERSION = "4.16"

REELS_TAB_DOC_ID = "7845543455542541"  # PolarisProfileReelsTabContentQuery_connection (graphql/query)
LOGGED_OUT_TIMELINE_DOC_ID = "28904005159232689"  # logged-out posts tab (api/graphql)
LOGGED_IN_TIMELINE_DOC_ID = "29104886249145907"  # PolarisProfilePostsTabContentQuery_connection (api/graphql)
MEDIA_DETAIL_DOC_ID = "27128499623469141"  # xdt_api__v1__media__shortcode__web_info
PROFILE_DOC_ID = "27937681195819736"  # the profile query by user id (instaloader 4.16 Profile.from_id)

REELS_TAB_CONNECTION = "xdt_api__v1__clips__user__connection_v2"
LOGGED_IN_TIMELINE_CONNECTION = "xdt_api__v1__feed__user_timeline_graphql_connection"
MEDIA_DETAIL_FIELD = "xdt_api__v1__media__shortcode__web_info"


class ListingUnavailable(Exception):
    """Instagram answered a listing with ``null`` (the reels tab, for anonymous visitors)."""


class GraphQLErrors(Exception):
    """Instagram answered a query with ``errors`` and no data (e.g. "execution error" for a retired query)."""


def _raise_for_errors(response: dict[str, Any]) -> dict[str, Any]:
    errors = response.get("errors")
    if errors and not response.get("data"):
        messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
        raise GraphQLErrors(f'GraphQL errors: message "{messages}"')
    return response


def _connection(name: str):
    def extract(response: dict[str, Any]) -> dict[str, Any]:
        connection = (_raise_for_errors(response).get("data") or {}).get(name)
        if connection is None:
            raise ListingUnavailable(f"{name} is null")
        return connection
    return extract


def _referer(username: str) -> str:
    return f"https://www.instagram.com/{username}/"


@dataclass(frozen=True)
class ProfilePage:
    """A profile's public page: the profile, and the first page of its logged-out posts timeline."""

    profile: Profile
    timeline: dict[str, Any] | None  # None for a private profile
    page_id: str | None  # the page's id of the profile (not its user id), which the timeline query takes


def profile_page(context: InstaloaderContext, username: str) -> ProfilePage:
    """The profile from its public page, as instaloader 4.16's ``Profile.from_username`` reads it (the page
    is fetched anonymously, logged in or not), keeping the timeline page that method discards, so that an
    anonymous analysis does not fetch the same page twice. ProfileNotExistsException when there is none."""
    try:
        page = context.get_page_data(f"{username.lower()}/")
    except QueryReturnedNotFoundException:
        raise ProfileNotExistsException(f"Profile {username} does not exist.") from None
    if not page:
        # A page that embeds no query data at all is not Instagram saying "no such user" (that is a 404, or a
        # page whose embedded data holds no such user): it is an unexpected answer, retried, then bad_response.
        raise InstagramChanged(detail=f"the profile page of {username!r} embeds no data")
    user: dict[str, Any] = {}
    for data in page:
        user.update(data.get("xig_user_by_username") or {})
    if not user.get("pk"):
        raise ProfileNotExistsException(f"Profile {username} does not exist.")
    timeline = user.pop("polaris_ordered_timeline_connection", None)
    return ProfilePage(Profile(context, dict(user, id=user["pk"])), timeline, user.get("id"))


def reels_tab(context: InstaloaderContext, user_id: str, username: str, web_api: bool = True) -> NodeIterator[dict]:
    """The reels tab (reels and feed videos) as raw media dicts; ListingUnavailable when it is null.

    The first page is requested here, as instaloader's ``Profile.get_reels()`` does. ``web_api``: over the web
    app's ``api/graphql`` (as a browser sends it), else over ``graphql/query`` (as instaloader 4.16 sends it).
    """
    return NodeIterator(
        context, None, _connection(REELS_TAB_CONNECTION), lambda node: node["media"],
        query_variables={"data": {"page_size": 12, "include_feed_video": True, "target_user_id": str(user_id)}},
        query_referer=_referer(username), doc_id=REELS_TAB_DOC_ID, web_api=web_api,
    )


def logged_in_timeline(context: InstaloaderContext, username: str, web_api: bool = True) -> NodeIterator[dict]:
    """The logged-in posts timeline as raw media dicts (variables as in instaloader 4.16's ``get_posts()``)."""
    return NodeIterator(
        context, None, _connection(LOGGED_IN_TIMELINE_CONNECTION), lambda node: node,
        query_variables={
            "data": {"count": 12, "include_reel_media_seen_timestamp": True, "include_relationship_info": True,
                     "latest_besties_reel_media": True, "latest_reel_media": True},
            "first": 12, "include_multi_captions": True, "username": username,
            "__relay_internal__pv__PolarisMultiCaptionCarouselEnabledrelayprovider": True,
            "__relay_internal__pv__PolarisShortDramaEnabledrelayprovider": True,
            "__relay_internal__pv__PolarisSEOIsCrawlerrelayprovider": False,
            "__relay_internal__pv__PolarisThreadsStyleCommentsEnabledrelayprovider": False,
            "__relay_internal__pv__PolarisReelsRecoDebugOverlayEnabledrelayprovider": False,
        },
        query_referer=_referer(username), doc_id=LOGGED_IN_TIMELINE_DOC_ID, web_api=web_api,
    )


def logged_out_timeline(context: InstaloaderContext, username: str, page: ProfilePage) -> NodeIterator[dict]:
    """The logged-out posts timeline: first page from the profile page, further pages by the page's id.

    Its nodes may carry no more than each post's code. ListingUnavailable when the page has no posts
    timeline (a private profile).
    """
    if page.timeline is None or page.page_id is None:
        raise ListingUnavailable(f"the page of {username} carries no posts timeline")
    return NodeIterator(
        context, None, lambda response: response["data"]["node"]["polaris_ordered_timeline_connection"],
        lambda node: node,
        query_variables={"id": page.page_id, "__relay_internal__pv__PolarisSEOIsCrawlerrelayprovider": False},
        query_referer=_referer(username), first_data=page.timeline,
        doc_id=LOGGED_OUT_TIMELINE_DOC_ID, web_api=True,
    )


def media_detail(context: InstaloaderContext, shortcode: str, web_api: bool = True) -> dict[str, Any] | None:
    """One post's full media dict (the detail request of instaloader 4.16's ``Post``), or None if absent.

    ``web_api``: over ``api/graphql`` (instaloader 4.16 sends it there anonymously), else ``graphql/query``
    (where instaloader 4.16 sends it when logged in)."""
    response = context.doc_id_graphql_query(
        MEDIA_DETAIL_DOC_ID,
        {"shortcode": shortcode, "__relay_internal__pv__PolarisAIGMMediaWebLabelEnabledrelayprovider": False},
        web_api=web_api,
    )
    items = ((_raise_for_errors(response).get("data") or {}).get(MEDIA_DETAIL_FIELD) or {}).get("items")
    return items[0] if items else None


def profile_by_id(context: InstaloaderContext, user_id: str, web_api: bool = True) -> dict[str, Any] | None:
    """The profile query by user id (variables as in instaloader 4.16's ``Profile.from_id``): the user dict,
    or None when Instagram names no such user."""
    response = context.doc_id_graphql_query(
        PROFILE_DOC_ID,
        {"id": str(user_id), "render_surface": "PROFILE",
         "__relay_internal__pv__PolarisCannesGuardianExperienceEnabledrelayprovider": True,
         "__relay_internal__pv__PolarisCASB976ProfileEnabledrelayprovider": False,
         "__relay_internal__pv__PolarisRepostsConsumptionEnabledrelayprovider": False,
         "__relay_internal__pv__PolarisWebSchoolsEnabledrelayprovider": False,
         "enable_integrity_filters": True},
        web_api=web_api,
    )
    return (_raise_for_errors(response).get("data") or {}).get("user")


def web_profile_info(context: InstaloaderContext, username: str) -> dict[str, Any] | None:
    """The older anonymous profile lookup (``api/v1/users/web_profile_info/``, instaloader 4.16's anonymous
    ``Profile._obtain_metadata``), sent anonymously: the legacy user dict, or None."""
    with context.get_anonymous_session() as session:
        response = context.get_json("api/v1/users/web_profile_info/", params={"username": username.lower()},
                                    session=session)
    return (response.get("data") or {}).get("user")
