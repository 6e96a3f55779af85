"""Sending queued withdrawal messages to platforms' webhooks (Standard Webhooks).

A small thread of the web app, woken when a withdrawal commits and every ``interval`` seconds.
Each due message is claimed for a while (several senders at once are safe), POSTed as JSON with
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (:mod:`reclaim.standard_webhooks`)
to the key's https URL, and logged. A 2xx answer delivers it; anything else (another status, a
redirect, a timeout, an address that is not public) is tried again after :data:`BACKOFF`, the
Standard Webhooks schedule, and given up after :data:`MAX_ATTEMPTS` tries (about 28 hours;
recorded in the audit trail). The feed stays the source of truth: a platform that missed
messages catches up from its checkpoint.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import undefer

from reclaim.accounts.models import ApiKey
from reclaim.audit.actions import SystemAction
from reclaim.audit.recorder import record
from reclaim.bank.models import WebhookAttempt, WebhookDelivery
from reclaim.bank.webhooks import add_waker, remove_waker
from reclaim.standard_webhooks import headers
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database

log = logging.getLogger("reclaim.webhooks")

#: Waits after the 1st, 2nd, ... failed try (Standard Webhooks' suggested schedule).
BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: How long a claimed message is left alone by other senders while this one sends it.
LEASE = timedelta(minutes=2)
#: Seconds to connect and answer.
TIMEOUT = 10.0
#: Delivered and given-up messages (and their log) are kept this long.
RETAIN = timedelta(days=30)


class AddressNotAllowed(OSError):
    """The webhook's host resolves to a loopback, private or otherwise non-public address."""


@dataclass(frozen=True, slots=True)
class _Job:
    delivery_id: int
    api_key_id: int
    url: str
    secret: str
    message_id: str
    body: bytes
    attempt: int


@dataclass(slots=True)
class WebhookRound:
    delivered: int = 0
    retrying: int = 0
    given_up: int = 0
    dropped: int = 0  # the key was revoked or its webhook removed meanwhile
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.delivered + self.retrying + self.given_up + self.dropped


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: object, **__: object) -> None:
        return None  # a 3xx is an answer, not an instruction: it counts as a failure


def _public(host: str, port: int) -> None:
    for *_, address in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global or ip.is_multicast:
            raise AddressNotAllowed(f"{host} is not a public address")


