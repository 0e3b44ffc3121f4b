"""Per-client request limits kept by the `limits` library (moving window).

With a Redis URL configured (``CELERY_BROKER_URL=redis://…``, team mode) the counters live in Redis, so every API
process behind one address shares one limit; otherwise in this process's memory. A Redis outage lets requests
through (logged) rather than taking the API down with it.
"""

from __future__ import annotations

import logging
import time

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from api.settings import MEMORY_STORAGE, RateLimit

log = logging.getLogger("reelscope.api")

_NAMESPACE = "reelscope-api"


class ClientRateLimiter:
    """``limit`` requests per ``period`` for each client key, counted in ``storage`` (a limits storage URI)."""

    def __init__(self, limit: RateLimit, storage: str = MEMORY_STORAGE) -> None:
        self.limit = limit
        self.storage_uri = storage
        options = {"implementation": "redispy"} if storage != MEMORY_STORAGE else {}
        self._storage = storage_from_string(f"async+{storage}", **options)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._item = RateLimitItemPerSecond(limit.requests, max(1, round(limit.period)))

    async def take(self, key: str) -> float:
        """Count one request: 0.0 when allowed, else the seconds until the client may send the next one."""
        try:
            if await self._limiter.hit(self._item, _NAMESPACE, key):
                return 0.0
            stats = await self._limiter.get_window_stats(self._item, _NAMESPACE, key)
        except Exception as exc:  # noqa: BLE001 - the limit store is down: serve rather than refuse everyone
            log.warning("rate limit store %s unavailable, request allowed: %s", self.storage_uri.split("@")[-1], exc)
            return 0.0
        return max(stats.reset_time - time.time(), 0.001)
