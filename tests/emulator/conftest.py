"""Fixtures: one emulator per session and real instaloader loaders routed to it."""

from __future__ import annotations

import instaloader
import pytest

from emulator import EmulatorServer

try:
    from core.instagram.transport import redirect_instagram_to
except ImportError:  # pragma: no cover - fallback while core is absent
    import types
    from urllib.parse import urlsplit, urlunsplit

    import instaloader.instaloadercontext as _ctx
    import requests
    from requests.adapters import HTTPAdapter

    _target: dict[str, str] = {}

    class _Adapter(HTTPAdapter):
        def send(self, request, **kwargs):  # type: ignore[override]
            parts = urlsplit(request.url)
            host = parts.hostname or ""
            if _target and host.endswith(("instagram.com", "cdninstagram.com", "fbcdn.net")):
                base = urlsplit(_target["url"])
                request = request.copy()
                request.url = urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))
                request.headers["Host"] = parts.netloc
            return super().send(request, **kwargs)

    class _Session(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self.mount("https://", _Adapter())
            self.mount("http://", _Adapter())

    def redirect_instagram_to(base_url: str | None) -> None:
        if base_url:
            _target["url"] = base_url
            module = types.ModuleType("requests")
            module.__dict__.update({k: v for k, v in vars(requests).items() if not k.startswith("__")})
            module.Session = _Session  # type: ignore[attr-defined]
            _ctx.requests = module
        else:
            _target.clear()
            _ctx.requests = requests


class NoSleepRateController(instaloader.RateController):
    def sleep(self, secs: float) -> None:
        pass


def make_loader(attempts: int = 1) -> instaloader.Instaloader:
    return instaloader.Instaloader(sleep=False, quiet=True, max_connection_attempts=attempts,
                                   rate_controller=lambda ctx: NoSleepRateController(ctx))


@pytest.fixture(scope="session")
def emu_server():
    """The older everything-anonymous mode: these tests drive instaloader's own get_reels()/get_posts(),
    which live Instagram no longer answers anonymously (see test_live_instagram.py for the default)."""
    with EmulatorServer(everything_anonymous=True, era="2026-09") as server:
        yield server


@pytest.fixture
def emu(emu_server):
    """The emulator, without faults and with an empty request log; instaloader routed to it."""
    emu_server.clear_faults()
    emu_server.reset_requests()
    redirect_instagram_to(emu_server.url)
    yield emu_server
    emu_server.clear_faults()
    redirect_instagram_to(None)


@pytest.fixture
def loader(emu):
    L = make_loader()
    yield L
    L.close()


@pytest.fixture
def loader_factory(emu):
    """``loader_factory(attempts)``: a loader with that many connection attempts."""
    made: list[instaloader.Instaloader] = []

    def factory(attempts: int = 1) -> instaloader.Instaloader:
        made.append(make_loader(attempts))
        return made[-1]
    yield factory
    for L in made:
        L.close()


@pytest.fixture
def ctx(loader):
    return loader.context
