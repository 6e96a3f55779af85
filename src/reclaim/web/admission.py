"""Admission control: when the process is behind, answer at once instead of queueing.

Every request except the health checks belongs to a class with its own bound on requests in
flight (counted from the moment the request reaches the app to its last byte). Past the bound
the answer is ``503`` with ``Retry-After`` and a problem document, sent without reading the
body, so a burst cannot build a queue that every later request waits behind.

The classes (docs/operations.md, "Admission control"):

- ``platform``: the platform API (match, feed, feedback, exports, the URL list). Platforms'
  scanners retry, so this class is the one shed first: its bound is the smaller one, and it is
  below the thread pool's 40 threads, so a young person's report always finds a thread free.
- ``public``: everything else: young people's and adults' reports and status checks, their
  pages, staff pages. Reports are rare and precious: their bound is far above what they need,
  and each one in flight lowers the platforms' bound by one (never below one), so when
  reports back up it is match traffic that is refused (:meth:`Admission.bound`).
- health (``/healthz``, ``/readyz``, ``/metrics``) and static files: never refused.

A platform request that finds its class full waits a moment (``platform_wait``, 100 ms by
default) in a short first-come queue for a place to come free before it is refused. A brief
pause of the whole process (a page fault storm, a neighbour on a shared machine, a garbage
collection) otherwise let a handful of matches pile up and be refused although the process
caught up within milliseconds: at 400 matches a second on an otherwise quiet machine, 4-14
of 12,000 were refused per run after pauses of 30-65 ms. The queue holds at most four times
the class's bound; sustained overload still gets its 503 within ``platform_wait``.

Runs on the event loop only (ASGI middleware), so the counters need no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from reclaim.web.problems import PROBLEM_TYPE_BASE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PLATFORM: Final = "platform"
PUBLIC: Final = "public"

_PLATFORM_PATHS: Final = (
    "/api/v1/match",
    "/api/v1/hashes",
    "/api/v1/feedback",
    "/api/v1/export",
    "/api/v1/urls",
)
_NEVER_REFUSED: Final = frozenset({"/healthz", "/readyz", "/metrics"})

#: Seconds a refused client is asked to wait, by class.
RETRY_AFTER: Final = {PLATFORM: 1, PUBLIC: 2}


def request_class(path: str) -> str | None:
    """The admission class of a path; None for what is never refused."""
    if path in _NEVER_REFUSED or path.startswith("/static/"):
        return None
    if path.startswith(_PLATFORM_PATHS):
        return PLATFORM
    return PUBLIC


class Admission:
    """Requests in flight per class, each class with its own bound."""

    def __init__(self, platform_limit: int, public_limit: int, platform_wait: float = 0.1) -> None:
        self.limits = {PLATFORM: platform_limit, PUBLIC: public_limit}
        self.in_flight = {PLATFORM: 0, PUBLIC: 0}
        self.refused = {PLATFORM: 0, PUBLIC: 0}
        self.platform_wait = platform_wait
        #: Platform requests waiting for a place, first come first served.
        self.waiting: deque[asyncio.Future[None]] = deque()

    def bound(self, kind: str) -> int:
        """How many of ``kind`` may be in flight now. Platform traffic yields to the public:
        each public request in flight takes one place from the platforms (down to one), so
        when reports queue (on the database's write lock, on the CPU) matches are shed first
        and the reports' work gets the process."""
        if kind == PLATFORM:
            return max(1, self.limits[PLATFORM] - self.in_flight[PUBLIC])
        return self.limits[kind]

    def enter(self, kind: str) -> bool:
        """Count one request in; False (and nothing counted) if its class is full."""
        if not self._has_place(kind):
            self.refused[kind] += 1
            return False
        self.in_flight[kind] += 1
        return True

    def _has_place(self, kind: str) -> bool:
        # A platform request never jumps the ones already waiting.
        return self.in_flight[kind] < self.bound(kind) and not (kind == PLATFORM and self.waiting)

    async def admit(self, kind: str) -> bool:
        """:meth:`enter`, except that a platform request finding its class full waits up to
        ``platform_wait`` seconds in the queue for a place (see the module)."""
        if kind != PLATFORM or self.platform_wait <= 0 or self._has_place(kind):
            return self.enter(kind)
        if len(self.waiting) >= 4 * self.limits[PLATFORM]:
            return self.enter(kind)  # refused, and counted
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(place)
        try:
            await asyncio.wait_for(asyncio.shield(place), self.platform_wait)
        except TimeoutError:
            if place.done():  # given a place as the wait ran out: keep it
                return True
            self._forget(place)
            self.refused[kind] += 1
            return False
        except BaseException:  # the client went away while waiting
            if place.done() and not place.cancelled():
                self.leave(kind)
            else:
                self._forget(place)
            raise
        return True

    def _forget(self, place: asyncio.Future[None]) -> None:
        place.cancel()
        with contextlib.suppress(ValueError):  # already handed over or skipped
            self.waiting.remove(place)

    def leave(self, kind: str) -> None:
        self.in_flight[kind] -= 1
        self._hand_over()

    def _hand_over(self) -> None:
        """Give the places free now to the platform requests waiting, oldest first."""
        while self.waiting and self.in_flight[PLATFORM] < self.bound(PLATFORM):
            place = self.waiting.popleft()
            if not place.done():
                self.in_flight[PLATFORM] += 1
                place.set_result(None)


def _refusal(kind: str) -> bytes:
    detail = (
        "Reclaim is busy right now and did not read this request. "
        f"Send it again in {RETRY_AFTER[kind]} second{'s' if RETRY_AFTER[kind] != 1 else ''}."
    )
    return json.dumps(
        {
            "type": PROBLEM_TYPE_BASE + "overloaded",
            "title": "Service Unavailable",
            "status": 503,
            "detail": detail,
        }
    ).encode()


_REFUSALS: Final = {kind: _refusal(kind) for kind in RETRY_AFTER}


class AdmissionMiddleware:
    """Refuse with 503 + ``Retry-After`` a request whose class is full (see the module)."""

    def __init__(self, app: ASGIApp, admission: Admission) -> None:
        self.app, self.admission = app, admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = request_class(scope["path"]) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        if not await self.admission.admit(kind):
            body = _REFUSALS[kind]
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(RETRY_AFTER[kind]).encode()),
                        # The body was not read: the connection cannot carry another request.
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.admission.leave(kind)
