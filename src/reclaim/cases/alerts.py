"""Telling people when a case becomes urgent.

For now: one email per staff member who can see the case (its organisation's leads and
viewers, and the caseworker who opened it or is assigned to it), queued through the outbox in
the case's transaction. The email says only that a case has become urgent and where to sign
in. An on-call rota with acknowledgement and escalation will take this function's place.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.accounts.roles import Permission, Role, can
from reclaim.audit.recorder import record
from reclaim.cases.actions import CaseAction
from reclaim.cases.models import Case
from reclaim.notify.models import Notification
from reclaim.notify.outbox import wake_after_commit

URGENT_CASE = "urgent-case"


def _recipients(session: Session, case: Case) -> list[int]:
    everyone = [
        r.value
        for r in Role
        if can(r, Permission.LEAD_SAFEGUARDING) or can(r, Permission.VIEW_SAFEGUARDING)
    ]
    workers = [r.value for r in Role if can(r, Permission.WORK_SAFEGUARDING)]
    theirs = [i for i in (case.opened_by, case.assigned_to) if i is not None]
    return list(
        session.scalars(
            select(StaffUser.id)
            .where(
                StaffUser.organisation_id == case.organisation_id,
                StaffUser.disabled_at.is_(None),
                StaffUser.email.is_not(None),
                or_(
                    StaffUser.role.in_(everyone),
                    StaffUser.role.in_(workers) & StaffUser.id.in_(theirs),
                ),
            )
            .order_by(StaffUser.id)
        )
    )


def alert_on_call(session: Session, case: Case) -> int:
    """The case has just become urgent: alert the people who can act on it. Returns how many
    alerts were queued (0: nobody has an email address; the case page still shows it)."""
    people = _recipients(session, case)
    for staff_user_id in people:
        session.add(
            Notification(
                case_id=case.id,
                reason=URGENT_CASE,
                organisation_id=case.organisation_id,
                staff_user_id=staff_user_id,
            )
        )
    if people:
        session.flush()
        wake_after_commit(session)
    record(
        session,
        CaseAction.ON_CALL_ALERTED,
        object_type="case",
        object_id=case.id,
        detail={"staff": people},
    )
    return len(people)
