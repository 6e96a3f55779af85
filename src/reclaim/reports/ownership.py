"""Which organisation a young person's report belongs to.

A report belongs to the intake organisation (``RECLAIM_INTAKE_ORGANISATION``, else the oldest
organisation that is not a platform) from the moment it is made. A fresh install takes reports
before any organisation exists, and reports made before migration 0005 had no owner: those are
assigned to the intake organisation the first time it is resolved, which happens on every new
report and every time staff list or open reports. Until then no staff member sees them.

Staff of any other organisation are told such a report does not exist (404, never 403).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reclaim.accounts.models import Organisation
from reclaim.accounts.staff import intake_organisation
from reclaim.audit.actions import ReportsAction
from reclaim.audit.recorder import record
from reclaim.reports.models import Report, ReportHash

#: Kept for callers of the older name.
ASSIGNED = ReportsAction.ASSIGNED


def resolve_intake(session: Session, intake_name: str) -> Organisation | None:
    """The intake organisation; reports still without an owner become its own now."""
    intake = intake_organisation(session, intake_name)
    if intake is None:
        return None
    unowned = list(session.scalars(select(Report.id).where(Report.organisation_id.is_(None))))
    if unowned:
        session.execute(
            update(Report)
            .where(Report.id.in_(unowned), Report.organisation_id.is_(None))
            .values(organisation_id=intake.id)
            .execution_options(synchronize_session="fetch")
        )
        # Their links' places in the takedown queue go with them.
        from reclaim.takedown.models import Place

        session.execute(
            update(Place)
            .where(Place.organisation_id.is_(None))
            .values(organisation_id=intake.id)
            .execution_options(synchronize_session="fetch")
        )
        record(
            session,
            ReportsAction.ASSIGNED,
            object_type="reports",
            detail={"reports": unowned, "organisation": intake.id},
            organisation_id=intake.id,
        )
    return intake


def report_for_staff(
    session: Session, organisation_id: int, public_id: str, intake_name: str
) -> Report | None:
    """The report with this staff-URL id if it belongs to ``organisation_id``, else None."""
    resolve_intake(session, intake_name)
    return session.scalar(
        select(Report).where(
            Report.public_id == public_id, Report.organisation_id == organisation_id
        )
    )


def item_reports_for_staff(
    session: Session, item_id: int, organisation_id: int
) -> list[tuple[str, str]]:
    """(reference, public_id) of the organisation's reports that added this item. A hash list
    is shared; which young person's report an item came from is not."""
    rows = session.execute(
        select(Report.reference, Report.public_id)
        .join(ReportHash, ReportHash.report_id == Report.id)
        .where(
            ReportHash.item_id == item_id,
            Report.organisation_id == organisation_id,
            Report.erased_at.is_(None),
        )
        .order_by(Report.id)
    )
    return [(reference, public_id) for reference, public_id in rows]
