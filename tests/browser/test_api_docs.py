"""The REST API's /docs and /redoc render with no internet: their scripts come from an installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.browser.conftest import ROOT, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def api_url(tmp_path_factory):
    from tests.browser.conftest import _free_port

    port = _free_port()
    folder = tmp_path_factory.mktemp("api-docs")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'api.db'}", "PYTHONUNBUFFERED": "1"}
    for name in ("REELSCOPE_API_TOKEN", "REELSCOPE_DEMO", "INSTAGRAM_BASE_URL"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "core", "api", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/api/v1/health", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the API server did not start")
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=20)


def _offline(page, base: str) -> list[tuple[str, str]]:
    """Abort every request that leaves the API server (as with no internet); return what was attempted, as
    (resource type, URL)."""
    attempted: list[tuple[str, str]] = []
    local = urlsplit(base).netloc

    def route(request_route):
        request = request_route.request
        if urlsplit(request.url).netloc == local:
            request_route.continue_()
        else:
            attempted.append((request.resource_type, request.url))
            request_route.abort()

    page.route("**/*", route)
    return attempted


def _code_from_outside(attempted: list[tuple[str, str]]) -> list[str]:
    """Scripts, styles and fonts asked of another host (ReDoc's "powered by" logo image may be: it just
    does not show offline)."""
    return [url for kind, url in attempted if kind in ("script", "stylesheet", "font", "fetch", "xhr")]


def test_swagger_ui_renders_offline(page, api_url):
    outside = _offline(page, api_url)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{api_url}/docs")
    page.locator(".swagger-ui .info .title").filter(has_text="ReelScope API").wait_for()
    page.locator(".opblock-summary-path").filter(has_text="/api/v1/analyses").first.wait_for()
    screenshot(page, "api-docs-swagger")
    assert _code_from_outside(outside) == []


def test_redoc_renders_offline(page, api_url):
    outside = _offline(page, api_url)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{api_url}/redoc")
    page.locator("h1").filter(has_text="ReelScope API").first.wait_for()
    page.get_by_text("/api/v1/analyses").first.wait_for()
    screenshot(page, "api-docs-redoc")
    assert _code_from_outside(outside) == []
