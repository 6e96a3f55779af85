"""The application factory: `create_app()` builds a fully wired Reclaim web app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

import reclaim
from reclaim.accounts.lockout import LockoutPolicy
from reclaim.accounts.login import LoginPolicy
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.sessions import SessionPolicy
from reclaim.audit.recorder import install_row_auditing
from reclaim.bank.loading import MatcherLoader, snapshot_dir
from reclaim.config import Settings, get_settings
from reclaim.logs import configure_logging
from reclaim.notify.sender import NotificationSender, Notifier
from reclaim.reports.proof import ProofOfWork
from reclaim.storage.database import Database
from reclaim.takedown.liveness import LivenessCheck
from reclaim.web.body import DEFAULT_MAX_BODY_BYTES, MAX_FORM_FIELDS
from reclaim.web.guards import Forbidden, LoginRequired
from reclaim.web.metrics import Metrics
from reclaim.web.middleware import (
    NoFilesMiddleware,
    OriginCheckMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from reclaim.web.problems import install_problem_handlers, problem
from reclaim.web.ratelimit import RateLimiter
from reclaim.web.routes import (
    api,
    hashing_demo,
    health,
    member_urls,
    platform,
    public,
    reports_api,
    staff,
    staff_auth,
    staff_bank,
    staff_keys,
    staff_reports,
    takedown,
)
from reclaim.web.templating import render


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    db = db or Database(settings)
    install_row_auditing()

    loader = MatcherLoader(db, snapshot_dir(settings.data_dir))
    # News for young people who left an email: sent after commit by a small thread.
    sender = NotificationSender(Notifier(db, settings)) if settings.notifications_enabled else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loader.start()
        if sender is not None:
            sender.start()
        yield
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
    app.state.settings = settings
    app.state.db = db
    app.state.metrics = Metrics()
    app.state.hashing = PasswordHashing(
        Argon2Parameters(
            settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
        )
    )
    app.state.login_policy = LoginPolicy(
        password=LockoutPolicy(
            settings.login_max_failures, timedelta(minutes=settings.login_lockout_minutes)
        ),
        code=LockoutPolicy(
            settings.login_max_failures,
            timedelta(minutes=settings.login_lockout_minutes),
            timedelta(hours=settings.login_code_lockout_max_hours),
        ),
    )
    app.state.session_policy = SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
    app.state.login_limiter = RateLimiter(settings.login_rate_per_minute, 60)
    app.state.api_limiter = RateLimiter(600, 60)
    app.state.report_limiter = RateLimiter(settings.report_rate_per_hour, 3600)
    app.state.pin_limiter = RateLimiter(settings.pin_rate_per_minute, 60)
    app.state.pin_failure_limiter = RateLimiter(settings.pin_failures_per_day, 86400)
    app.state.report_proof = ProofOfWork(settings.secret_key_bytes(), settings.bot_guard_pow_bits)
    app.state.matcher_loader = loader
    # The optional liveness check (HEAD only, public addresses only): off by default.
    app.state.liveness = (
        LivenessCheck(
            timeout=settings.takedown_liveness_timeout,
            per_host_per_minute=settings.takedown_liveness_per_host_per_minute,
        )
        if settings.takedown_liveness
        else None
    )
    app.state.notification_sender = sender
    app.state.readiness_checks = {"database": health.database_check(db), "index": loader.readiness}

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

    for module in (
        health,
        public,
        staff_auth,
        staff,
        staff_bank,
        staff_keys,
        staff_reports,
        takedown,
        api,
        reports_api,
        platform,
        member_urls,
        hashing_demo,
    ):
        app.include_router(module.router)
    app.mount(
        "/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static"
    )

    # Outermost last: request context wraps everything, so even refusals are logged.
    app.add_middleware(NoFilesMiddleware)
    app.add_middleware(OriginCheckMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    app.add_middleware(RequestContextMiddleware, settings=settings, metrics=app.state.metrics)
    return app
