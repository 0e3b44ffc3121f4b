import json

import instaloader.exceptions as ie
import pytest
import requests

from core.errors import map_exception


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
])
def test_instaloader_and_network_errors_map_to_one_typed_error(exc, kind):
    error = map_exception(exc)
    assert error.kind == kind
    assert error.message.endswith(".")


def test_every_mapped_error_keeps_the_technical_detail_for_logs():
    error = map_exception(ie.ConnectionException("boom"))
    assert "ConnectionException: boom" in error.detail
