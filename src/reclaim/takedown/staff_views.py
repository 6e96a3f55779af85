"""Queries: the analyst's queue (most urgent first, filtered, paged), one place as staff see
it, and each report link's status for the young person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.storage.base import utcnow
from reclaim.takedown.models import Notice, Place, PlaceSource
from reclaim.takedown.status import ALLOWED, OPEN, PlaceStatus
from reclaim.takedown.urgency import reasons
from reclaim.takedown.wording import STAFF_LABEL, YOUNG_PERSON

__all__ = [
    "PlaceView",
    "QueueFilters",
    "QueuePage",
    "QueueRow",
    "link_statuses",
    "place_for_staff",
    "place_view",
    "queue",
]


@dataclass(frozen=True, slots=True)
class QueueFilters:
    status: str = "open"  # open, all, or one status
    domain: str = ""
    platform: str = ""
    assigned: str = ""  # "", "me", "none"
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class QueueRow:
    id: int
    url: str
    host: str
    registered_domain: str
    platform: str | None
    status: str
    label: str
    urgency: list[str]
    priority: int
    sources: int
    reported_at: datetime
    first_action_due: datetime
    recheck_due: datetime | None
    overdue: bool
    assigned_to: str | None
    flags: list[str]


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    filters: QueueFilters = field(default_factory=QueueFilters)


def _overdue_clause(now: datetime) -> Any:
    waiting = [PlaceStatus.REPORTED.value, PlaceStatus.NEEDS_INFO.value]
    return or_(
        and_(Place.status.in_(waiting), Place.first_action_due <= now),
        and_(Place.recheck_due.is_not(None), Place.recheck_due <= now),
    )


def is_overdue(place: Place, now: datetime) -> bool:
    waiting = place.status in (PlaceStatus.REPORTED.value, PlaceStatus.NEEDS_INFO.value)
    if waiting and place.first_action_due <= now:
        return True
    return place.recheck_due is not None and place.recheck_due <= now


def queue(
    session: Session,
    organisation_id: int,
    filters: QueueFilters,
    *,
    me: int,
    page: int = 1,
    size: int = 50,
    now: datetime | None = None,
) -> QueuePage:
    """The organisation's places, most urgent first (see :mod:`reclaim.takedown.urgency`),
    then those waiting longest."""
    moment = now or utcnow()
    query = select(Place).where(Place.organisation_id == organisation_id, Place.erased_at.is_(None))
    if filters.status == "open":
        query = query.where(Place.status.in_([s.value for s in OPEN]))
    elif filters.status != "all":
        query = query.where(Place.status == PlaceStatus(filters.status).value)
    if filters.domain:
        query = query.where(Place.registered_domain == filters.domain.lower())
    if filters.platform:
        query = query.where(Place.platform == filters.platform)
    if filters.assigned == "me":
        query = query.where(Place.assigned_to == me)
    elif filters.assigned == "none":
        query = query.where(Place.assigned_to.is_(None))
    if filters.overdue:
        query = query.where(_overdue_clause(moment))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    places = list(
        session.scalars(
            query.order_by(Place.priority.desc(), Place.reported_at, Place.id)
            .offset((page - 1) * size)
            .limit(size)
        )
    )
    counts = _source_counts(session, [p.id for p in places])
    names = _names(session, {p.assigned_to for p in places if p.assigned_to is not None})
    rows = [
        QueueRow(
            id=p.id,
            url=p.url,
            host=p.host,
            registered_domain=p.registered_domain,
            platform=p.platform,
            status=p.status,
            label=STAFF_LABEL[PlaceStatus(p.status)],
            urgency=reasons(p.priority),
            priority=p.priority,
            sources=counts.get(p.id, 0),
            reported_at=p.reported_at,
            first_action_due=p.first_action_due,
            recheck_due=p.recheck_due,
            overdue=is_overdue(p, moment),
            assigned_to=names.get(p.assigned_to) if p.assigned_to else None,
            flags=[f for f in p.flags.split(",") if f],
        )
        for p in places
    ]
    return QueuePage(rows, total, page, pages, filters)


def _source_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    return {
        place_id: int(n)
        for place_id, n in session.execute(
            select(PlaceSource.place_id, func.count())
            .where(PlaceSource.place_id.in_(ids))
            .group_by(PlaceSource.place_id)
        )
    }


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids)))
    return {int(row[0]): str(row[1]) for row in rows}


def place_for_staff(session: Session, organisation_id: int, place_id: int) -> Place | None:
    """The place if it belongs to this organisation's queue, else None (it does not exist)."""
    place = session.get(Place, place_id)
    if place is None or place.organisation_id != organisation_id or place.erased_at is not None:
        return None
    return place


