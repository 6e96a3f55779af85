"""What staff do to a report: mark an urgent one seen, move a link along (its place in the
takedown queue), change the status of an item a report added. Each is audited; the young
person sees the result on their page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.bank.items import BankError, ItemStatus, Provenance, set_status
from reclaim.bank.models import ContentItem
from reclaim.reports.models import Report, ReportHash
from reclaim.storage.base import utcnow
from reclaim.takedown.news import LinkNews
from reclaim.takedown.places import move
from reclaim.takedown.staff_views import place_for_staff
from reclaim.takedown.status import Clocks, PlaceStatus


def mark_urgent_seen(session: Session, report: Report, staff_user_id: int) -> bool:
    """A staff member has looked at an urgent report: it leaves the "not yet seen" list
    (it stays urgent). Returns whether it changed."""
    if not report.urgent or report.urgent_seen_at is not None:
        return False
    report.urgent_seen_at, report.urgent_seen_by = utcnow(), staff_user_id
    session.flush()
    record(session, CaseAction.URGENT_SEEN, object_type="report", object_id=report.id)
    return True


def withdrawn_by_owner(session: Session, item: ContentItem) -> bool:
    """Whether the young people who reported this item have all withdrawn or deleted it: then
    their choice stands, and only their own new report of it makes it active again."""
    if item.provenance != Provenance.SELF_REPORT.value:
        return False
    links = list(
        session.scalars(select(ReportHash.withdrawn_at).where(ReportHash.item_id == item.id))
    )
    return bool(links) and all(at is not None for at in links)


def staff_set_item_status(
    session: Session, item: ContentItem, status: ItemStatus, reason: str
) -> bool:
    """A staff member changes an item's status, always with a reason. What a young person
    withdrew or deleted stays off the list: staff may switch it off further (disable, with a
    reason), never make it active."""
    if status is ItemStatus.ACTIVE and withdrawn_by_owner(session, item):
        raise BankError(
            "The young person who reported this withdrew or deleted it, so it stays off the "
            "list. You can disable it, with a reason, but not make it active."
        )
    return set_status(session, item, status, reason)


def move_link(
    session: Session,
    report: Report,
    url_id: int,
    status: PlaceStatus,
    *,
    reason: str,
    staff_user_id: int,
    news: LinkNews,
    clocks: Clocks | None = None,
) -> bool | None:
    """Move one of the report's links to ``status``: its place in the takedown queue takes
    the step (the one record; raises ``TransitionRefused`` when the status machine refuses
    it), and the case records it. None when the report has no such link."""
    url = next((u for u in report.urls if u.id == url_id), None)
    if url is None or url.place_id is None or report.organisation_id is None:
        return None
    place = place_for_staff(session, report.organisation_id, url.place_id)
    if place is None:
        return None
    before = place.status
    move(
        session,
        place,
        status,
        reason=reason.strip() or "changed on the report page",
        news=news,
        staff_user_id=staff_user_id,
        clocks=clocks,
    )
    record(
        session,
        CaseAction.LINK_MOVED,
        object_type="url",
        object_id=url.id,
        detail={"report": report.id, "place": place.id, "from": before, "to": status.value},
    )
    return True
