"""A young person shares their report with a school or service, and can stop at any time.

Every organisation that is not a platform has a **share code** (8 characters from an alphabet
with no look-alikes, shown as ``ABCD-EFGH``; its admins and DSLs see it and can make a new one).
On their status page, behind the reference and PIN, the young person types the code, sees the
organisation's name and exactly what will be shared, and confirms. Nothing is shared without
that choice. Stopping removes access at once.

What is shared (:func:`shared_report_view`): whether each photo or video is blocked, what
platforms said about it, and the links with their status. Never what they typed (apps,
usernames, who has it), their contact, their reference or PIN, or how they said they feel.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import Organisation
from reclaim.accounts.roles import OrganisationKind
from reclaim.audit.actions import CaseAction, PublicAction, StaffAction
from reclaim.audit.recorder import record
from reclaim.reports.messages import N_, KindError
from reclaim.reports.models import Report, ReportShare, ShareCode
from reclaim.reports.references import ALPHABET
from reclaim.reports.staff_views import PlatformWord, platform_words
from reclaim.reports.status import status_of
from reclaim.storage.base import utcnow

__all__ = [
    "WHAT_IS_NOT_SHARED",
    "WHAT_IS_SHARED",
    "ShareInfo",
    "ShareTarget",
    "SharedItem",
    "SharedLink",
    "SharedReportView",
    "SharedSummary",
    "SharingError",
    "find_organisation_by_code",
    "new_share_code",
    "regenerate_share_code",
    "share_code_for",
    "share_report",
    "shared_report_view",
    "shared_with",
    "shares_of",
    "show_code",
    "stop_all_sharing",
    "stop_sharing",
]

CODE_LENGTH = 8
#: What people type for characters that are not in the alphabet (0 for O; 1 and L for I).
_LOOKALIKES = str.maketrans("01L", "OII")

#: What the young person is told will be shared, and will not, in their words.
WHAT_IS_SHARED = (
    N_("whether each photo or video is blocked"),
    N_("what websites and apps said about them"),
    N_("the links you gave us, and whether they have been taken down"),
)
WHAT_IS_NOT_SHARED = (
    N_("what you typed about apps, usernames or who has it"),
    N_("your email"),
    N_("your reference and PIN"),
    N_("what you told us about feeling safe"),
)


class SharingError(KindError):
    """The report cannot be shared as asked; the message says why, kindly."""


NOT_FOUND = N_("We could not find that code. Check it with the person who gave it to you.")


def new_share_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def show_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str | None:
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    cleaned = cleaned.translate(_LOOKALIKES)
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def _can_receive(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.kind != OrganisationKind.PLATFORM.value


def _unused_code(session: Session) -> str:
    while True:
        code = new_share_code()
        if session.scalar(select(ShareCode.code).where(ShareCode.code == code)) is None:
            return code


def share_code_for(session: Session, organisation_id: int) -> str | None:
    """The organisation's code (made the first time it is asked for); None for a platform."""
    organisation = session.get(Organisation, organisation_id)
    if not _can_receive(organisation):
        return None
    row = session.get(ShareCode, organisation_id)
    if row is None:
        row = ShareCode(organisation_id=organisation_id, code=_unused_code(session))
        session.add(row)
        session.flush()
    return row.code


def regenerate_share_code(session: Session, organisation_id: int) -> str:
    """A new code; the old one stops working at once (reports already shared stay shared)."""
    if share_code_for(session, organisation_id) is None:
        raise SharingError(N_("Platforms cannot receive young people's reports."))
    row = session.get(ShareCode, organisation_id)
    assert row is not None
    row.code, row.created_at = _unused_code(session), utcnow()
    session.flush()
    record(
        session,
        StaffAction.SHARE_CODE_REGENERATED,
        object_type="organisation",
        object_id=organisation_id,
        organisation_id=organisation_id,
    )
    return row.code


@dataclass(frozen=True, slots=True)
class ShareTarget:
    organisation_id: int
    name: str
    code: str


def find_organisation_by_code(session: Session, text: str) -> ShareTarget | None:
    """The organisation with this code, or None (unknown, or never a platform)."""
    code = normalise_code(text)
    if code is None:
        return None
    row = session.scalar(select(ShareCode).where(ShareCode.code == code))
    if row is None:
        return None
    organisation = session.get(Organisation, row.organisation_id)
    if organisation is None or not _can_receive(organisation):
        return None
    return ShareTarget(organisation.id, organisation.name, code)


@dataclass(frozen=True, slots=True)
class ShareInfo:
    id: str  # the share's public id
    organisation: str
    shared_at: datetime


def shares_of(session: Session, report: Report) -> list[ShareInfo]:
    """Who the young person shares this report with now."""
    rows = session.execute(
        select(ReportShare.public_id, Organisation.name, ReportShare.created_at)
        .join(Organisation, Organisation.id == ReportShare.organisation_id)
        .where(ReportShare.report_id == report.id, ReportShare.stopped_at.is_(None))
        .order_by(ReportShare.id)
    )
    return [ShareInfo(public_id, name, at) for public_id, name, at in rows]


