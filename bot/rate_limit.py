"""Sliding-window rate limits, kept in memory per key."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import defaultdict, deque
from typing import Callable

from starlette.requests import Request


def client_key(request: Request, key: bytes) -> str:
    """Return a keyed hash of the client address: used for rate limits only, never stored."""
    host = request.client.host if request.client else "unknown"
    return hmac.new(key, host.encode(), hashlib.sha256).hexdigest()


class RateLimiter:
    """Allow at most `limit` events per `window` seconds for each key."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        """Record an event for `key` and tell whether it is within the limit."""
        now = self.clock()
        events = self._events[key]
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        if len(self._events) > 100_000:
            self._forget_idle(now)
        return True

    def _forget_idle(self, now: float) -> None:
        """Drop keys with no events inside the window, to bound memory."""
        for key in [k for k, v in self._events.items() if not v or now - v[-1] >= self.window]:
            del self._events[key]
