"""The application factory: `create_app()` builds a fully wired Reclaim web app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

import reclaim
from reclaim.audit.recorder import install_row_auditing
from reclaim.config import Settings, get_settings
from reclaim.logs import configure_logging
from reclaim.storage import Database
from reclaim.web.admission import AdmissionMiddleware
from reclaim.web.body import DEFAULT_MAX_BODY_BYTES, MAX_FORM_FIELDS
from reclaim.web.guards import Forbidden, LoginRequired
from reclaim.web.middleware import (
    NoFilesMiddleware,
    OriginCheckMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from reclaim.web.problems import install_problem_handlers, problem
from reclaim.web.routes import (
    agency_plans,
    api,
    cases,
    hashing_demo,
    health,
    member_urls,
    platform,
    public,
    reports_api,
    safety_plans,
    staff,
    staff_alerts,
    staff_auth,
    staff_bank,
    staff_keys,
    staff_reports,
    staff_sharing,
    takedown,
)
from reclaim.web.services import build_services
from reclaim.web.templating import render


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The app, with its services (:mod:`reclaim.web.services`) built once, here."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    install_row_auditing()
    services = build_services(settings, db or Database(settings))
    loader, sender = services.matcher_loader, services.notification_sender
    webhooks = services.webhook_sender

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loader.start()
        if sender is not None:
            sender.start()
        webhooks.start()
        yield
        webhooks.stop(timeout=30)
        if sender is not None:
            sender.stop(timeout=30)
        loader.join(timeout=30)

    app = FastAPI(
        lifespan=lifespan,
        title="Reclaim API",
        version=reclaim.__version__,
        description="Hash lists, matching, reports and takedowns. Reclaim never receives images.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN; the spec is served as JSON.
        redoc_url=None,
        # Every body is capped as it streams (a route taking JSON declares its own cap), and
        # the form parser takes no files at all: see reclaim.web.body.
        max_body_size=DEFAULT_MAX_BODY_BYTES,
        form_limits={"max_files": 0, "max_fields": MAX_FORM_FIELDS},
    )
    # The one thing kept on app.state; routes get it through reclaim.web.services.
    app.state.services = services

    install_problem_handlers(app)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return problem(401, "Sign in first.")
        return RedirectResponse("/staff/login?expired=true", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if request.url.path.startswith("/api/"):
            return problem(403, "Your role does not allow this.")
        detail = (
            "Your role does not include this page. "
            "Ask your organisation's administrator if you need it."
        )
        return render(request, "error.html", {"status": 403, "detail": detail}, status_code=403)

    # The router tries its routers in this order, route by route, so the busiest (health
    # checks, the platform API, young people's reports) come first: no two routers share a
    # path, so the order changes nothing else.
    for module in (
        health,
        platform,
        reports_api,
        api,
        member_urls,
        public,
        staff_auth,
        staff,
        staff_bank,
        staff_keys,
        staff_reports,
        cases,
        safety_plans,
        agency_plans,
        staff_alerts,
        staff_sharing,
        takedown,
        hashing_demo,
    ):
        app.include_router(module.router)
    app.mount(
        "/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static"
    )

    # Outermost last: request context wraps everything, so even refusals are logged.
    app.add_middleware(NoFilesMiddleware)
    app.add_middleware(OriginCheckMiddleware, settings=settings)
    # Refusals when the process is behind are cheap, and still logged, counted and given
    # the security headers.
    app.add_middleware(AdmissionMiddleware, admission=services.admission)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    app.add_middleware(RequestContextMiddleware, settings=settings, metrics=services.metrics)
    return app
