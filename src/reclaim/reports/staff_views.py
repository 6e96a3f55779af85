"""What staff with case access read: the dashboard's lists (urgent ones first) and one report
in full. These are read models: they join the bank's and accounts' tables, and load a page of
reports in a fixed number of statements (counts come from the database, nothing is decrypted to
count it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import Organisation
from reclaim.bank.models import PlatformFeedback
from reclaim.reports.models import Report, ReportHash, ReportUrl
from reclaim.reports.ownership import report_for_staff, resolve_intake
from reclaim.reports.status import status_of


def danger_flags(
    threatened: bool | None, feels_safe: str | None, age_group: str | None = None
) -> list[str]:
    """What the person said that made the report urgent, in staff words."""
    flags = []
    if age_group == "under13":
        flags.append("under 13: immediate referral")
    if feels_safe == "no":
        flags.append("does not feel safe")
    elif feels_safe == "not_sure":
        flags.append("not sure they are safe")
    if threatened:
        flags.append("threatened")
    return flags


def details_of(report: Report) -> dict[str, str]:
    """What the person typed (for staff with case access)."""
    return dict(json.loads(report.details)) if report.details else {}


@dataclass(frozen=True, slots=True)
class ReportSummary:
    public_id: str
    reference: str
    created_at: datetime
    age_group: str
    country: str
    urgent: bool
    flags: list[str]
    files: int
    urls: int
    seen: bool = False


#: How many photos or videos, and how many links, a report has: counted by the database in the
#: same statement as the page of reports (no query per report, no link decrypted to count it).
_FILES = (
    select(func.count(ReportHash.id)).where(ReportHash.report_id == Report.id).scalar_subquery()
)
_LINKS = select(func.count(ReportUrl.id)).where(ReportUrl.report_id == Report.id).scalar_subquery()
#: Only what a summary shows: the encrypted fields (details, contact) are not even loaded.
_SUMMARY = (
    Report.public_id,
    Report.reference,
    Report.created_at,
    Report.age_group,
    Report.country,
    Report.urgent,
    Report.threatened,
    Report.feels_safe,
    Report.busy_connection,
    Report.made_by_adult,
    Report.urgent_seen_at,
    _FILES.label("files"),
    _LINKS.label("links"),
)


def _summary(r: Any) -> ReportSummary:
    return ReportSummary(
        public_id=r.public_id,
        reference=r.reference,
        created_at=r.created_at,
        age_group=r.age_group,
        country=r.country,
        urgent=r.urgent,
        flags=danger_flags(r.threatened, r.feels_safe, r.age_group)
        + (["many reports from one connection"] if r.busy_connection else [])
        + (["made by an adult for the child"] if r.made_by_adult else []),
        files=int(r.files),
        urls=int(r.links),
        seen=r.urgent_seen_at is not None,
    )


def _open_reports(organisation_id: int) -> list[Any]:
    """Which reports staff see: the organisation's that still exist (erased ones are gone)."""
    return [Report.erased_at.is_(None), Report.organisation_id == organisation_id]


def _urgent_waiting(organisation_id: int) -> list[Any]:
    return [
        *_open_reports(organisation_id),
        Report.urgent.is_(True),
        Report.urgent_seen_at.is_(None),
    ]


def urgent_waiting(session: Session, organisation_id: int, intake: str) -> int:
    """The organisation's urgent reports no one on its staff has marked seen yet."""
    resolve_intake(session, intake)
    count = session.scalar(select(func.count(Report.id)).where(*_urgent_waiting(organisation_id)))
    return int(count or 0)


@dataclass(frozen=True, slots=True)
class StaffPage:
    reports: list[ReportSummary]
    total: int
    page: int
    pages: int


def _paged(
    session: Session, where: list[Any], order: tuple[Any, ...], page: int, size: int
) -> StaffPage:
    """One page in two statements (the count, the rows), whatever the number of reports."""
    total = int(session.scalar(select(func.count(Report.id)).where(*where)) or 0)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    query = select(*_SUMMARY).where(*where).order_by(*order)
    rows = session.execute(query.offset((page - 1) * size).limit(size))
    return StaffPage([_summary(r) for r in rows], total, page, pages)


