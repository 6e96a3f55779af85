"""Liveness, readiness and metrics: for orchestrators and monitoring, not for people."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from reclaim.web.metrics import CONTENT_TYPE
from reclaim.web.middleware import is_loopback
from reclaim.web.services import ServicesDep

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and answering. Says nothing about the database on purpose. A
    coroutine: answered on the event loop, with no hop to the thread pool and back."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    """Ready to serve: the database answers, migrations are current, and every other check."""
    results = {name: check() for name, check in services.readiness_checks.items()}
    ready = all(ok for ok, _ in results.values())
    return JSONResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": {k: v[1] for k, v in results.items()},
        },
        status_code=200 if ready else 503,
    )


@router.get("/metrics")
def metrics(request: Request, services: ServicesDep) -> Response:
    """Prometheus metrics: with the bearer token if one is set, else to loopback clients only."""
    token = services.settings.metrics_token.get_secret_value()
    if token:
        sent = request.headers.get("authorization", "")
        allowed = hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    else:
        allowed = is_loopback(request.scope.get("state", {}).get("client_address"))
    if not allowed:
        return Response("Not Found", status_code=404, media_type="text/plain")
    return Response(services.metrics.render(), media_type=CONTENT_TYPE)
