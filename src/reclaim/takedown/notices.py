"""Notices: written from the template, sent by email through the outbox or recorded as
submitted through the host's own form or to the hotline of the hosting country; escalated
when their deadline passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.audit.actions import StaffAction, SystemAction
from reclaim.audit.recorder import record
from reclaim.emailaddress import looks_like_email
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.takedown.hosts import host_directory
from reclaim.takedown.models import Notice, Place
from reclaim.takedown.news import TakedownNews
from reclaim.takedown.notice import notice_reference, notice_text
from reclaim.takedown.places import move
from reclaim.takedown.status import Clocks, PlaceStatus, TransitionRefused

__all__ = [
    "Channel",
    "NoticeDelivery",
    "NoticeNotSent",
    "NoticePlan",
    "deliver_notices",
    "escalate_overdue",
    "plan_notice",
    "send_notice",
]

#: Email retries: as the outbox's (1 minute up to 12 hours), then give up.
BACKOFF_MINUTES = (1, 5, 30, 120, 360, 720)
MAX_ATTEMPTS = 8
#: How long a claimed notice is left alone by other senders while this one sends it.
LEASE = timedelta(minutes=10)


class Channel(StrEnum):
    EMAIL = "email"  # sent by Reclaim through the outbox
    FORM = "form"  # submitted by the analyst through the host's own report form
    HOTLINE = "hotline"  # passed to the hotline of the hosting country


@dataclass(frozen=True, slots=True)
class NoticePlan:
    """Who a notice for this place should go to, from the host data file."""

    host_name: str
    abuse_contact: str
    report_form: str
    host_country: str
    abroad: bool
    hotline_name: str
    hotline_form: str
    hotline_country: str
    checked: str


def plan_notice(place: Place, home_country: str) -> NoticePlan:
    directory = host_directory()
    host = directory.host_for(place.registered_domain)
    country = host.country if host else ""
    abroad = bool(country) and country != home_country.upper()
    hotline = directory.hotline_for(country or "*")
    return NoticePlan(
        host_name=host.name if host else place.registered_domain,
        abuse_contact=host.abuse_contact if host else "",
        report_form=host.report_form if host else "",
        host_country=country,
        abroad=abroad,
        hotline_name=hotline.name,
        hotline_form=hotline.report_form,
        hotline_country=country or "",
        checked=host.checked if host else "no entry in the host data file",
    )


def send_notice(
    session: Session,
    place: Place,
    channel: Channel,
    *,
    organisation_name: str,
    staff_user_id: int | None,
    home_country: str,
    news: TakedownNews,
    recipient_email: str = "",
    submitted_ref: str = "",
    clocks: Clocks | None = None,
    now: datetime | None = None,
) -> Notice:
    """Write a notice and move the place to "notice sent" (raises ``TransitionRefused`` when
    the place is not ready for one). An email goes out after commit; a form or hotline notice
    records what the analyst did on the host's or hotline's own site."""
    moment, clocks = now or utcnow(), clocks or Clocks()
    if PlaceStatus.NOTICE_SENT not in _allowed(place):
        raise TransitionRefused(
            "Assess the link as in scope before sending a notice."
            if place.status in (PlaceStatus.REPORTED.value, PlaceStatus.NEEDS_INFO.value)
            else f"A place that is {place.status} does not take a notice."
        )
    plan = plan_notice(place, home_country)
    if channel is Channel.EMAIL and not looks_like_email(recipient_email.strip()):
        raise TransitionRefused("Type the host's abuse address: one plain email address.")
    number = len(place.notices) + 1
    reference = notice_reference(place.id, number)
    recipient = plan.hotline_name if channel is Channel.HOTLINE else plan.host_name
    assessed = next(
        (m.at for m in place.moves if m.to_status == PlaceStatus.ASSESSED.value), moment
    )
    text = notice_text(
        url=place.url,
        host=place.host,
        recipient=recipient,
        organisation=organisation_name,
        reference=reference,
        assessed_at=assessed,
    )
    notice = Notice(
        number=number,
        channel=channel.value,
        recipient=recipient[:200],
        recipient_email=recipient_email.strip() if channel is Channel.EMAIL else None,
        form_url=(plan.hotline_form if channel is Channel.HOTLINE else plan.report_form) or None,
        hotline_country=(plan.host_country or "*") if channel is Channel.HOTLINE else None,
        reference=reference,
        subject=text.subject,
        body=text.body,
        submitted_ref=submitted_ref.strip()[:120] or None,
        created_by=staff_user_id,
        created_at=moment,
        deadline_at=moment + clocks.notice_deadline,
        next_attempt_at=moment if channel is Channel.EMAIL else None,
        sent_at=None if channel is Channel.EMAIL else moment,
    )
    place.notices.append(notice)
    session.flush()
    how = {
        Channel.EMAIL: f"notice {reference} by email to {recipient}",
        Channel.FORM: f"notice {reference} through {recipient}'s own report form",
        Channel.HOTLINE: f"notice {reference} passed to {recipient}",
    }[channel]
    move(
        session,
        place,
        PlaceStatus.NOTICE_SENT,
        reason=how,
        staff_user_id=staff_user_id,
        clocks=clocks,
        news=news,
        now=moment,
    )
    record(
        session,
        StaffAction.NOTICE_QUEUED if channel is Channel.EMAIL else StaffAction.NOTICE_RECORDED,
        object_type="notice",
        object_id=notice.id,
        detail={"place": place.id, "channel": channel.value},
    )
    if channel is Channel.EMAIL:
        news.wake_after_commit(session)
    return notice


def _allowed(place: Place) -> frozenset[PlaceStatus]:
    from reclaim.takedown.status import ALLOWED

    return ALLOWED[PlaceStatus(place.status)]


def escalate_overdue(
    session: Session, organisation_id: int | None = None, now: datetime | None = None
) -> list[int]:
    """Notices past their deadline while the place still waits on them: marked escalated
    (once each, audited). The queue shows them first among their peers as overdue, with the
    hotline of the hosting country to pass them to. Returns the places escalated now."""
    moment = now or utcnow()
    query = (
        select(Notice)
        .join(Place, Place.id == Notice.place_id)
        .where(
            Notice.deadline_at <= moment,
            Notice.escalated_at.is_(None),
            Place.status == PlaceStatus.NOTICE_SENT.value,
            Place.erased_at.is_(None),
        )
    )
    if organisation_id is not None:
        query = query.where(Place.organisation_id == organisation_id)
    escalated = []
    for notice in session.scalars(query):
        latest = max(n.number for n in notice.place.notices)
        if notice.number != latest:
            notice.escalated_at = moment  # an older notice: a newer one has its own deadline
            continue
        notice.escalated_at = moment
        escalated.append(notice.place_id)
        record(
            session,
            SystemAction.PLACE_ESCALATED,
            object_type="place",
            object_id=notice.place_id,
            detail={"notice": notice.id},
        )
    session.flush()
    return escalated


# Email delivery ------------------------------------------------------------------------------


class NoticeNotSent(Exception):
    """What a transport raises when a notice did not go; ``permanent`` when trying again will
    not help (the notify context turns its mail errors into this)."""

    def __init__(self, kind: str, permanent: bool = False) -> None:
        super().__init__(kind)
        self.kind, self.permanent = kind, permanent


@dataclass(slots=True)
class NoticeDelivery:
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


def notice_message(sender: str, notice: Notice) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.recipient_email or ""
    message["Subject"] = notice.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or None)
    message.set_content(notice.body)
    return message


def deliver_notices(
    db: Database,
    transport: Callable[[EmailMessage], None],
    sender: str,
    now: datetime | None = None,
    limit: int = 50,
) -> NoticeDelivery:
    """Send the email notices that are due (after the commit that wrote them). Rows are claimed
    first (several senders are safe) and nothing is sent while a transaction is open; a
    failure waits longer each time and gives up after :data:`MAX_ATTEMPTS` or at once when the
    address is refused. ``transport`` raises :class:`NoticeNotSent` when it could not send."""
    moment = now or utcnow()
    result = NoticeDelivery()
    with db.session() as session:
        due = list(
            session.scalars(
                select(Notice)
                .where(
                    Notice.channel == Channel.EMAIL.value,
                    Notice.sent_at.is_(None),
                    Notice.failed_at.is_(None),
                    Notice.next_attempt_at <= moment,
                )
                .order_by(Notice.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        messages = []
        for claimed in due:
            claimed.next_attempt_at = moment + LEASE
            messages.append((claimed.id, notice_message(sender, claimed)))
    for notice_id, message in messages:
        error: NoticeNotSent | None = None
        try:
            transport(message)
        except NoticeNotSent as exc:
            error = exc
        except Exception as exc:  # a message the library will not build or send
            error = NoticeNotSent(type(exc).__name__)
        with db.session() as session:
            row = session.get(Notice, notice_id)
            if row is None:
                continue
            notice = row
            if error is None:
                notice.sent_at, notice.last_error = moment, None
                result.sent += 1
                record(
                    session,
                    SystemAction.NOTICE_SENT,
                    object_type="notice",
                    object_id=notice.id,
                    detail={"place": notice.place_id},
                )
                continue
            notice.attempts += 1
            notice.last_error = error.kind[:120]
            result.errors.append(error.kind)
            if error.permanent or notice.attempts >= MAX_ATTEMPTS:
                notice.failed_at = moment
                result.given_up += 1
                record(
                    session,
                    SystemAction.NOTICE_GIVEN_UP,
                    object_type="notice",
                    object_id=notice.id,
                    detail={"place": notice.place_id, "error": error.kind},
                )
            else:
                wait = BACKOFF_MINUTES[min(notice.attempts, len(BACKOFF_MINUTES)) - 1]
                notice.next_attempt_at = moment + timedelta(minutes=wait)
                result.retrying += 1
    return result
