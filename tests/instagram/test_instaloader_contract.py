"""Fails loudly when the installed instaloader no longer sends what core.instagram.queries copies from it."""

from __future__ import annotations

import inspect
from pathlib import Path

import instaloader
from instaloader import NodeIterator, Post, Profile

from core.instagram import queries


def test_the_installed_instaloader_is_the_pinned_version():
    assert instaloader.__version__ == queries.INSTALOADER_VERSION
    requirements = Path(__file__).resolve().parents[2].joinpath("requirements.txt").read_text().splitlines()
    assert f"instaloader=={queries.INSTALOADER_VERSION}" in requirements


def test_the_profile_is_read_from_its_page_as_instaloader_does():
    source = inspect.getsource(Profile.from_username)
    for expected in ('context.get_page_data("{0}/".format(username.lower()))', 'data.get("xig_user_by_username")',
                     'user.pop("polaris_ordered_timeline_connection", None)', 'dict(user, id=user["pk"])'):
        assert expected in source, expected


def test_the_reels_tab_query_is_instaloaders():
    source = inspect.getsource(Profile.get_reels)
    assert f"'{queries.REELS_TAB_DOC_ID}'" in source
    assert queries.REELS_TAB_CONNECTION in source
    assert "'page_size': 12, 'include_feed_video': True" in source


def test_the_timeline_queries_are_instaloaders():
    source = inspect.getsource(Profile.get_posts)
    for expected in (queries.LOGGED_OUT_TIMELINE_DOC_ID, queries.LOGGED_IN_TIMELINE_DOC_ID,
                     queries.LOGGED_IN_TIMELINE_CONNECTION, "polaris_ordered_timeline_connection",
                     '"__relay_internal__pv__PolarisSEOIsCrawlerrelayprovider": False', "web_api=True"):
        assert expected in source, expected


def test_the_detail_query_is_instaloaders():
    source = inspect.getsource(Post._obtain_metadata)
    assert f'"{queries.MEDIA_DETAIL_DOC_ID}"' in source
    assert queries.MEDIA_DETAIL_FIELD in source
    assert "web_api=not self._context.is_logged_in" in source


def test_node_iterator_takes_the_arguments_the_wrappers_pass():
    parameters = list(inspect.signature(NodeIterator.__init__).parameters)
    assert parameters == ["self", "context", "query_hash", "edge_extractor", "node_wrapper", "query_variables",
                          "query_referer", "first_data", "is_first", "doc_id", "web_api"]


def test_the_session_check_relies_on_instaloader_internals_that_still_exist():
    """core.instagram.session_check reads the start page with ``_get_page`` and seeds ``_web_api_tokens_cache`` so
    that the web app's session check takes two requests; instaloader 4.16 must still have both."""
    import inspect

    from instaloader import InstaloaderContext

    assert list(inspect.signature(InstaloaderContext._get_page).parameters) == ["self", "session", "path"]
    assert "_web_api_tokens_cache[sessionid]" in inspect.getsource(InstaloaderContext._web_api_tokens)
