"""Per-request plumbing: request ids, audit context, access logs, metrics, security headers.

Written as plain ASGI middleware (not BaseHTTPMiddleware) so that streaming responses and
context variables behave, and so nothing here ever reads a request body.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from reclaim.audit.recorder import fresh_context
from reclaim.config import Settings
from reclaim.logs import request_id_var
from reclaim.web.body import ACCEPTED
from reclaim.web.metrics import Metrics
from reclaim.web.problems import PROBLEM_TYPE_BASE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("reclaim.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; media-src 'self' blob:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def client_address(scope: Scope, settings: Settings) -> str | None:
    """The client's address; ``X-Forwarded-For`` is believed only from a trusted proxy.

    Every ``X-Forwarded-For`` line counts, in order, as one list (a proxy may append a line
    of its own after the client's): the client is the right-most hop that is not a trusted
    proxy, since everything left of it was written by someone we do not trust. A hop that is
    not an IP address gives ``"unknown"``: never loopback, never stored as typed.
    """
    client = scope.get("client")
    peer: str | None = str(client[0]) if client else None
    if not peer or peer not in settings.trusted_proxies:
        return peer
    hops = [
        hop.strip()
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
        if hop.strip()
    ]
    untrusted = [hop for hop in hops if hop not in settings.trusted_proxies]
    if not hops:
        return peer
    chosen = untrusted[-1] if untrusted else hops[0]
    try:
        address = str(ipaddress.ip_address(chosen))
    except ValueError:
        return "unknown"
    return address if len(address) <= 45 else "unknown"  # a long IPv6 scope id


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class RequestContextMiddleware:
    """Request id, audit context, access log line and metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app, self.settings, self.metrics = app, settings, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        address = client_address(scope, self.settings)
        scope.setdefault("state", {})["client_address"] = address
        fresh_context(actor="public", request_id=request_id, client_address=address)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe(scope["method"], template, status, elapsed)
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)


class SecurityHeadersMiddleware:
    """Strict headers on every response; ``no-store`` wherever a staff member is signed in."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (
                        b"permissions-policy",
                        b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
                    ),
                ]
                if self.settings.https:
                    extra.append(
                        (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
                    )
                # Nothing but static files may be kept by a browser or a proxy: a shared
                # family computer must not show a case page from its cache.
                if not scope["path"].startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                headers.extend(pair for pair in extra if pair[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class OriginCheckMiddleware:
    """Refuse state-changing browser requests that say they come from another site."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.origin = settings.public_url.lower()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(scope.get("headers", []))
            site = headers.get(b"sec-fetch-site", b"").decode("latin-1")
            origin = headers.get(b"origin", b"").decode("latin-1").lower()
            cross = site == "cross-site" or (origin not in {"", "null"} and origin != self.origin)
            if cross and not scope["path"].startswith("/api/"):
                body = b"Cross-site request refused."
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _problem_bytes(status: int, title: str, kind: str, detail: str) -> bytes:
    return json.dumps(
        {"type": PROBLEM_TYPE_BASE + kind, "title": title, "status": status, "detail": detail}
    ).encode()


_NO_FILES = _problem_bytes(
    415,
    "Unsupported Media Type",
    "files-refused",
    "Reclaim never accepts files: only hashes and text.",
)
_NOT_ACCEPTED = _problem_bytes(
    415,
    "Unsupported Media Type",
    "unsupported-media-type",
    "Send JSON (application/json) or a form (application/x-www-form-urlencoded).",
)
_AMBIGUOUS = _problem_bytes(
    400,
    "Bad Request",
    "ambiguous-headers",
    "Send one Content-Type and at most one Content-Length (not with Transfer-Encoding).",
)


async def _refuse(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class NoFilesMiddleware:
    """The body guard: refuse from the headers alone what Reclaim never takes.

    - Exactly one ``Content-Type`` and at most one ``Content-Length`` (never with
      ``Transfer-Encoding``): a parser reading another header than this guard is how a
      multipart body once got past it.
    - A body must be JSON or an urlencoded form (:data:`reclaim.web.body.ACCEPTED`);
      multipart (how browsers send files) and everything else is refused (415), so no
      parser ever buffers or spools a file. (How many bytes is the framework's body limit,
      per route: see :mod:`reclaim.web.body`.)
    - A response sent before the body was read to its end (a 401 to an unauthenticated
      upload, a 413) closes the connection, so the rest of that body is never read.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        types = [value for name, value in headers if name == b"content-type"]
        lengths = [value for name, value in headers if name == b"content-length"]
        chunked = any(name == b"transfer-encoding" for name, _ in headers)
        if (
            len(types) > 1
            or len(lengths) > 1
            or (lengths and (chunked or not lengths[0].isdigit()))
        ):
            await _refuse(send, 400, _AMBIGUOUS)
            return
        has_body = chunked or (bool(lengths) and int(lengths[0]) > 0)
        media_type = types[0].split(b";")[0].strip().lower() if types else b""
        if media_type.startswith(b"multipart/"):
            await _refuse(send, 415, _NO_FILES)
            return
        if has_body and media_type not in ACCEPTED:
            await _refuse(send, 415, _NOT_ACCEPTED)
            return
        finished = not has_body

        async def tracked_receive() -> Message:
            nonlocal finished
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                finished = True
            return message

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start" and not finished:
                message.setdefault("headers", []).append((b"connection", b"close"))
            await send(message)

        await self.app(scope, tracked_receive, send_closing)
