import json

import instaloader.exceptions as ie
import pytest
import requests

from core.instagram.error_mapping import map_exception


def _caused(outer: Exception, cause: Exception) -> Exception:
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize("exc, kind", [
    (ie.ProfileNotExistsException("Profile x does not exist."), "not_found"),
    (ie.PrivateProfileNotFollowedException("private"), "private"),
    (ie.LoginRequiredException("Redirected to login page."), "login_required"),
    (ie.TooManyRequestsException("429 Too Many Requests"), "rate_limited"),
    (_caused(ie.ConnectionException("JSON Query failed"), ie.TooManyRequestsException("429")), "rate_limited"),
    (ie.ConnectionException("401 Unauthorized - \"fail\" status, message \"Please wait a few minutes\""),
     "rate_limited"),
    (ie.ConnectionException("500 Internal Server Error when accessing https://www.instagram.com/"), "network"),
    (requests.ConnectionError("Connection reset by peer"), "network"),
    (ie.BadResponseException("Fetching Post metadata failed."), "bad_response"),
    (json.JSONDecodeError("Expecting value", "", 0), "bad_response"),
    (ZeroDivisionError("bug"), "internal"),
    (ie.AbortDownloadException('400 Bad Request - "fail" status, message "feedback_required" when accessing '
                               'https://www.instagram.com/graphql/query'), "soft_blocked"),
    (ie.QueryReturnedBadRequestException('400 Bad Request - "fail" status, message "Unknown doc_id" when '
                                         'accessing https://www.instagram.com/graphql/query'), "instaloader_outdated"),
    (ie.ConnectionException('403 Forbidden - "fail" status, message "" when accessing '
                            'https://www.instagram.com/graphql/query'), "forbidden"),
])
def test_instaloader_and_network_errors_map_to_one_typed_error(exc, kind):
    error = map_exception(exc)
    assert error.kind == kind
    assert error.message.endswith(".")


def test_every_mapped_error_keeps_the_technical_detail_for_logs():
    error = map_exception(ie.ConnectionException("boom"))
    assert "ConnectionException: boom" in error.detail


def test_profile_counts_fall_back_to_the_newer_field_names_and_stay_unknown_otherwise():
    import instaloader

    from core.instagram.scraper import profile_from_instaloader
    from core.instagram.transport import current_base_url, redirect_instagram_to

    previous = current_base_url()
    redirect_instagram_to("http://127.0.0.1:9")  # an accidental request fails here, never reaches Instagram

    context = instaloader.Instaloader(quiet=True).context
    profile = instaloader.Profile(context, {"id": "42", "username": "Someone", "is_private": False,
                                            "follower_count": 1200, "media_count": 7,
                                            "profile_pic_url": "https://scontent.cdninstagram.com/p.jpg"})
    profile._has_full_metadata = True  # nothing more to fetch: missing fields must not trigger requests
    snapshot = profile_from_instaloader(profile)
    assert (snapshot.user_id, snapshot.username, snapshot.followers, snapshot.following, snapshot.media_count) == \
        ("42", "someone", 1200, None, 7)
    assert snapshot.profile_pic_url == "https://scontent.cdninstagram.com/p.jpg"
    redirect_instagram_to(previous)
