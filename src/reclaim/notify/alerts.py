"""Alerts for the staff side: on-call lists, alerts that need acknowledging and escalate,
task reminders and web push subscriptions.

An organisation keeps an ordered on-call list. :func:`raise_alert` tells the first contact at
once (an outbox row per person, sent by email and web push after the transaction commits); with
no list, everyone who can view cases. Nobody acknowledges within ``RECLAIM_ALERT_ESCALATE_MINUTES``:
:func:`escalate_due` tells the next contact, and past the end of the list everyone who can view
cases. :func:`acknowledge` stops it (unsent messages for the alert are dropped).

An alert holds no personal data: its kind and a staff URL (an opaque id behind sign-in). Every
email and push says only that something is waiting.

Reminders: :func:`remind` asks for one email to a staff member when ``due_at`` comes;
:func:`queue_task_reminders` (run by the sender) queues those that are due, once each.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import Organisation, StaffUser
from reclaim.accounts.roles import OrganisationKind, Permission, Role, can
from reclaim.audit.actions import StaffAction, SystemAction
from reclaim.audit.recorder import record
from reclaim.notify.models import Alert, Notification, OnCallContact, PushSubscription, Reminder
from reclaim.notify.outbox import Reason, wake_after_commit
from reclaim.reports.models import Report
from reclaim.storage.base import utcnow

__all__ = [
    "DEFAULT_ESCALATE_AFTER",
    "AlertError",
    "AlertKind",
    "AlertView",
    "OnCallEntry",
    "acknowledge",
    "acknowledge_subject",
    "cancel_reminders",
    "escalate_due",
    "forget_push",
    "forget_subject",
    "oncall_list",
    "open_alerts",
    "open_alerts_count",
    "people_told",
    "push_subscriptions_of",
    "queue_staff_alerts",
    "queue_task_reminders",
    "raise_alert",
    "remind",
    "set_oncall",
    "subscribe_push",
    "unsubscribe_push",
]

DEFAULT_ESCALATE_AFTER = timedelta(minutes=10)


class AlertKind(StrEnum):
    URGENT_REPORT = "urgent-report"
    URGENT_CASE = "urgent-case"


#: What an alert says, by kind (an email's subject, a push's text): nothing about anyone.
ALERT_WORDS = {
    AlertKind.URGENT_REPORT.value: "An urgent report is waiting",
    AlertKind.URGENT_CASE.value: "An urgent case is waiting",
}


class AlertError(ValueError):
    """The change cannot be made; the message says why."""


def _case_roles() -> list[str]:
    return [r.value for r in Role if can(r, Permission.VIEW_CASES)]


def _everyone(session: Session, organisation_id: int) -> list[int]:
    """Active staff of the organisation in a role that can see cases."""
    return list(
        session.scalars(
            select(StaffUser.id)
            .where(
                StaffUser.organisation_id == organisation_id,
                StaffUser.disabled_at.is_(None),
                StaffUser.role.in_(_case_roles()),
            )
            .order_by(StaffUser.id)
        )
    )


def _chain(session: Session, organisation_id: int) -> list[int]:
    """The on-call list in order: active contacts who can still see cases."""
    return list(
        session.scalars(
            select(OnCallContact.staff_user_id)
            .join(StaffUser, StaffUser.id == OnCallContact.staff_user_id)
            .where(
                OnCallContact.organisation_id == organisation_id,
                StaffUser.organisation_id == organisation_id,
                StaffUser.disabled_at.is_(None),
                StaffUser.role.in_(_case_roles()),
            )
            .order_by(OnCallContact.position, OnCallContact.id)
        )
    )


def _reachable(session: Session, people: Sequence[int]) -> list[int]:
    """Those who can be told at all: an email, or a browser subscribed to web push."""
    if not people:
        return []
    with_email = set(
        session.scalars(
            select(StaffUser.id).where(StaffUser.id.in_(people), StaffUser.email.is_not(None))
        )
    )
    with_push = set(
        session.scalars(
            select(PushSubscription.staff_user_id).where(PushSubscription.staff_user_id.in_(people))
        )
    )
    return [p for p in people if p in with_email or p in with_push]


def _tell(session: Session, alert: Alert, people: Sequence[int]) -> int:
    reachable = _reachable(session, people)
    for staff_user_id in reachable:
        session.add(
            Notification(
                report_id=None,
                reason=Reason.URGENT.value,
                organisation_id=alert.organisation_id,
                staff_user_id=staff_user_id,
                alert_id=alert.id,
                subject_url=alert.subject_url,
            )
        )
    if reachable:
        wake_after_commit(session)
        session.flush()
    return len(reachable)


def _check_url(subject_url: str) -> str:
    if not subject_url.startswith("/staff") or len(subject_url) > 300 or "//" in subject_url:
        raise AlertError("An alert opens a staff page: a path starting /staff, 300 characters.")
    return subject_url


def raise_alert(
    session: Session,
    organisation_id: int,
    kind: str,
    subject_url: str,
    now: datetime | None = None,
) -> int:
    """Alert the organisation's on-call staff at once; returns the alert's id.

    The first on-call contact is told now (no list: every active staff member who can view
    cases); :func:`escalate_due` moves it on. ``subject_url`` is the staff page to open
    (``/staff/...``, holding no personal data). A platform never gets alerts (AlertError)."""
    moment = now or utcnow()
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind == OrganisationKind.PLATFORM.value:
        raise AlertError("Alerts are for organisations that help young people, not platforms.")
    chain = _chain(session, organisation_id)
    alert = Alert(
        organisation_id=organisation_id,
        kind=AlertKind(kind).value,
        subject_url=_check_url(subject_url),
        created_at=moment,
        level=0,
        level_at=moment,
        final=not chain,  # no list: everyone at once, nothing further to escalate to
    )
    session.add(alert)
    session.flush()
    people = chain[:1] if chain else _everyone(session, organisation_id)
    told = _tell(session, alert, people)
    record(
        session,
        SystemAction.ALERT_RAISED,
        object_type="alert",
        object_id=alert.id,
        detail={"kind": alert.kind, "told": told, "oncall": bool(chain)},
        organisation_id=organisation_id,
    )
    return alert.id


def people_told(session: Session, alert_id: int) -> int:
    """How many staff members this alert has been queued for so far."""
    count = session.scalar(
        select(func.count(func.distinct(Notification.staff_user_id))).where(
            Notification.alert_id == alert_id
        )
    )
    return int(count or 0)


def staff_told_about_report(session: Session, report_id: int) -> int:
    """How many staff members the alerts for this report have been queued for (for a retry of
    the submission that made it, which answers as the first one did)."""
    public_id = session.scalar(select(Report.public_id).where(Report.id == report_id))
    if public_id is None:
        return 0
    count = session.scalar(
        select(func.count(func.distinct(Notification.staff_user_id)))
        .join(Alert, Alert.id == Notification.alert_id)
        .where(
            Alert.kind == AlertKind.URGENT_REPORT.value,
            Alert.subject_url == f"/staff/reports/{public_id}",
        )
    )
    return int(count or 0)


def queue_staff_alerts(session: Session, report_id: int, organisation: Organisation | None) -> int:
    """An urgent young person's report: an alert for ``organisation`` (the intake
    organisation), through :func:`raise_alert`. Returns how many staff members were told now
    (0: nobody to tell, or no organisation that is not a platform)."""
    if organisation is None or organisation.kind == "platform":
        return 0
    public_id = session.scalar(select(Report.public_id).where(Report.id == report_id))
    if public_id is None:
        return 0
    alert_id = raise_alert(
        session, organisation.id, AlertKind.URGENT_REPORT, f"/staff/reports/{public_id}"
    )
    return people_told(session, alert_id)


def escalate_due(
    session: Session, now: datetime | None = None, after: timedelta = DEFAULT_ESCALATE_AFTER
) -> int:
    """Move each alert nobody acknowledged within ``after`` to the next on-call contact (past
    the end of the list: everyone who can view cases, once). Returns how many moved."""
    moment = now or utcnow()
    due = list(
        session.scalars(
            select(Alert)
            .where(
                Alert.acknowledged_at.is_(None),
                Alert.final.is_(False),
                Alert.level_at <= moment - after,
            )
            .order_by(Alert.id)
            .with_for_update(skip_locked=True)
        )
    )
    for alert in due:
        chain = _chain(session, alert.organisation_id)
        alert.level += 1
        alert.level_at = moment
        if alert.level < len(chain):
            people = [chain[alert.level]]
        else:
            alert.final = True
            people = _everyone(session, alert.organisation_id)
        session.flush()
        told = _tell(session, alert, people)
        record(
            session,
            SystemAction.ALERT_ESCALATED,
            object_type="alert",
            object_id=alert.id,
            detail={"level": alert.level, "everyone": alert.final, "told": told},
            organisation_id=alert.organisation_id,
        )
    return len(due)


def _drop_unsent(session: Session, alert_id: int) -> None:
    session.execute(
        delete(Notification).where(
            Notification.alert_id == alert_id,
            Notification.sent_at.is_(None),
            Notification.failed_at.is_(None),
        )
    )


def acknowledge(
    session: Session, alert_id: int, staff_user: StaffUser, now: datetime | None = None
) -> bool:
    """``staff_user`` is dealing with it: nobody else is called. Returns whether it changed;
    raises LookupError for an alert that is not their organisation's (treat as 404)."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.organisation_id != staff_user.organisation_id:
        raise LookupError(alert_id)
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at, alert.acknowledged_by = now or utcnow(), staff_user.id
    _drop_unsent(session, alert.id)
    session.flush()
    record(
        session,
        StaffAction.ALERT_ACKNOWLEDGED,
        object_type="alert",
        object_id=alert.id,
        organisation_id=alert.organisation_id,
    )
    return True


