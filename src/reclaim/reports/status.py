"""A report's status as its owner sees it: each photo or video's state, each link's, and
how many platforms said they blocked one. Read by the young person's page and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.bank.feedback import blocked_count
from reclaim.bank.items import ItemStatus
from reclaim.bank.models import ContentItem
from reclaim.reports.models import Report


class UrlStatus(StrEnum):
    REPORTED = "reported"
    SENT = "sent"  # sent to the site
    REMOVED = "removed"


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
    status: str


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
        urls=[UrlState(u.id, u.url, u.host, u.status) for u in report.urls],
        blocked_on=blocked_count(session, list(items)) if items else 0,
        has_contact=has_contact(session, report.id),
    )


def has_contact(session: Session, report_id: int) -> bool:
    """Whether the person left a contact (asked of the database: nothing is decrypted)."""
    found = session.scalar(
        select(Report.id).where(Report.id == report_id, Report.contact.is_not(None))
    )
    return found is not None
