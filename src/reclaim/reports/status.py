"""A report's status as its owner sees it: each photo or video's state, each link's (the status
of its place in the takedown queue), and how many platforms said they blocked one. Read by the
young person's page and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.bank.feedback import blocked_count
from reclaim.bank.items import ItemStatus
from reclaim.bank.models import ContentItem
from reclaim.reports.models import Report
from reclaim.takedown.staff_views import link_statuses
from reclaim.takedown.wording import young_person_words


@dataclass(frozen=True, slots=True)
class HashState:
    id: int
    position: int
    kind: str
    status: str  # active, withdrawn, stopped (by staff) or expired
    exact_only: bool


@dataclass(frozen=True, slots=True)
class UrlState:
    id: int
    url: str
    host: str
    status: str  # the takedown place's status (reclaim.takedown.status.PlaceStatus)
    words: str  # what the young person reads about it
    place_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReportStatus:
    reference: str
    age_group: str
    country: str
    created_at: datetime
    urgent: bool
    erased: bool
    hashes: list[HashState]
    urls: list[UrlState]
    blocked_on: int
    has_contact: bool

    @property
    def active(self) -> list[HashState]:
        return [h for h in self.hashes if h.status == "active"]


def status_of(session: Session, report: Report) -> ReportStatus:
    items = {
        item.id: item
        for item in session.scalars(
            select(ContentItem).where(ContentItem.id.in_([h.item_id for h in report.hashes]))
        )
    }
    hashes = []
    for link in report.hashes:
        item = items[link.item_id]
        if link.withdrawn_at is not None and item.status == ItemStatus.ACTIVE.value:
            # Withdrawn here, but another report of the same file still wants it: websites
            # still block it, and saying "withdrawn" would not be true.
            state = "still_listed"
        elif link.withdrawn_at is not None or item.status == ItemStatus.WITHDRAWN.value:
            state = "withdrawn"
        elif item.status == ItemStatus.ACTIVE.value:
            state = "active"
        elif item.status == ItemStatus.EXPIRED.value:
            state = "expired"
        else:
            state = "stopped"
        hashes.append(HashState(link.id, link.position, link.kind, state, link.exact_only))
    return ReportStatus(
        reference=report.reference,
        age_group=report.age_group,
        country=report.country,
        created_at=report.created_at,
        urgent=report.urgent,
        erased=report.erased_at is not None,
        hashes=hashes,
        urls=_url_states(session, report),
        blocked_on=blocked_count(session, list(items)) if items else 0,
        has_contact=has_contact(session, report.id),
    )


def _url_states(session: Session, report: Report) -> list[UrlState]:
    """Each link with where its takedown stands (the analysts' record is the only one)."""
    statuses = link_statuses(session, [u.place_id for u in report.urls])
    states = []
    for u in report.urls:
        found = statuses.get(u.place_id) if u.place_id is not None else None
        status = found.status if found else "reported"
        states.append(UrlState(u.id, u.url, u.host, status, young_person_words(status), u.place_id))
    return states


def has_contact(session: Session, report_id: int) -> bool:
    """Whether the person left a contact (asked of the database: nothing is decrypted)."""
    found = session.scalar(
        select(Report.id).where(Report.id == report_id, Report.contact.is_not(None))
    )
    return found is not None