def acknowledge_subject(
    session: Session, organisation_id: int, subject_url: str, staff_user: StaffUser
) -> int:
    """Acknowledge every open alert about this staff page (someone has dealt with it there,
    for example marked an urgent report seen). Returns how many."""
    ids = list(
        session.scalars(
            select(Alert.id).where(
                Alert.organisation_id == organisation_id,
                Alert.subject_url == subject_url,
                Alert.acknowledged_at.is_(None),
            )
        )
    )
    return sum(acknowledge(session, alert_id, staff_user) for alert_id in ids)


@dataclass(frozen=True, slots=True)
class AlertView:
    id: int
    kind: str
    words: str
    subject_url: str
    created_at: datetime
    level: int
    everyone: bool
    next_escalation_at: datetime | None


def open_alerts(
    session: Session, organisation_id: int, after: timedelta = DEFAULT_ESCALATE_AFTER
) -> list[AlertView]:
    """The organisation's alerts nobody has acknowledged, oldest first."""
    rows = session.scalars(
        select(Alert)
        .where(Alert.organisation_id == organisation_id, Alert.acknowledged_at.is_(None))
        .order_by(Alert.created_at, Alert.id)
    )
    return [
        AlertView(
            id=a.id,
            kind=a.kind,
            words=ALERT_WORDS.get(a.kind, "An alert is waiting"),
            subject_url=a.subject_url,
            created_at=a.created_at,
            level=a.level,
            everyone=a.final,
            next_escalation_at=None if a.final else a.level_at + after,
        )
        for a in rows
    ]