class WebhookSender:
    """Sends due messages; :meth:`start` runs it as the web app's thread."""

    def __init__(
        self,
        db: Database,
        *,
        interval: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        allow_private_addresses: bool = False,
    ) -> None:
        self.db, self.interval = db, interval
        # Tests use a loopback receiver with its own certificate; servers never do.
        self._ssl = ssl_context or ssl.create_default_context()
        self._allow_private = allow_private_addresses
        self._opener = urllib.request.build_opener(
            _NoRedirects(), urllib.request.HTTPSHandler(context=self._ssl)
        )
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # One round -------------------------------------------------------------------------------

    def deliver(self, now: datetime | None = None, limit: int = 50) -> WebhookRound:
        """Send what is due at ``now`` (at most ``limit`` messages)."""
        moment = now or utcnow()
        result = WebhookRound()
        for job in self._claim(moment, limit, result):
            status, error = self._post(job)
            self._finish(job, moment, status, error, result)
        return result

    def _claim(self, now: datetime, limit: int, result: WebhookRound) -> list[_Job]:
        with self.db.session() as session:
            rows = list(
                session.scalars(
                    select(WebhookDelivery)
                    .where(
                        WebhookDelivery.sent_at.is_(None),
                        WebhookDelivery.failed_at.is_(None),
                        WebhookDelivery.next_attempt_at <= now,
                    )
                    .order_by(WebhookDelivery.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            key_ids = {row.api_key_id for row in rows}
            keys = {
                key.id: key
                for key in session.scalars(
                    select(ApiKey)
                    .where(ApiKey.id.in_(key_ids))
                    .options(undefer(ApiKey.webhook_secret))
                )
            }
            jobs = []
            for row in rows:
                key = keys.get(row.api_key_id)
                if key is None or key.revoked_at is not None or not key.webhook_url:
                    row.failed_at = now  # nowhere to send it any more (the feed has it)
                    session.add(
                        WebhookAttempt(
                            delivery_id=row.id,
                            api_key_id=row.api_key_id,
                            attempted_at=now,
                            attempt=row.attempts,
                            outcome="dropped",
                            error="key revoked" if key and key.revoked_at else "webhook removed",
                        )
                    )
                    result.dropped += 1
                    continue
                row.next_attempt_at = now + LEASE
                jobs.append(
                    _Job(
                        row.id,
                        row.api_key_id,
                        key.webhook_url,
                        key.webhook_secret or "",
                        row.message_id,
                        row.body.encode(),
                        row.attempts + 1,
                    )
                )
            return jobs

    def _post(self, job: _Job) -> tuple[int | None, str | None]:
        """The receiver's status, and what went wrong (None when it took the message)."""
        try:
            parts = urlsplit(job.url)
            if parts.scheme != "https" or not parts.hostname:
                return None, "not an https URL"
            if not self._allow_private:
                _public(parts.hostname, parts.port or 443)
            request = urllib.request.Request(  # noqa: S310 (https only: checked above)
                job.url,
                data=job.body,
                method="POST",
                headers={
                    "content-type": "application/json",
                    "user-agent": "Reclaim-Webhooks/1",
                    **headers(job.secret, job.message_id, int(time.time()), job.body),
                },
            )
            with self._opener.open(request, timeout=TIMEOUT) as response:
                status = int(response.status)
        except AddressNotAllowed:
            return None, "address not public"
        except urllib.error.HTTPError as exc:
            return int(exc.code), f"HTTP {exc.code}"
        except TimeoutError:
            return None, "timeout"
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ssl.SSLError):
                return None, "TLS failed"
            if isinstance(reason, TimeoutError | socket.timeout):
                return None, "timeout"
            return None, "unreachable"
        except (OSError, ValueError) as exc:
            return None, type(exc).__name__
        if 200 <= status < 300:
            return status, None
        return status, f"HTTP {status}"

    def _finish(
        self,
        job: _Job,
        now: datetime,
        status: int | None,
        error: str | None,
        result: WebhookRound,
    ) -> None:
        with self.db.session() as session:
            row = session.get(WebhookDelivery, job.delivery_id)
            if row is None:  # the key was deleted meanwhile
                return
            row.attempts = job.attempt
            if error is None:
                row.sent_at, outcome = now, "delivered"
                result.delivered += 1
            elif job.attempt >= MAX_ATTEMPTS:
                row.failed_at, outcome = now, "given-up"
                result.given_up += 1
                record(
                    session,
                    SystemAction.WEBHOOK_GIVEN_UP,
                    object_type="api_key",
                    object_id=job.api_key_id,
                    detail={"message": job.message_id, "attempts": job.attempt, "error": error},
                )
            else:
                row.next_attempt_at, outcome = now + BACKOFF[job.attempt - 1], "retrying"
                result.retrying += 1
            if error is not None:
                result.errors.append(error)
            session.add(
                WebhookAttempt(
                    delivery_id=job.delivery_id,
                    api_key_id=job.api_key_id,
                    attempted_at=now,
                    attempt=job.attempt,
                    status_code=status,
                    outcome=outcome,
                    error=error[:200] if error else None,
                )
            )
        log.info(
            "webhook delivery",
            extra={"message_id": job.message_id, "outcome": outcome, "status": status},
        )

    def forget_old(self, now: datetime | None = None) -> int:
        """Delete delivered and given-up messages (and their log) older than :data:`RETAIN`."""
        before = (now or utcnow()) - RETAIN
        with self.db.session() as session:
            old = select(WebhookDelivery.id).where(
                (WebhookDelivery.sent_at < before) | (WebhookDelivery.failed_at < before)
            )
            ids = list(session.scalars(old))
            if not ids:
                return 0
            session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
            session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
            return len(ids)

    # The web app's thread ----------------------------------------------------------------------

    def start(self) -> None:
        add_waker(self._wake)
        self._thread = threading.Thread(target=self._run, name="reclaim-webhooks", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        rounds = 0
        # Messages left from before a restart wait one interval: the app starts quietly.
        self._wake.wait(self.interval)
        while not self._stop.is_set():
            self._wake.clear()
            try:
                while self.deliver().handled >= 50:  # a full round: more may be due
                    pass
                if rounds % 120 == 0:
                    self.forget_old()
                rounds += 1
            except Exception:  # the database went away: log and try again later
                log.exception("webhook sender failed; trying again later")
            self._wake.wait(self.interval)

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._wake.set()
        remove_waker(self._wake)
        if self._thread is not None:
            self._thread.join(timeout)
