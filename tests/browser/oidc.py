"""A real OpenID Connect provider for browser tests (the ``oidc-provider-mock`` package) and the sign-in steps."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.browser.conftest import TIMEOUT_MS, _free_port, wait_idle


@contextmanager
def running_oidc_provider(log: Path) -> Iterator[str]:
    """`python -m oidc_provider_mock` on a free port; yields its issuer URL. Any ``sub`` typed on its authorization
    page signs in with that text as the email claim."""
    port = _free_port()
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "-p", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"oidc-provider-mock did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def write_auth_secrets(path: Path, issuer: str, port: int) -> Path:
    """A secrets.toml whose [auth] section signs in through ``issuer`` for a dashboard on ``port``."""
    path.write_text(f'''[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-long-random-cookie-secret-for-the-test-only"
client_id = "reelscope-dashboard"
client_secret = "reelscope-dashboard-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
''')
    return path


def sign_in(page, app: str, email: str) -> None:
    """Open the dashboard, press "Sign in", and authorize ``email`` on the provider's own page."""
    page.goto(app)
    wait_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**", timeout=TIMEOUT_MS)
    wait_idle(page)
