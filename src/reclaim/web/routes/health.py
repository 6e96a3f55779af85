"""Liveness, readiness and metrics: for orchestrators and monitoring, not for people."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import current_revision, head_revision
from reclaim.web.metrics import CONTENT_TYPE, Metrics
from reclaim.web.middleware import is_loopback

router = APIRouter(include_in_schema=False)

ReadinessCheck = Callable[[], tuple[bool, str]]


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and answering. Says nothing about the database on purpose."""
    return {"status": "ok"}


def database_check(db: Database) -> ReadinessCheck:
    def check() -> tuple[bool, str]:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            return False, f"database unreachable ({type(exc).__name__})"
        current, head = current_revision(db), head_revision()
        if current != head:
            return (
                False,
                f"migrations not current ({current or 'none'} != {head}): run `reclaim db upgrade`",
            )
        return True, "ok"

    return check


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the database answers, migrations are current, and every other check."""
    checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
    results = {name: check() for name, check in checks.items()}
    ready = all(ok for ok, _ in results.values())
    return JSONResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": {k: v[1] for k, v in results.items()},
        },
        status_code=200 if ready else 503,
    )


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus metrics: with the bearer token if one is set, else to loopback clients only."""
    settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value()
    if token:
        sent = request.headers.get("authorization", "")
        allowed = hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    else:
        allowed = is_loopback(request.scope.get("state", {}).get("client_address"))
    if not allowed:
        return Response("Not Found", status_code=404, media_type="text/plain")
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE)
