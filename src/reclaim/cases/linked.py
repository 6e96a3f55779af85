"""Events of a linked young person's report, written into the case's chronology."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.audit.recorder import record
from reclaim.cases import chronology
from reclaim.cases.actions import CaseAction
from reclaim.cases.models import Case
from reclaim.reports.models import Report, ReportHash
from reclaim.reports.service import status_of


def note_blocked(session: Session, item_ids: Collection[int]) -> int:
    """A platform said Blocked for these items: each case linked to a report holding one of
    them gets "blocked on N services" in its chronology (once per new count). Returns how
    many entries were written."""
    if not item_ids:
        return 0
    report_ids = set(
        session.scalars(select(ReportHash.report_id).where(ReportHash.item_id.in_(list(item_ids))))
    )
    if not report_ids:
        return 0
    written = 0
    for case in session.scalars(select(Case).where(Case.linked_report_id.in_(report_ids))):
        report = session.get(Report, case.linked_report_id)
        if report is None or report.erased_at is not None:
            continue
        count = status_of(session, report).blocked_on
        text = (
            f"The young person's report is blocked on {count} service{'s' if count != 1 else ''}."
        )
        earlier = [e.text for e in case.entries if e.kind == "report"]
        if earlier and earlier[-1] == text:
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
