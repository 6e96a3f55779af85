"""The web app's services, built once by the app factory and handed to routes by dependencies.

As pypi/warehouse's ``request.find_service``: a route names what it needs in its signature,

    def page(request: Request, db: DatabaseDep, services: ServicesDep) -> Response:
        with db.session() as session:
            ...

and never reaches into ``app.state``. One name per concept: ``database`` (a
:class:`~reclaim.storage.Database`, the engine and its session factories) is not a ``session``
(one transaction), and ``password_hasher`` is Argon2 for passwords and PINs, not the image
hashing of :mod:`reclaim.hashing`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from reclaim.accounts.lockout import LockoutPolicy
from reclaim.accounts.login import LoginPolicy
from reclaim.accounts.passwords import Argon2Parameters, PasswordHasher
from reclaim.accounts.sessions import SessionPolicy
from reclaim.bank.loading import MatcherLoader, snapshot_dir
from reclaim.bank.matcher import Matcher
from reclaim.bank.webhook_sender import WebhookSender
from reclaim.config import Settings
from reclaim.notify import NotificationSender, Notifier, ReportOutbox
from reclaim.reports.pins import PinHasher
from reclaim.reports.proof import ProofOfWork
from reclaim.storage import Database
from reclaim.storage.migrations_runner import readiness
from reclaim.takedown.liveness import LivenessCheck
from reclaim.web.admission import Admission
from reclaim.web.metrics import Metrics
from reclaim.web.ratelimit import RateLimiter

#: A readiness check: (ready?, what to say).
ReadinessCheck = Callable[[], tuple[bool, str]]


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Every per-process limiter, by what it limits (all :class:`RateLimiter`)."""

    login: RateLimiter  # sign-in attempts per client address
    api: RateLimiter  # platform API calls per key (each key's own rate)
    report: RateLimiter  # reports per client address (the hourly budget)
    pin: RateLimiter  # PIN checks per client address, right or wrong
    pin_failures: RateLimiter  # wrong PINs per client address per day
    share_code: RateLimiter  # share codes tried per client address per hour

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(
            login=RateLimiter(settings.login_rate_per_minute, 60),
            api=RateLimiter(600, 60),
            report=RateLimiter(settings.report_rate_per_hour, 3600),
            pin=RateLimiter(settings.pin_rate_per_minute, 60),
            pin_failures=RateLimiter(settings.pin_failures_per_day, 86400),
            share_code=RateLimiter(settings.share_code_rate_per_hour, 3600),
        )


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a route may need that lives as long as the app."""

    settings: Settings
    database: Database
    password_hasher: PasswordHasher
    #: Report PINs: a keyed hash (docs/security.md, "PINs"); CPU work, run off the loop.
    pin_hasher: PinHasher
    login_policy: LoginPolicy
    session_policy: SessionPolicy
    limits: RateLimits
    report_proof: ProofOfWork
    matcher_loader: MatcherLoader
    #: Where commands of the reports context queue news (and erasure forgets it).
    outbox: ReportOutbox
    #: Sends news, staff alerts (email, web push), their escalation and task reminders after
    #: commit; None when neither email nor web push is configured.
    notification_sender: NotificationSender | None
    #: Pushes withdrawals to platforms' webhooks after commit, retrying with backoff.
    webhook_sender: WebhookSender
    metrics: Metrics
    #: Requests in flight per class, bounded (reclaim.web.admission).
    admission: Admission
    #: The optional liveness check of a reported link (HEAD only, public addresses only);
    #: None unless ``RECLAIM_TAKEDOWN_LIVENESS`` turns it on.
    liveness: LivenessCheck | None = None
    readiness_checks: dict[str, ReadinessCheck] = field(default_factory=dict)

    @property
    def matcher(self) -> Matcher:
        """The process's matcher (it may still be loading: see ``Matcher.ready``)."""
        return self.matcher_loader.matcher


def build_services(settings: Settings, database: Database) -> Services:
    """The services for one app, from its settings (nothing is started here)."""
    lockout = timedelta(minutes=settings.login_lockout_minutes)
    sending = settings.notifications_enabled or settings.push_enabled
    notifier = Notifier(database, settings) if sending else None
    loader = MatcherLoader(database, snapshot_dir(settings.data_dir), settle=settings.gc_freeze)
    return Services(
        settings=settings,
        database=database,
        password_hasher=PasswordHasher(
            Argon2Parameters(
                settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
            )
        ),
        pin_hasher=PinHasher(settings.secret_key_bytes(), settings.previous_secret_key_bytes()),
        login_policy=LoginPolicy(
            password=LockoutPolicy(settings.login_max_failures, lockout),
            code=LockoutPolicy(
                settings.login_max_failures,
                lockout,
                timedelta(hours=settings.login_code_lockout_max_hours),
            ),
        ),
        session_policy=SessionPolicy(
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
        ),
        limits=RateLimits.from_settings(settings),
        report_proof=ProofOfWork(settings.secret_key_bytes(), settings.bot_guard_pow_bits),
        matcher_loader=loader,
        outbox=ReportOutbox(),
        # News for young people who left an email, staff alerts (email, web push), their
        # escalation and task reminders: sent after commit by a small thread.
        notification_sender=NotificationSender(notifier) if notifier is not None else None,
        webhook_sender=WebhookSender(database),
        metrics=Metrics(),
        admission=Admission(
            settings.platform_in_flight,
            settings.public_in_flight,
            settings.platform_wait_ms / 1000,
        ),
        liveness=(
            LivenessCheck(
                timeout=settings.takedown_liveness_timeout,
                per_host_per_minute=settings.takedown_liveness_per_host_per_minute,
            )
            if settings.takedown_liveness
            else None
        ),
        readiness_checks={"database": partial(readiness, database), "index": loader.readiness},
    )


def services_of(app: FastAPI) -> Services:
    """The services of an app made by :func:`reclaim.web.app.create_app`."""
    services: Services = app.state.services
    return services


# Dependencies: what routes name in their signatures -----------------------------------------
# Coroutines on purpose: FastAPI runs a plain function dependency in its thread pool, and a
# hop to a thread and back costs more than everything these do (docs/operations.md, "Where a
# request's time goes").


async def find_services(request: Request) -> Services:
    return services_of(request.app)


async def find_database(request: Request) -> Database:
    return services_of(request.app).database


async def find_settings(request: Request) -> Settings:
    return services_of(request.app).settings


ServicesDep = Annotated[Services, Depends(find_services)]
DatabaseDep = Annotated[Database, Depends(find_database)]
SettingsDep = Annotated[Settings, Depends(find_settings)]
