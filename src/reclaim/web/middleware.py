"""Per-request plumbing: request ids, audit context, access logs, metrics, security headers.

Written as plain ASGI middleware (not BaseHTTPMiddleware) so that streaming responses and
context variables behave, and so nothing here ever reads a request body.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from reclaim.audit.recorder import fresh_context
from reclaim.config import Settings
from reclaim.logs import request_id_var
from reclaim.web.metrics import Metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("reclaim.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; media-src 'self' blob:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def client_address(scope: Scope, settings: Settings) -> str | None:
    """The client's address; ``X-Forwarded-For`` is believed only from a trusted proxy."""
    client = scope.get("client")
    peer: str | None = str(client[0]) if client else None
    if peer and peer in settings.trusted_proxies:
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                hops = [h.strip() for h in value.decode("latin-1").split(",") if h.strip()]
                for hop in reversed(hops):
                    if hop not in settings.trusted_proxies:
                        return str(hop)
    return peer


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
        request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)
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


MAX_BODY_BYTES = 1024 * 1024
_NO_FILES = (
    b'{"type":"https://reclaim.invalid/problems/files-refused","title":"Unsupported Media Type",'
    b'"status":415,"detail":"Reclaim never accepts files: only hashes and text."}'
)
_TOO_LARGE = (
    b'{"type":"https://reclaim.invalid/problems/too-large","title":"Content Too Large",'
    b'"status":413,"detail":"That is more than Reclaim ever needs: only hashes and text."}'
)


class NoFilesMiddleware:
    """Refuse file uploads before anything reads them.

    Reclaim receives hashes and typed text only. A multipart body (how browsers send files)
    is refused from its headers alone, so its bytes are never parsed, buffered or spooled to
    a temporary file by the framework; so is any body declaring more than 1 MiB.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(scope.get("headers", []))
            media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            declared = headers.get(b"content-length", b"0")
            refusal = None
            if media_type.startswith(b"multipart/"):
                refusal = (415, _NO_FILES)
            elif not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
                refusal = (413, _TOO_LARGE)
            if refusal is not None:
                status, body = refusal
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
                return
        await self.app(scope, receive, send)