def open_alerts_count(session: Session, organisation_id: int) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(Alert)
        .where(Alert.organisation_id == organisation_id, Alert.acknowledged_at.is_(None))
    )
    return int(count or 0)


# The on-call list ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OnCallEntry:
    staff_user_id: int
    username: str
    role: str
    position: int | None  # None: not on call
    has_email: bool
    has_push: bool


def oncall_list(session: Session, organisation_id: int) -> list[OnCallEntry]:
    """Every active colleague who can view cases, those on call first in order."""
    places: dict[int, int] = {
        int(staff_user_id): int(position)
        for staff_user_id, position in session.execute(
            select(OnCallContact.staff_user_id, OnCallContact.position).where(
                OnCallContact.organisation_id == organisation_id
            )
        )
    }
    people = list(
        session.scalars(
            select(StaffUser).where(
                StaffUser.organisation_id == organisation_id,
                StaffUser.disabled_at.is_(None),
                StaffUser.role.in_(_case_roles()),
            )
        )
    )
    pushing = set(
        session.scalars(
            select(PushSubscription.staff_user_id).where(
                PushSubscription.staff_user_id.in_([p.id for p in people])
            )
        )
    )
    entries = [
        OnCallEntry(
            p.id, p.username, p.role, places.get(p.id), p.email is not None, p.id in pushing
        )
        for p in people
    ]
    return sorted(
        entries,
        key=lambda e: (e.position is None, e.position or 0, e.username),
    )


