"""Injected faults surface as the exceptions instaloader raises for real Instagram."""

from __future__ import annotations

import time

import pytest
import requests
from instaloader import Profile
from instaloader.exceptions import (
    BadResponseException,
    ConnectionException,
    LoginRequiredException,
    ProfileNotExistsException,
    TooManyRequestsException,
)

from emulator import Fault


def _reels(ctx, username="few_posts"):
    return list(Profile.from_username(ctx, username).get_reels())


def test_429_on_api_is_too_many_requests(ctx, emu):
    emu.add_fault(Fault("429", username="few_posts", endpoint="web_profile_info"))
    profile = Profile.from_username(ctx, "few_posts")
    with pytest.raises(ConnectionException) as info:
        profile.get_reels()
    assert isinstance(info.value.__cause__, TooManyRequestsException)
    rec = emu.requests[-1]
    assert (rec.status, rec.fault, rec.endpoint) == (429, "429", "web_profile_info")


def test_429_is_transient_with_retries(emu, loader_factory):
    loader = loader_factory(2)
    emu.add_fault(Fault("429", endpoint="reels", times=1))
    reels = list(Profile.from_username(loader.context, "few_posts").get_reels())
    assert len(reels) == 3
    assert [r.status for r in emu.requests if r.endpoint == "reels"] == [429, 200]


def test_429_on_profile_page_is_connection_error(ctx, emu):
    emu.add_fault(Fault("429", endpoint="profile_page"))
    with pytest.raises(ConnectionException):
        Profile.from_username(ctx, "few_posts")


def test_401_wait(ctx, emu):
    emu.add_fault(Fault("401_wait", endpoint="reels"))
    with pytest.raises(ConnectionException, match="Please wait a few minutes"):
        _reels(ctx)


@pytest.mark.parametrize("kind", ["500", "503"])
def test_server_errors(ctx, emu, kind):
    emu.add_fault(Fault(kind, username="few_posts", endpoint="post"))
    with pytest.raises(ConnectionException, match=kind):
        _reels(ctx)


def test_reset(ctx, emu):
    emu.add_fault(Fault("reset", endpoint="reels"))
    with pytest.raises(ConnectionException) as info:
        _reels(ctx)
    assert isinstance(info.value.__cause__, requests.exceptions.ConnectionError)
    assert emu.requests[-1].status == 0


def test_reset_of_profile_page(ctx, emu):
    emu.add_fault(Fault("reset", username="few_posts", endpoint="profile_page"))
    with pytest.raises(ConnectionException):
        Profile.from_username(ctx, "few_posts")


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
def test_bad_json(ctx, emu, kind):
    emu.add_fault(Fault(kind, endpoint="post"))
    with pytest.raises(ConnectionException):
        _reels(ctx)


def test_malformed_profile_page(ctx, emu):
    emu.add_fault(Fault("malformed", endpoint="profile_page"))
    with pytest.raises(ProfileNotExistsException):
        Profile.from_username(ctx, "few_posts")


def test_truncated_profile_page(ctx, emu):
    # the first half of the page still has the profile's details, but not its posts
    emu.add_fault(Fault("truncated", endpoint="profile_page"))
    profile = Profile.from_username(ctx, "few_posts")
    assert profile.followers == emu.catalogue["few_posts"].followers
    with pytest.raises(BadResponseException):
        profile.get_posts()


def test_login_redirect(ctx, emu):
    emu.add_fault(Fault("login", endpoint="profile_page"))
    with pytest.raises(LoginRequiredException):
        Profile.from_username(ctx, "few_posts")
    assert emu.requests[-1].status == 302


def test_slow(ctx, emu):
    emu.add_fault(Fault("slow", endpoint="profile_page", delay_ms=400))
    start = time.monotonic()
    Profile.from_username(ctx, "few_posts")
    assert time.monotonic() - start >= 0.4


def test_after_and_times_fail_mid_job(ctx, emu):
    emu.add_fault(Fault("500", username="demo_creator", endpoint="post", after=3, times=1))
    iterator = Profile.from_username(ctx, "demo_creator").get_reels()
    got = [next(iterator) for _ in range(3)]
    with pytest.raises(ConnectionException):
        next(iterator)
    rest = list(iterator)  # the fault was used up: the job can go on
    assert len(got) + len(rest) == len(emu.catalogue["demo_creator"].videos) - 1


def test_username_filter(ctx, emu):
    emu.add_fault(Fault("503", username="demo_food"))
    assert len(_reels(ctx, "few_posts")) == 3
    with pytest.raises(ConnectionException):
        Profile.from_username(ctx, "demo_food")


def test_cdn_fault(ctx, emu):
    url = emu.catalogue["few_posts"].profile_pic_url
    emu.add_fault(Fault("503", endpoint="cdn", times=1))
    with pytest.raises(ConnectionException):
        ctx.get_raw(url)
    assert ctx.get_raw(url).status_code == 200


def test_fault_validation():
    with pytest.raises(ValueError):
        Fault("teapot")
    with pytest.raises(ValueError):
        Fault("429", endpoint="nowhere")
    assert Fault.from_dict({"kind": "429", "username": "@Demo_Creator"}).username == "demo_creator"


def test_latency_and_retry_after_header():
    import urllib.error
    import urllib.request

    from emulator import EmulatorServer

    with EmulatorServer(latency_ms=150, everything_anonymous=True, era="2026-09") as server:
        server.add_fault(Fault("429"))
        req = urllib.request.Request(server.url + "/api/v1/users/web_profile_info/?username=few_posts",
                                     headers={"Host": "www.instagram.com", "x-ig-app-id": "936619743392459"})
        start = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req, timeout=10)
        assert time.monotonic() - start >= 0.15
        assert info.value.code == 429 and int(info.value.headers["Retry-After"]) > 0
        assert server.requests[0].username == "few_posts"
