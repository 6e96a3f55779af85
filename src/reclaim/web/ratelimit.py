"""A small sliding-window rate limiter (per process) for logins and other abuse-prone actions."""

from __future__ import annotations

import time
from collections import deque
from threading import Lock


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = Lock()

    def count(self, key: str, now: float | None = None) -> int:
        """Attempts counted for ``key`` in the current window (nothing is counted)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key)
            return sum(1 for t in hits if t > moment - self.window) if hits else 0

    def hit(self, key: str, now: float | None = None, limit: int | None = None) -> float:
        """Count one attempt for ``key``; returns 0 if allowed, else seconds until allowed."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= moment - self.window:
                hits.popleft()
            if len(hits) >= (limit or self.limit):
                return max(0.0, hits[0] + self.window - moment)
            hits.append(moment)
            if len(self._hits) > 100_000:  # bound memory under a flood of distinct keys
                self._hits = {
                    k: v for k, v in self._hits.items() if v and v[-1] > moment - self.window
                }
            return 0.0
