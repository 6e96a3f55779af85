"""Delivering queued news: claim due rows, send one email per report, then mark them.

Runs after the change has committed, in a small thread of the web app and from
``reclaim notify send`` (for cron); several senders at once are safe, because rows are claimed
for a while before anything is sent. The contact is decrypted only here, just before sending.
A failure waits longer each time (1 minute up to 12 hours) and gives up after
:data:`MAX_ATTEMPTS`, or at once when the address is refused.

Staff alerts (urgent reports and cases, :mod:`reclaim.notify.alerts`) go the same way to the
staff member's email, and by web push to their browsers where VAPID keys are set: one message
per person per round however many alerts, and at most one per :data:`ALERT_QUIET` (a flood of
urgent reports is one alert, not hundreds; the staff pages count every one waiting). Task
reminders go by email to the task's owner. Each round also escalates alerts nobody acknowledged
and queues the reminders that are due (:meth:`Notifier.tick`).
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
from reclaim.audit.actions import SystemAction
from reclaim.audit.recorder import record
from reclaim.config import Settings
from reclaim.notify.alerts import (
    ALERT_WORDS,
    PushTarget,
    escalate_due,
    forget_push,
    push_subscriptions_of,
    queue_task_reminders,
)
from reclaim.notify.mail import (
    MailError,
    SmtpServer,
    news_message,
    reminder_message,
    send,
    staff_alert_message,
)
from reclaim.notify.models import Alert, Notification
from reclaim.notify.outbox import Reason, add_waker, remove_waker
from reclaim.notify.push import Pusher, PushFailed, PushGone, WebPusher, alert_payload
from reclaim.reports.models import Report
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.takedown.notices import NoticeNotSent, deliver_notices

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
    """Neither RECLAIM_SMTP_URL nor the VAPID keys are set: there is no way to send."""


@dataclass(slots=True)
class Delivery:
    sent: int = 0  # emails (one per report, however many rows it had)
    retrying: int = 0
    given_up: int = 0
    dropped: int = 0  # rows whose report no longer has a contact (or person no way to reach)
    rows: int = 0  # rows taken this round
    notices: int = 0  # takedown notices sent to hosts (reclaim.takedown.notices)
    pushed: int = 0  # web push messages taken by a push service
    errors: list[str] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.given_up


@dataclass(frozen=True, slots=True)
class _Job:
    report_id: int | None
    rows: list[int]
    contact: str | None
    staff_user_id: int | None = None  # an alert for a staff member, not news for the person
    reason: str = Reason.LINK.value
    words: str = ""  # an alert's words ("An urgent report is waiting")
    subject_url: str = ""  # a reminder's staff page
    push: tuple[PushTarget, ...] = ()  # an alert's browsers, on its first try


class Notifier:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        transport: Callable[[EmailMessage], None] | None = None,
        pusher: Pusher | None = None,
    ) -> None:
        if transport is None and settings.notifications_enabled:
            server = SmtpServer.from_url(settings.smtp_url.get_secret_value())

            def transport(message: EmailMessage) -> None:
                send(server, message)

        if pusher is None and settings.push_enabled:
            pusher = WebPusher(settings.vapid_private_key.get_secret_value(), settings.push_subject)
        if transport is None and pusher is None:
            raise NotificationsOff(
                "RECLAIM_SMTP_URL is not set (nor the VAPID keys), so nothing can be sent."
            )
        self.db, self.settings = db, settings
        self._transport, self._pusher = transport, pusher

    @property
    def escalate_after(self) -> timedelta:
        return timedelta(minutes=self.settings.alert_escalate_minutes)

    def tick(self, now: datetime | None = None) -> Delivery:
        """One round of the sender: escalate alerts nobody acknowledged, queue the reminders
        that are due, then send everything due."""
        moment = now or utcnow()
        with self.db.session() as session:
            escalate_due(session, moment, self.escalate_after)
            queue_task_reminders(session, moment)
        return self.deliver_all(now=moment)

    @property
    def status_url(self) -> str:
        return f"{self.settings.public_url}/status"

    def _claim(self, now: datetime, limit: int, result: Delivery) -> list[_Job]:
        with self.db.session() as session:
            query = select(Notification).where(
                Notification.sent_at.is_(None),
                Notification.failed_at.is_(None),
                Notification.next_attempt_at <= now,
            )
            if self._transport is None:  # web push only: staff alerts, nothing else
                query = query.where(Notification.reason == Reason.URGENT.value)
            rows = list(
                session.scalars(
                    query.order_by(Notification.id).limit(limit).with_for_update(skip_locked=True)
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
            if row.report_id is None:  # nothing to say to anyone
                session.delete(row)
                result.dropped += 1
                continue
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
        """Alerts and reminders for staff: one message per person and kind this round."""
        by_person: dict[tuple[int, str], list[Notification]] = {}
        for row in rows:
            kind = Reason.REMINDER.value if row.reason == Reason.REMINDER.value else "alert"
            by_person.setdefault((int(row.staff_user_id or 0), kind), []).append(row)
        if not by_person:
            return []
        ids = {staff_user_id for staff_user_id, _ in by_person}
        found = session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))
        people = {user.id: user for user in found}
        alert_ids = {row.alert_id for row in rows if row.alert_id is not None}
        alerts = {
            alert.id: alert
            for alert in session.scalars(select(Alert).where(Alert.id.in_(alert_ids)))
        }
        last_sent: dict[int, datetime] = {
            staff_user_id: sent_at
            for staff_user_id, sent_at in session.execute(
                select(Notification.staff_user_id, func.max(Notification.sent_at))
                .where(
                    Notification.staff_user_id.in_(ids),
                    Notification.reason == Reason.URGENT.value,
                    Notification.sent_at.is_not(None),
                )
                .group_by(Notification.staff_user_id)
            )
            if staff_user_id is not None and sent_at is not None
        }
        jobs = []
        for (staff_user_id, kind), mine in by_person.items():
            user = people.get(staff_user_id)
            if kind == "alert":  # an alert acknowledged meanwhile is not sent
                done = [
                    r
                    for r in mine
                    if r.alert_id is not None
                    and (r.alert_id not in alerts or alerts[r.alert_id].acknowledged_at is not None)
                ]
                for row in done:
                    session.delete(row)
                result.dropped += len(done)
                mine = [r for r in mine if r not in done]
            email = user.email if user is not None and self._transport is not None else None
            push: tuple[PushTarget, ...] = ()
            first = not email or any(r.attempts == 0 for r in mine)  # once, beside an email
            if user is not None and kind == "alert" and self._pusher is not None and first:
                push = tuple(push_subscriptions_of(session, staff_user_id))
            if not mine:
                continue
            if user is None or not user.is_active or (not email and not push):
                for row in mine:
                    session.delete(row)
                result.dropped += len(mine)
                continue
            if kind == "alert":
                quiet_until = (
                    last_sent[staff_user_id] + ALERT_QUIET if staff_user_id in last_sent else None
                )
                if quiet_until is not None and quiet_until > now:
                    for row in mine:  # told a moment ago: one alert covers these too, later
                        row.next_attempt_at = quiet_until
                    continue
            for row in mine:
                row.next_attempt_at = now + LEASE
            kinds = {alerts[r.alert_id].kind for r in mine if r.alert_id in alerts}
            words = ALERT_WORDS.get(kinds.pop(), "") if len(kinds) == 1 else ""
            jobs.append(
                _Job(
                    mine[0].report_id,
                    [row.id for row in mine],
                    email,
                    staff_user_id,
                    reason=Reason.REMINDER.value if kind != "alert" else Reason.URGENT.value,
                    words=words or "Urgent alerts are waiting",
                    subject_url=mine[0].subject_url or "/staff",
                    push=push,
                )
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
                        SystemAction.STAFF_REMINDER_SENT
                        if job.reason == Reason.REMINDER.value
                        else SystemAction.STAFF_ALERT_SENT,
                        object_type="staff_user",
                        object_id=job.staff_user_id,
                        detail={
                            "alerts": sorted({r.alert_id for r in rows if r.alert_id}),
                            "reports": sorted({r.report_id for r in rows if r.report_id}),
                        },
                    )
                    return
                record(
                    session,
                    SystemAction.NOTIFICATION_SENT,
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
                    SystemAction.NOTIFICATION_GIVEN_UP,
                    object_type="report" if job.staff_user_id is None else "staff_user",
                    object_id=job.report_id if job.staff_user_id is None else job.staff_user_id,
                    detail={"attempts": attempts, "error": error.kind},
                )
            else:
                result.retrying += 1

    def _push(self, job: _Job, result: Delivery) -> int:
        """Web push to the job's browsers; returns how many took it."""
        if self._pusher is None or not job.push:
            return 0
        taken = 0
        payload = alert_payload(job.words)
        for target in job.push:
            try:
                self._pusher(target, payload)
                taken += 1
            except PushGone:
                with self.db.session() as session:
                    forget_push(session, target.id)
            except PushFailed as exc:
                log.warning("push not sent", extra={"error": str(exc)})
            except Exception as exc:  # never let one browser stop the round
                log.warning("push not sent", extra={"error": type(exc).__name__})
        result.pushed += taken
        return taken

    def _message(self, job: _Job) -> EmailMessage | None:
        if not job.contact:
            return None
        base = self.settings.public_url
        if job.reason == Reason.REMINDER.value:
            return reminder_message(
                self.settings.mail_sender, job.contact, f"{base}{job.subject_url}"
            )
        if job.staff_user_id is not None:
            return staff_alert_message(
                self.settings.mail_sender,
                job.contact,
                f"{base}/staff/login",
                alerts_url=f"{base}/staff/alerts",
                words=job.words,
            )
        return news_message(self.settings.mail_sender, job.contact, self.status_url)

    def _notice_transport(self, message: EmailMessage) -> None:
        """Send a takedown notice; a mail error becomes the takedown context's own, so that it
        knows whether to try again (reclaim.takedown does not import notify)."""
        assert self._transport is not None
        try:
            self._transport(message)
        except MailError as exc:
            raise NoticeNotSent(exc.kind, permanent=exc.permanent) from exc

    def deliver(self, now: datetime | None = None, limit: int = 50) -> Delivery:
        """Send what is due (at most ``limit`` rows this round)."""
        moment = now or utcnow()
        result = Delivery()
        if self._transport is not None:  # takedown notices to hosts go by email only
            notices = deliver_notices(
                self.db, self._notice_transport, self.settings.mail_sender, moment
            )
            result.notices = notices.sent
            result.errors += notices.errors
        for job in self._claim(moment, limit, result):
            if job.staff_user_id is None and not self._still_waiting(job):
                result.dropped += 1  # erased (or withdrawn) since it was claimed: say nothing
                continue
            pushed = self._push(job, result)
            message = self._message(job)
            error: MailError | None = None
            if message is not None and self._transport is not None:
                try:
                    self._transport(message)
                except MailError as exc:
                    error = exc
                except Exception as exc:  # a message the library will not build or send
                    error = MailError(type(exc).__name__)
            elif not pushed:
                error = MailError("push-not-taken")
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

    def _still_waiting(self, job: _Job) -> bool:
        """News is sent after the claim's transaction: a young person who erased their report
        in between must not get it. Checked again just before sending."""
        with self.db.read_session() as session:
            found = session.scalar(
                select(func.count()).select_from(Notification).where(Notification.id.in_(job.rows))
            )
        return bool(found)

    def deliver_all(self, limit: int = 50, now: datetime | None = None) -> Delivery:
        """Rounds of :meth:`deliver` until nothing due is left."""
        total = Delivery()
        while True:
            got = self.deliver(now=now, limit=limit)
            total.sent += got.sent
            total.retrying += got.retrying
            total.given_up += got.given_up
            total.dropped += got.dropped
            total.errors += got.errors
            total.rows += got.rows
            total.notices += got.notices
            total.pushed += got.pushed
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
                self.notifier.tick()
            except Exception:  # the database went away: log and try again later
                log.exception("notification sender failed; trying again later")
            self._wake.wait(self.interval)

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._wake.set()
        remove_waker(self._wake)
        if self._thread is not None:
            self._thread.join(timeout)
