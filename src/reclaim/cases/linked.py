"""A report a young person shared with the organisation, linked to a case.

Only a report the young person chose to share (:mod:`reclaim.reports.sharing`) can be linked,
and only by the organisation it is shared with. The case keeps the share, not the report: what
the case shows is read through the share each time (the hashes' status, what platforms said,
the links), so once the young person stops sharing (or deletes the report) the case shows only
that it is no longer shared. A place whose web address is one of the report's links is the
same place, and shows as such.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases import chronology
from reclaim.cases.commands import CaseError
from reclaim.cases.models import Case
from reclaim.reports.models import Report, ReportHash, ReportShare
from reclaim.reports.sharing import SharedReportView, SharedSummary, shared_report_view, shared_with
from reclaim.reports.status import status_of
from reclaim.reports.urls import UrlRejected, canonical_url

NOT_SHARED = "That report is not shared with your organisation (or no longer)."


def shared_reports(session: Session, user: StaffUser) -> list[SharedSummary]:
    """Reports young people share with ``user``'s organisation now, to choose one to link."""
    return shared_with(session, user.organisation_id)


def _share(session: Session, case: Case) -> ReportShare | None:
    if case.linked_share_id is None:
        return None
    return session.get(ReportShare, case.linked_share_id)


def link_share(session: Session, user: StaffUser, case: Case, share_id: str) -> None:
    """Link the report shared with the case's organisation under ``share_id`` (the share's
    public id), recorded in the chronology. Refused (CaseError) for anything not shared with
    the organisation now."""
    if case.status != "open":
        raise CaseError("This case is closed. Reopen it first to record more.")
    share = session.scalar(select(ReportShare).where(ReportShare.public_id == share_id))
    view = shared_report_view(session, case.organisation_id, share_id) if share else None
    if share is None or view is None:
        raise CaseError(NOT_SHARED)
    if case.linked_share_id == share.id:
        return
    case.linked_share_id = share.id
    session.flush()
    links = len(view.links)
    words = (
        f"Linked the report a young person shared on {view.shared_at:%Y-%m-%d}"
        + (f" (made with {view.from_organisation})" if view.from_organisation else "")
        + f": blocked on {view.blocked_on} service{'s' if view.blocked_on != 1 else ''}, "
        + f"{links} link{'s' if links != 1 else ''}."
    )
    entry = chronology.write(session, case, "report", words, by=user.id)
    record(
        session,
        CaseAction.REPORT_LINKED,
        object_type="case",
        object_id=case.id,
        detail={"share": share.id, "entry": entry.id},
    )


def unlink_share(session: Session, user: StaffUser, case: Case) -> bool:
    """Take the shared report off the case (the chronology keeps that it was linked)."""
    if case.linked_share_id is None:
        return False
    if case.status != "open":
        raise CaseError("This case is closed. Reopen it first to record more.")
    share_id = case.linked_share_id
    case.linked_share_id = None
    session.flush()
    entry = chronology.write(
        session, case, "report", "The young person's shared report was unlinked.", by=user.id
    )
    record(
        session,
        CaseAction.REPORT_UNLINKED,
        object_type="case",
        object_id=case.id,
        detail={"share": share_id, "entry": entry.id},
    )
    return True


def linked_view(session: Session, case: Case) -> SharedReportView | None:
    """What the linked share shows now; None when nothing is linked or it is no longer
    shared (stopped, or the report deleted). Reading it is audited by the sharing context."""
    share = _share(session, case)
    if share is None:
        return None
    return shared_report_view(session, case.organisation_id, share.public_id)


def same_place(url: str | None, view: SharedReportView | None) -> str | None:
    """What the shared report says about its link that is this place's web address (the words
    the young person reads), if it has one."""
    if not url or view is None:
        return None
    for link in view.links:
        try:
            if canonical_url(link.url) == url:
                return link.words or link.status
        except UrlRejected:
            continue
    return None


def note_blocked(session: Session, item_ids: Collection[int]) -> int:
    """A platform said Blocked for these items: each case linked to a share, still live, of a
    report holding one of them gets "blocked on N services" in its chronology (once per new
    count). Returns how many entries were written."""
    if not item_ids:
        return 0
    report_ids = set(
        session.scalars(select(ReportHash.report_id).where(ReportHash.item_id.in_(list(item_ids))))
    )
    if not report_ids:
        return 0
    written = 0
    rows = session.execute(
        select(Case, ReportShare)
        .join(ReportShare, ReportShare.id == Case.linked_share_id)
        .where(
            ReportShare.report_id.in_(report_ids),
            ReportShare.stopped_at.is_(None),
            ReportShare.organisation_id == Case.organisation_id,
        )
    ).all()
    for case, share in rows:
        report = session.get(Report, share.report_id)
        if report is None or report.erased_at is not None:
            continue
        count = status_of(session, report).blocked_on
        text = (
            f"The young person's report is blocked on {count} service{'s' if count != 1 else ''}."
        )
        earlier = [e.text for e in case.entries if e.kind == "report"]
        if text in earlier[-1:]:
            continue
        entry = chronology.write(session, case, "report", text, by=None)
        record(
            session,
            CaseAction.ENTRY_ADDED,
            object_type="case",
            object_id=case.id,
            detail={"entry": entry.id, "blocked_on": count},
            organisation_id=case.organisation_id,
        )
        written += 1
    return written
