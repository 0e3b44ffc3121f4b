"""Who owns a running analysis: a process (host, pid, start), or the Celery queue while it waits there."""

from __future__ import annotations

import os
import socket
import time

_BOOT = f"{int(time.time())}"

# Owner of a pending analysis waiting in the Celery queue. It names no process (a host name cannot contain
# "@"), so owner_is_alive treats it as alive and recover_orphans() leaves queued jobs alone.
QUEUED_OWNER = "queued@celery:0:0"


def process_owner() -> str:
    """Identifies this process (host, pid, start) as the owner of the analyses it runs."""
    return f"{socket.gethostname()}:{os.getpid()}:{_BOOT}"


def owner_is_alive(owner: str | None) -> bool:
    """Whether the process named by ``owner`` may still be running (unknown hosts are assumed alive)."""
    if not owner:
        return False
    try:
        host, pid, boot = owner.rsplit(":", 2)
    except ValueError:
        return False
    if owner == process_owner():
        return True
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return int(pid) != os.getpid()  # this pid but another start: the old process is gone