def set_oncall(session: Session, organisation_id: int, staff_user_ids: Sequence[int]) -> None:
    """Replace the organisation's on-call list with these colleagues, in this order."""
    allowed = set(_everyone(session, organisation_id))
    ordered: list[int] = []
    for staff_user_id in staff_user_ids:
        if staff_user_id not in allowed:
            raise AlertError("Only active colleagues who can view cases can be on call.")
        if staff_user_id not in ordered:
            ordered.append(staff_user_id)
    existing = {
        row.staff_user_id: row
        for row in session.scalars(
            select(OnCallContact).where(OnCallContact.organisation_id == organisation_id)
        )
    }
    for staff_user_id, row in existing.items():
        if staff_user_id not in ordered:
            session.delete(row)
    for position, staff_user_id in enumerate(ordered, 1):
        found = existing.get(staff_user_id)
        if found is None:
            session.add(
                OnCallContact(
                    organisation_id=organisation_id,
                    staff_user_id=staff_user_id,
                    position=position,
                )
            )
        elif found.position != position:
            found.position = position
    session.flush()
    record(
        session,
        StaffAction.ONCALL_CHANGED,
        object_type="organisation",
        object_id=organisation_id,
        detail={"oncall": ordered},
        organisation_id=organisation_id,
    )


# Reminders ----------------------------------------------------------------------------------


def remind(session: Session, staff_user_id: int, subject_url: str, due_at: datetime) -> int:
    """Email ``staff_user_id`` once when ``due_at`` comes, about the staff page
    ``subject_url``. A reminder not yet sent for the same person and page is moved to the new
    time instead (a task's due date changed). Returns the reminder's id."""
    url = _check_url(subject_url)
    if due_at.tzinfo is None:
        raise AlertError("due_at needs a time zone (UTC).")
    row = session.scalar(
        select(Reminder).where(
            Reminder.staff_user_id == staff_user_id,
            Reminder.subject_url == url,
            Reminder.queued_at.is_(None),
        )
    )
    if row is None:
        row = Reminder(staff_user_id=staff_user_id, subject_url=url, due_at=due_at)
        session.add(row)
    else:
        row.due_at = due_at
    session.flush()
    record(
        session,
        SystemAction.REMINDER_SET,
        object_type="reminder",
        object_id=row.id,
        detail={"staff_user": staff_user_id, "due": due_at.isoformat()},
    )
    return row.id


