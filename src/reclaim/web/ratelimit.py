"""A small sliding-window rate limiter (per process) for logins, PIN guesses and other
abuse-prone actions: the one limiter for whoever is making the attempts (a client address)."""

from __future__ import annotations

import math
import time
from collections import deque
from threading import Lock

from reclaim.web.i18n import ngettext


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = Lock()

    def _recent(self, key: str, moment: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= moment - self.window:
            hits.popleft()
        return hits

    def hit(self, key: str, now: float | None = None, limit: int | None = None) -> float:
        """Count one attempt for ``key``; returns 0 if allowed, else seconds until allowed."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._recent(key, moment)
            if len(hits) >= (limit or self.limit):
                return max(0.0, hits[0] + self.window - moment)
            hits.append(moment)
            if len(self._hits) > 100_000:  # bound memory under a flood of distinct keys
                self._hits = {
                    k: v for k, v in self._hits.items() if v and v[-1] > moment - self.window
                }
            return 0.0

    def check(self, key: str, now: float | None = None) -> tuple[int, float]:
        """Without counting anything: (attempts in the window, seconds until one is allowed)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return 0, 0.0
            hits = self._recent(key, moment)
            if len(hits) >= self.limit:
                return len(hits), max(0.0, hits[0] + self.window - moment)
            return len(hits), 0.0

    def count(self, key: str, now: float | None = None) -> int:
        """Attempts counted for ``key`` in the current window (nothing is counted)."""
        return self.check(key, now)[0]


def wait_words(seconds: float) -> str:
    """A wait in plain words: "15 minutes", "1 minute", "3 hours"."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", math.ceil(minutes / 60))