@dataclass(frozen=True, slots=True)
class MoveView:
    at: datetime
    before: str
    after: str
    who: str
    reason: str
    duplicate_of: int | None


@dataclass(frozen=True, slots=True)
class NoticeView:
    id: int
    number: int
    channel: str
    recipient: str
    reference: str
    created_at: datetime
    deadline_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    escalated_at: datetime | None
    submitted_ref: str | None
    hotline_country: str | None
    form_url: str | None
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class PlaceView:
    row: QueueRow
    moves: list[MoveView]
    notices: list[NoticeView]
    next_moves: list[str]
    sources: dict[str, int]
    assigned_to_id: int | None
    duplicate_of: int | None
    last_liveness: str | None
    last_liveness_at: datetime | None


def place_view(
    session: Session, place: Place, *, me: int, now: datetime | None = None
) -> PlaceView:
    moment = now or utcnow()
    people = {m.staff_user_id for m in place.moves if m.staff_user_id is not None}
    if place.assigned_to is not None:
        people.add(place.assigned_to)
    names = _names(session, people)
    kinds: dict[str, int] = {}
    for source in place.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + 1
    row = QueueRow(
        id=place.id,
        url=place.url,
        host=place.host,
        registered_domain=place.registered_domain,
        platform=place.platform,
        status=place.status,
        label=STAFF_LABEL[PlaceStatus(place.status)],
        urgency=reasons(place.priority),
        priority=place.priority,
        sources=len(place.sources),
        reported_at=place.reported_at,
        first_action_due=place.first_action_due,
        recheck_due=place.recheck_due,
        overdue=is_overdue(place, moment),
        assigned_to=names.get(place.assigned_to) if place.assigned_to else None,
        flags=[f for f in place.flags.split(",") if f],
    )
    return PlaceView(
        row=row,
        moves=[
            MoveView(
                at=m.at,
                before=m.from_status,
                after=m.to_status,
                who=names.get(m.staff_user_id, m.actor) if m.staff_user_id else m.actor,
                reason=m.reason,
                duplicate_of=m.duplicate_of,
            )
            for m in reversed(place.moves)
        ],
        notices=[_notice_view(n) for n in reversed(place.notices)],
        next_moves=sorted(s.value for s in ALLOWED[PlaceStatus(place.status)]),
        sources=kinds,
        assigned_to_id=place.assigned_to,
        duplicate_of=place.duplicate_of,
        last_liveness=place.last_liveness,
        last_liveness_at=place.last_liveness_at,
    )


def _notice_view(n: Notice) -> NoticeView:
    return NoticeView(
        id=n.id,
        number=n.number,
        channel=n.channel,
        recipient=n.recipient,
        reference=n.reference,
        created_at=n.created_at,
        deadline_at=n.deadline_at,
        sent_at=n.sent_at,
        failed_at=n.failed_at,
        escalated_at=n.escalated_at,
        submitted_ref=n.submitted_ref,
        hotline_country=n.hotline_country,
        form_url=n.form_url,
        subject=n.subject,
        body=n.body,
    )


@dataclass(frozen=True, slots=True)
class LinkStatus:
    status: str
    words: str
    place_id: int | None


def link_statuses(session: Session, place_ids: Sequence[int | None]) -> dict[int, LinkStatus]:
    """Status and plain words of each place (by id), for a report's links."""
    ids = [i for i in place_ids if i is not None]
    if not ids:
        return {}
    found: dict[int, LinkStatus] = {}
    for place_id, status, duplicate_of in session.execute(
        select(Place.id, Place.status, Place.duplicate_of).where(Place.id.in_(ids))
    ):
        state = PlaceStatus(status)
        if state is PlaceStatus.DUPLICATE and duplicate_of is not None:
            # The young person reads where the place it duplicates stands.
            target = session.get(Place, duplicate_of)
            if target is not None and target.status != PlaceStatus.DUPLICATE.value:
                state = PlaceStatus(target.status)
        found[place_id] = LinkStatus(state.value, YOUNG_PERSON[state], place_id)
    return found
