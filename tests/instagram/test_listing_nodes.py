"""Reading reels from listing nodes: what counts as a video, which fields a node lacks, text clean-up."""

from __future__ import annotations

import pytest

from core.instagram.scraper import Access, clean_text, missing_fields, video_kind, withheld_fields


@pytest.mark.parametrize("media, kind", [
    ({"media_type": 2}, True), ({"media_type": 1, "product_type": "clips"}, False),
    ({"product_type": "clips"}, True), ({"product_type": "carousel_container"}, False),
    ({"product_type": "feed", "video_versions": None}, False), ({"video_duration": 12.5}, True),
    ({"code": "Cx1"}, None),
])
def test_a_node_is_a_video_by_media_type_then_product_type_then_video_fields(media, kind):
    assert video_kind(media) is kind


def test_a_node_lacks_a_field_only_when_the_key_is_absent_and_not_withheld():
    media = {"taken_at": 1, "caption": None, "like_count": 3, "comment_count": None, "video_duration": 9.0}
    assert missing_fields(media, ()) == ["plays", "views"]
    assert missing_fields(media, ("plays", "views")) == []
    assert missing_fields({"code": "Cx1"}, ("plays", "views")) == ["posted_at", "caption", "likes", "comments",
                                                                    "duration"]


def test_unpaired_surrogates_become_replacement_characters_and_the_rest_stays():
    assert clean_text("a\ud83db 😀 é") == "a\ufffdb 😀 é"
    assert clean_text(None) is None and clean_text("") == ""


def test_access_labels_and_what_anonymous_visitors_are_not_sent():
    assert (Access().label, Access().withheld) == ("anonymous", ("plays", "views"))
    assert (Access("ann").label, Access("ann").withheld) == ("logged in as @ann", ())
    assert "expired" in Access(session_expired=True).notice
    assert withheld_fields([], Access()) == ["plays", "views"]


def test_an_execution_error_answer_is_a_route_refusal_and_a_network_failure_is_not():
    import requests
    from instaloader.exceptions import AbortDownloadException, ConnectionException, QueryReturnedNotFoundException

    from core.instagram.error_mapping import refusal_of
    from core.instagram.queries import GraphQLErrors, _raise_for_errors

    with pytest.raises(GraphQLErrors) as answer:
        _raise_for_errors({"errors": [{"message": "execution error"}], "data": None})
    assert refusal_of(answer.value).summary == "HTTP 200 execution error"
    assert refusal_of(AbortDownloadException('400 Bad Request - "fail" status, message "feedback_required" when '
                                             "accessing https://www.instagram.com/graphql/query")).feedback_required
    assert refusal_of(QueryReturnedNotFoundException("404 Not Found")).status == 404
    assert refusal_of(QueryReturnedNotFoundException("404 Not Found"), api_endpoint=False) is None
    assert refusal_of(ConnectionException("x")) is None and refusal_of(requests.ConnectionError()) is None