def urgent_for_staff(
    session: Session, organisation_id: int, intake: str, page: int = 1, size: int = 20
) -> StaffPage:
    """The organisation's urgent reports not yet marked seen, the one waiting longest first:
    a flood of new ones cannot push an older one down, and every one is reachable page by page."""
    resolve_intake(session, intake)
    order = (Report.created_at, Report.id)
    return _paged(session, _urgent_waiting(organisation_id), order, page, size)


def reports_for_staff(
    session: Session, organisation_id: int, intake: str, page: int = 1, size: int = 50
) -> StaffPage:
    """The organisation's open reports, newest first (urgent ones marked), page by page."""
    resolve_intake(session, intake)
    order = (Report.created_at.desc(), Report.id.desc())
    return _paged(session, _open_reports(organisation_id), order, page, size)


@dataclass(frozen=True, slots=True)
class PlatformWord:
    """What one platform said of a listed item (its feedback), and when."""

    platform: str
    status: str  # PendingReview, Blocked, NotBlocked
    at: datetime


def platform_words(session: Session, item_ids: list[int]) -> dict[int, list[PlatformWord]]:
    """Each item's feedback from platforms, by platform name."""
    words: dict[int, list[PlatformWord]] = {}
    if not item_ids:
        return words
    rows = session.execute(
        select(
            PlatformFeedback.item_id,
            Organisation.name,
            PlatformFeedback.status,
            PlatformFeedback.updated_at,
        )
        .join(Organisation, Organisation.id == PlatformFeedback.organisation_id)
        .where(PlatformFeedback.item_id.in_(item_ids))
        .order_by(Organisation.name)
    )
    for item_id, name, word, at in rows:
        words.setdefault(item_id, []).append(PlatformWord(name, word, at))
    return words


@dataclass(frozen=True, slots=True)
class CaseItem:
    id: int
    item_id: int
    position: int
    kind: str
    status: str  # active, withdrawn, stopped or expired
    exact_only: bool
    feedback: list[PlatformWord]


@dataclass(frozen=True, slots=True)
class CaseUrl:
    id: int
    url: str
    host: str
    status: str  # the takedown place's status
    words: str  # what the young person reads
    place_id: int | None


@dataclass(frozen=True, slots=True)
class CaseView:
    """One report as staff with case access see it (never an image, never the PIN, and not
    the contact itself: only whether the person asked for news and what was sent)."""

    id: int
    public_id: str
    reference: str
    created_at: datetime
    age_group: str
    country: str
    source: str
    urgent: bool
    urgent_seen_at: datetime | None
    busy_connection: bool
    threatened: bool | None
    feels_safe: str | None
    erased: bool
    items: list[CaseItem]
    made_by_adult: bool
    urls: list[CaseUrl]
    details: dict[str, str]
    wants_news: bool


def case_for_staff(
    session: Session, organisation_id: int, public_id: str, intake: str
) -> CaseView | None:
    """The report as its own organisation's staff see it; None for anyone else's."""
    report = report_for_staff(session, organisation_id, public_id, intake)
    if report is None:
        return None
    status = status_of(session, report)
    item_of = {link.id: link.item_id for link in report.hashes}
    words = platform_words(session, list(item_of.values()))
    return CaseView(
        id=report.id,
        public_id=report.public_id,
        reference=report.reference,
        created_at=report.created_at,
        age_group=report.age_group,
        country=report.country,
        source=report.source,
        urgent=report.urgent,
        urgent_seen_at=report.urgent_seen_at,
        busy_connection=report.busy_connection,
        threatened=report.threatened,
        feels_safe=report.feels_safe,
        erased=status.erased,
        made_by_adult=report.made_by_adult,
        items=[
            CaseItem(
                id=h.id,
                item_id=item_of[h.id],
                position=h.position,
                kind=h.kind,
                status=h.status,
                exact_only=h.exact_only,
                feedback=words.get(item_of[h.id], []),
            )
            for h in status.hashes
        ],
        urls=[CaseUrl(u.id, u.url, u.host, u.status, u.words, u.place_id) for u in status.urls],
        details=details_of(report),
        wants_news=status.has_contact,
    )