def cancel_reminders(session: Session, subject_url: str) -> int:
    """The task is done or gone: reminders not yet sent about this page are dropped."""
    result = session.execute(
        delete(Reminder).where(Reminder.subject_url == subject_url, Reminder.queued_at.is_(None))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_subject(session: Session, subject_url: str) -> int:
    """The staff page is gone (a case was erased or purged): its alerts, reminders and their
    unsent or sent messages are deleted, for the page and any part of it (``#task-3``).
    Returns how many alerts and reminders went."""
    about = (Alert.subject_url == subject_url) | Alert.subject_url.startswith(
        f"{subject_url}#", autoescape=True
    )
    alert_ids = list(session.scalars(select(Alert.id).where(about)))
    session.execute(
        delete(Notification).where(
            (Notification.subject_url == subject_url)
            | Notification.subject_url.startswith(f"{subject_url}#", autoescape=True)
            | Notification.alert_id.in_(alert_ids)
        )
    )
    gone = len(alert_ids)
    if alert_ids:
        session.execute(delete(Alert).where(Alert.id.in_(alert_ids)))
    result = session.execute(
        delete(Reminder).where(
            (Reminder.subject_url == subject_url)
            | Reminder.subject_url.startswith(f"{subject_url}#", autoescape=True)
        )
    )
    return gone + int(getattr(result, "rowcount", 0) or 0)


def queue_task_reminders(session: Session, now: datetime | None = None) -> int:
    """Queue an email for each reminder that is due (once each). Returns how many."""
    moment = now or utcnow()
    due = list(
        session.scalars(
            select(Reminder)
            .where(Reminder.queued_at.is_(None), Reminder.due_at <= moment)
            .order_by(Reminder.id)
            .with_for_update(skip_locked=True)
        )
    )
    for reminder in due:
        reminder.queued_at = moment
        session.add(
            Notification(
                report_id=None,
                reason=Reason.REMINDER.value,
                staff_user_id=reminder.staff_user_id,
                subject_url=reminder.subject_url,
            )
        )
        record(
            session,
            SystemAction.REMINDER_QUEUED,
            object_type="reminder",
            object_id=reminder.id,
        )
    if due:
        wake_after_commit(session)
        session.flush()
    return len(due)


# Web push subscriptions ---------------------------------------------------------------------


def _digest(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    if not endpoint.startswith("https://") or len(endpoint) > 1000:
        raise AlertError("A push subscription's endpoint is an https:// address.")
    b64 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    if not (0 < len(p256dh) <= 200 and 0 < len(auth) <= 64) or not set(p256dh + auth) <= b64:
        raise AlertError("A push subscription's keys are urlsafe base64.")


def subscribe_push(
    session: Session, staff_user_id: int, endpoint: str, p256dh: str, auth: str
) -> bool:
    """Keep this browser's push subscription for ``staff_user_id``. Returns whether it is new."""
    _check_subscription(endpoint, p256dh, auth)
    digest = _digest(endpoint)
    row = session.scalar(select(PushSubscription).where(PushSubscription.endpoint_digest == digest))
    fresh = row is None
    if row is None:
        row = PushSubscription(
            staff_user_id=staff_user_id,
            endpoint=endpoint,
            endpoint_digest=digest,
            p256dh=p256dh,
            auth=auth,
        )
        session.add(row)
    else:  # the same browser, perhaps now someone else's session: it is theirs now
        row.staff_user_id, row.p256dh, row.auth = staff_user_id, p256dh, auth
    session.flush()
    record(session, StaffAction.PUSH_SUBSCRIBED, object_type="staff_user", object_id=staff_user_id)
    return fresh


def unsubscribe_push(session: Session, staff_user_id: int, endpoint: str | None = None) -> int:
    """Forget this member's subscription for ``endpoint`` (None: all of theirs)."""
    query = delete(PushSubscription).where(PushSubscription.staff_user_id == staff_user_id)
    if endpoint is not None:
        query = query.where(PushSubscription.endpoint_digest == _digest(endpoint))
    gone = int(getattr(session.execute(query), "rowcount", 0) or 0)
    if gone:
        record(
            session,
            StaffAction.PUSH_UNSUBSCRIBED,
            object_type="staff_user",
            object_id=staff_user_id,
        )
    return gone


@dataclass(frozen=True, slots=True)
class PushTarget:
    id: int
    endpoint: str
    p256dh: str
    auth: str


def push_subscriptions_of(session: Session, staff_user_id: int) -> list[PushTarget]:
    return [
        PushTarget(row.id, row.endpoint, row.p256dh, row.auth)
        for row in session.scalars(
            select(PushSubscription).where(PushSubscription.staff_user_id == staff_user_id)
        )
    ]


def forget_push(session: Session, subscription_id: int) -> None:
    """The push service says this subscription is gone (404/410)."""
    row = session.get(PushSubscription, subscription_id)
    if row is not None:
        staff_user_id = row.staff_user_id
        session.delete(row)
        record(session, SystemAction.PUSH_GONE, object_type="staff_user", object_id=staff_user_id)
