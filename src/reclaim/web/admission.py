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

Runs on the event loop only (ASGI middleware), so the counters need no lock.
"""

from __future__ import annotations

import json
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

    def __init__(self, platform_limit: int, public_limit: int) -> None:
        self.limits = {PLATFORM: platform_limit, PUBLIC: public_limit}
        self.in_flight = {PLATFORM: 0, PUBLIC: 0}
        self.refused = {PLATFORM: 0, PUBLIC: 0}

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
        if self.in_flight[kind] >= self.bound(kind):
            self.refused[kind] += 1
            return False
        self.in_flight[kind] += 1
        return True

    def leave(self, kind: str) -> None:
        self.in_flight[kind] -= 1


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
        if not self.admission.enter(kind):
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