def share_report(session: Session, report: Report, code_text: str) -> ShareInfo:
    """Share ``report`` with the organisation whose code this is (the young person chose)."""
    if report.erased_at is not None:
        raise SharingError(N_("This report has been deleted, so there is nothing to share."))
    target = find_organisation_by_code(session, code_text)
    if target is None:
        raise SharingError(NOT_FOUND)
    if target.organisation_id == report.organisation_id:
        raise SharingError(
            N_("%(name)s already looks after your report. No need to share it."),
            name=target.name,
        )
    for existing in shares_of(session, report):
        if existing.organisation == target.name:
            raise SharingError(N_("You already share your report with %(name)s."), name=target.name)
    share = ReportShare(report_id=report.id, organisation_id=target.organisation_id)
    session.add(share)
    session.flush()
    record(
        session,
        PublicAction.REPORT_SHARED,
        object_type="report",
        object_id=report.id,
        detail={"organisation": target.organisation_id, "share": share.id},
    )
    return ShareInfo(share.public_id, target.name, share.created_at)


def stop_sharing(session: Session, report: Report, share_id: str) -> bool:
    """Stop one share of this report, at once. Returns whether it changed."""
    share = session.scalar(
        select(ReportShare).where(
            ReportShare.public_id == share_id,
            ReportShare.report_id == report.id,
            ReportShare.stopped_at.is_(None),
        )
    )
    if share is None:
        return False
    share.stopped_at = utcnow()
    session.flush()
    record(
        session,
        PublicAction.SHARING_STOPPED,
        object_type="report",
        object_id=report.id,
        detail={"organisation": share.organisation_id, "share": share.id},
    )
    return True


def stop_all_sharing(session: Session, report_id: int) -> int:
    """Every share of the report stops (deleting a report does this too)."""
    rows = list(
        session.scalars(
            select(ReportShare).where(
                ReportShare.report_id == report_id, ReportShare.stopped_at.is_(None)
            )
        )
    )
    for share in rows:
        share.stopped_at = utcnow()
    session.flush()
    return len(rows)


# The staff side: reports shared with an organisation ----------------------------------------


@dataclass(frozen=True, slots=True)
class SharedSummary:
    id: str  # the share's public id
    shared_at: datetime
    from_organisation: str
    files: int
    links: int


def _live_shares(organisation_id: int) -> Select[ReportShare, Report]:
    return (
        select(ReportShare, Report)
        .join(Report, Report.id == ReportShare.report_id)
        .where(
            ReportShare.organisation_id == organisation_id,
            ReportShare.stopped_at.is_(None),
            Report.erased_at.is_(None),
        )
    )


def shared_with(session: Session, organisation_id: int) -> list[SharedSummary]:
    """Reports young people share with this organisation now, newest first (audited)."""
    rows = list(session.execute(_live_shares(organisation_id).order_by(ReportShare.id.desc())))
    owners = {
        org.id: org.name
        for org in session.scalars(
            select(Organisation).where(
                Organisation.id.in_({r.organisation_id for _, r in rows if r.organisation_id})
            )
        )
    }
    found = [
        SharedSummary(
            share.public_id,
            share.created_at,
            owners.get(report.organisation_id or 0, ""),
            len(report.hashes),
            len(report.urls),
        )
        for share, report in rows
    ]
    if found:
        record(
            session,
            CaseAction.SHARED_LISTED,
            object_type="reports",
            detail={"n": len(found)},
            organisation_id=organisation_id,
        )
    return found


@dataclass(frozen=True, slots=True)
class SharedItem:
    position: int
    kind: str  # image or video
    status: str  # active (blocked where platforms check), withdrawn, stopped, expired
    exact_only: bool
    platforms: list[PlatformWord]


@dataclass(frozen=True, slots=True)
class SharedLink:
    url: str
    host: str
    status: str  # the takedown place's status (reclaim.takedown.status.PlaceStatus)
    words: str  # what the young person reads about it, shown as it is


@dataclass(frozen=True, slots=True)
class SharedReportView:
    """What a young person shared: hashes' status, platform outcomes, links. Read-only; no
    reference, PIN, typed details, contact or feelings."""

    id: str
    shared_at: datetime
    from_organisation: str
    made_at: datetime
    blocked_on: int
    items: list[SharedItem]
    links: list[SharedLink]


def shared_report_view(
    session: Session, organisation_id: int, share_id: str
) -> SharedReportView | None:
    """The report shared with ``organisation_id`` under ``share_id``, or None when there is no
    such share for this organisation, it was stopped, or the report was deleted (treat as 404).
    Each read is audited (``case:shared-report:viewed``)."""
    row = session.execute(
        _live_shares(organisation_id).where(ReportShare.public_id == share_id)
    ).first()
    if row is None:
        return None
    share, report = row
    status = status_of(session, report)
    item_of = {link.id: link.item_id for link in report.hashes}
    said = platform_words(session, list(item_of.values()))
    owner = session.get(Organisation, report.organisation_id) if report.organisation_id else None
    record(
        session,
        CaseAction.SHARED_VIEWED,
        object_type="report",
        object_id=report.id,
        detail={"share": share.id},
        organisation_id=organisation_id,
    )
    return SharedReportView(
        id=share.public_id,
        shared_at=share.created_at,
        from_organisation=owner.name if owner else "",
        made_at=report.created_at,
        blocked_on=status.blocked_on,
        items=[
            SharedItem(h.position, h.kind, h.status, h.exact_only, said.get(item_of[h.id], []))
            for h in status.hashes
        ],
        links=[SharedLink(u.url, u.host, u.status, u.words) for u in status.urls],
    )
