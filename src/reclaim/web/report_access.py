"""Opening a report with its reference and PIN: the one way, for the API and the page. The
guesser is limited, not the reference's owner (see :func:`check_pin`)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from fastapi import Request

from reclaim.accounts import LockoutPolicy
from reclaim.config import Settings
from reclaim.reports import Access, PinPolicy, begin_pin_check, finish_pin_check
from reclaim.storage import Session, utcnow
from reclaim.web.i18n import N_
from reclaim.web.i18n import gettext as _
from reclaim.web.problems import ApiProblem
from reclaim.web.ratelimit import wait_words
from reclaim.web.report_intake import client_key
from reclaim.web.services import Services


def check_pin_rate(request: Request, services: Services) -> None:
    wait = services.limits.pin.hit(f"pin:{client_key(request)}")
    if wait:
        raise ApiProblem(
            429,
            _("That was a lot of tries in a short time. Please wait a minute, then try again."),
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )


def locked_message(until: datetime | None) -> str:
    seconds = (until - utcnow()).total_seconds() if until else 0.0
    return _(
        "That reference and PIN did not match too many times, so checking is paused for "
        "%(wait)s to keep your report safe. Your report is still working. "
        "If you need to talk to someone now, the numbers under Get help now are free.",
        wait=wait_words(seconds),
    )


CONNECTION_PAUSED = N_(
    "There were many tries from this connection today, so checking from here is paused for "
    "%(wait)s to keep everyone's reports safe. Your report is still working. If you need to "
    "talk to someone now, the numbers under Get help now are free."
)


def check_pin(
    request: Request, services: Services, session: Session, reference: str, pin: str
) -> Access:
    """The one way a reference and PIN are checked (API and page). The guesser is limited,
    not the reference's owner: each connection has a rate and a daily budget of wrong PINs
    across all references; a reference's own pauses (reports.commands.open_report) do not
    stop a connection with no wrong PINs, so the owner gets in while a stranger hammers it.

    ``session`` is the route's write transaction, still unused: the reference is read in a
    read transaction and the PIN hashed with no transaction open, so the write transaction
    that records the outcome (and the route's own change) holds the write lock only briefly.
    Call this from a synchronous route (FastAPI runs it in its thread pool), never on the
    event loop."""
    check_pin_rate(request, services)
    failures = services.limits.pin_failures
    address = f"pin-wrong:{client_key(request)}"
    wrong_today, wait = failures.check(address)
    if wait:
        raise ApiProblem(
            429,
            _(CONNECTION_PAUSED, wait=wait_words(wait)),
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    with services.database.read_session() as reading:
        check = begin_pin_check(reading, reference, pin, fresh_connection=wrong_today == 0)
    check.verify(services.pin_hasher)
    access = finish_pin_check(session, check, pin_policy(services.settings))
    if access.wrong_guess:
        failures.hit(address)
    return access


#: Shown in the request's language: ``_(WRONG_PIN)``.
WRONG_PIN = N_(
    "That reference and PIN do not match. Check them and try again. The reference has 9 "
    "letters and numbers, and the PIN has 6 numbers."
)


def pin_policy(settings: Settings) -> PinPolicy:
    return PinPolicy(
        LockoutPolicy(
            settings.pin_max_failures,
            timedelta(minutes=settings.pin_lockout_minutes),
            timedelta(hours=settings.pin_lockout_max_hours),
        ),
        fresh_try_every=timedelta(hours=settings.pin_fresh_try_hours),
    )
