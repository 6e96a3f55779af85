"""Delivering queued news: claim due rows, send one email per report, then mark them.

Runs after the change has committed, in a small thread of the web app and from
``reclaim notify send`` (for cron); several senders at once are safe, because rows are claimed
for a while before anything is sent. The contact is decrypted only here, just before sending.
A failure waits longer each time (1 minute up to 12 hours) and gives up after
:data:`MAX_ATTEMPTS`, or at once when the address is refused.

Staff alerts (urgent reports) go the same way to the staff member's email: one email per person
per round however many reports, and at most one per :data:`ALERT_QUIET` (a flood of urgent
reports is one alert, not hundreds; the staff pages count every urgent report waiting).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.audit.recorder import record
from reclaim.config import Settings
from reclaim.notify.mail import MailError, SmtpServer, news_message, send, staff_alert_message
from reclaim.notify.models import Notification
from reclaim.notify.outbox import add_waker, remove_waker
from reclaim.reports.models import Report
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database

log = logging.getLogger("reclaim.notify")

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = 8
#: How long a claimed row is left alone by other senders while this one sends it.
LEASE = timedelta(minutes=10)
#: After an urgent-report alert, the next one to the same person waits at least this long.
ALERT_QUIET = timedelta(minutes=5)


class NotificationsOff(RuntimeError):
    """RECLAIM_SMTP_URL is empty: there is no way to send."""


@dataclass(slots=True)
class Delivery:
    sent: int = 0  # emails (one per report, however many rows it had)
    retrying: int = 0
    given_up: int = 0
    dropped: int = 0  # rows whose report no longer has a contact
    rows: int = 0  # rows taken this round
    notices: int = 0  # takedown notices sent to hosts (reclaim.takedown.notices)
    errors: list[str] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.given_up


@dataclass(frozen=True, slots=True)
class _Job:
    report_id: int
    rows: list[int]
    contact: str
    staff_user_id: int | None = None  # an alert for a staff member, not news for the person


class Notifier:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        transport: Callable[[EmailMessage], None] | None = None,
    ) -> None:
        if transport is None:
            if not settings.notifications_enabled:
                raise NotificationsOff("RECLAIM_SMTP_URL is not set, so no email can be sent.")
            server = SmtpServer.from_url(settings.smtp_url.get_secret_value())

            def transport(message: EmailMessage) -> None:
                send(server, message)

        self.db, self.settings, self._transport = db, settings, transport

    @property
    def status_url(self) -> str:
        return f"{self.settings.public_url}/status"

    def _claim(self, now: datetime, limit: int, result: Delivery) -> list[_Job]:
        with self.db.session() as session:
            rows = list(
                session.scalars(
                    select(Notification)
                    .where(
                        Notification.sent_at.is_(None),
                        Notification.failed_at.is_(None),
                        Notification.next_attempt_at <= now,
                    )
                    .order_by(Notification.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            result.rows += len(rows)
            if not rows:
                return []
            news = [row for row in rows if row.staff_user_id is None]
            alerts = [row for row in rows if row.staff_user_id is not None]
            return self._news_jobs(session, news, now, result) + self._alert_jobs(
                session, alerts, now, result
            )

    def _news_jobs(
        self, session: Session, rows: list[Notification], now: datetime, result: Delivery
    ) -> list[_Job]:
        by_report: dict[int, list[Notification]] = {}
        for row in rows:
            by_report.setdefault(row.report_id, []).append(row)
        if not by_report:
            return []
        contacts: dict[int, str | None] = {}
        for report_id, contact in session.execute(
            select(Report.id, Report.contact).where(
                Report.id.in_(list(by_report)), Report.erased_at.is_(None)
            )
        ):
            contacts[report_id] = contact
        jobs = []
        for report_id, mine in by_report.items():
            contact = contacts.get(report_id)
            if not contact:
                for row in mine:
                    session.delete(row)
                result.dropped += len(mine)
                continue
            for row in mine:
                row.next_attempt_at = now + LEASE
            jobs.append(_Job(report_id, [row.id for row in mine], contact))
        return jobs

    def _alert_jobs(
        self, session: Session, rows: list[Notification], now: datetime, result: Delivery
    ) -> list[_Job]:
        by_person: dict[int, list[Notification]] = {}
        for row in rows:
            by_person.setdefault(int(row.staff_user_id or 0), []).append(row)
        if not by_person:
            return []
        people = {
            user.id: user
            for user in session.scalars(select(StaffUser).where(StaffUser.id.in_(by_person)))
        }
        last_sent: dict[int, datetime] = {
            staff_user_id: sent_at
            for staff_user_id, sent_at in session.execute(
                select(Notification.staff_user_id, func.max(Notification.sent_at))
                .where(
                    Notification.staff_user_id.in_(list(by_person)),
                    Notification.sent_at.is_not(None),
                )
                .group_by(Notification.staff_user_id)
            )
            if staff_user_id is not None and sent_at is not None
        }
        jobs = []
        for staff_user_id, mine in by_person.items():
            user = people.get(staff_user_id)
            if user is None or not user.is_active or not user.email:
                for row in mine:
                    session.delete(row)
                result.dropped += len(mine)
                continue
            quiet_until = (
                last_sent[staff_user_id] + ALERT_QUIET if staff_user_id in last_sent else None
            )
            if quiet_until is not None and quiet_until > now:
                for row in mine:  # told a moment ago: one alert covers these too, later
                    row.next_attempt_at = quiet_until
                continue
            for row in mine:
                row.next_attempt_at = now + LEASE
            jobs.append(
                _Job(mine[0].report_id, [row.id for row in mine], user.email, staff_user_id)
            )
        return jobs

    def _finish(self, job: _Job, now: datetime, error: MailError | None, result: Delivery) -> None:
        with self.db.session() as session:
            rows = list(session.scalars(select(Notification).where(Notification.id.in_(job.rows))))
            if not rows:  # erased while we were sending
                return
            if error is None:
                for row in rows:
                    row.sent_at, row.last_error = now, None
                result.sent += 1
                if job.staff_user_id is not None:
                    record(
                        session,
                        "system:staff-alert:sent",
                        object_type="staff_user",
                        object_id=job.staff_user_id,
                        detail={"reports": sorted({row.report_id for row in rows})},
                    )
                    return
                record(
                    session,
                    "system:notification:sent",
                    object_type="report",
                    object_id=job.report_id,
                    detail={"reasons": sorted({row.reason for row in rows})},
                )
                return
            attempts = max(row.attempts for row in rows) + 1
            give_up = error.permanent or attempts >= MAX_ATTEMPTS
            for row in rows:
                row.attempts, row.last_error = attempts, error.kind[:120]
                if give_up:
                    row.failed_at = now
                else:
                    row.next_attempt_at = now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
            result.errors.append(error.kind)
            if give_up:
                result.given_up += 1
                record(
                    session,
                    "system:notification:given-up",
                    object_type="report",
                    object_id=job.report_id,
                    detail={"attempts": attempts, "error": error.kind},
                )
            else:
                result.retrying += 1

    def deliver(self, now: datetime | None = None, limit: int = 50) -> Delivery:
        """Send what is due (at most ``limit`` rows this round)."""
        moment = now or utcnow()
        result = Delivery()
        from reclaim.takedown.notices import deliver_notices

        notices = deliver_notices(self.db, self._transport, self.settings.mail_sender, moment)
        result.notices = notices.sent
        result.errors += notices.errors
        for job in self._claim(moment, limit, result):
            if job.staff_user_id is not None:
                message = staff_alert_message(
                    self.settings.mail_sender,
                    job.contact,
                    f"{self.settings.public_url}/staff/login",
                )
            else:
                message = news_message(self.settings.mail_sender, job.contact, self.status_url)
            error: MailError | None = None
            try:
                self._transport(message)
            except MailError as exc:
                error = exc
            except Exception as exc:  # a message the library will not build or send
                error = MailError(type(exc).__name__)
            del message
            self._finish(job, moment, error, result)
            if error is None:
                log.info("notification sent", extra={"report_id": job.report_id})
            else:
                log.warning(
                    "notification not sent",
                    extra={"report_id": job.report_id, "error": error.kind},
                )
        return result

    def deliver_all(self, limit: int = 50) -> Delivery:
        """Rounds of :meth:`deliver` until nothing due is left."""
        total = Delivery()
        while True:
            got = self.deliver(limit=limit)
            total.sent += got.sent
            total.retrying += got.retrying
            total.given_up += got.given_up
            total.dropped += got.dropped
            total.errors += got.errors
            total.rows += got.rows
            total.notices += got.notices
            if got.rows < limit:
                return total


class NotificationSender:
    """The web app's sender thread: wakes when news is committed, and every ``interval``."""

    def __init__(self, notifier: Notifier, interval: float = 30.0) -> None:
        self.notifier, self.interval = notifier, interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        add_waker(self._wake)
        self._thread = threading.Thread(target=self._run, name="reclaim-notify", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.notifier.deliver_all()
            except Exception:  # the database went away: log and try again later
                log.exception("notification sender failed; trying again later")
            self._wake.wait(self.interval)

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._wake.set()
        remove_waker(self._wake)
        if self._thread is not None:
            self._thread.join(timeout)
