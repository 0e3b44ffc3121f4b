"""Whether a dashboard may serve without sign-in on the address it is bound to."""

from __future__ import annotations

import ipaddress


def is_loopback_address(address: str | None) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost); unset means every address."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[] ")).is_loopback
    except ValueError:
        return False


def open_bind_refusal(address: str | None, sign_in_configured: bool, allow_open: bool) -> str | None:
    """The one-line fix when a dashboard would serve everyone on a reachable address without sign-in; else None."""
    if sign_in_configured or allow_open or is_loopback_address(address):
        return None
    where = f"address {address}" if address else "every network address (server.address is not set)"
    return (f"ReelScope refuses to run open on {where}: configure sign-in ([auth] in .streamlit/secrets.toml, see "
            "docs/sign-in.md), bind to 127.0.0.1, or set REELSCOPE_ALLOW_OPEN=1.")
