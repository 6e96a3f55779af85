"""Who may see and do what with a case.

A case belongs to exactly one organisation; nobody outside it ever sees it (to them it does
not exist), and a platform's staff never see case data at all. Within the organisation:
``safeguarding:lead`` (dsl, admin) reads and acts on every case; ``safeguarding:view``
(viewer) reads every case and changes nothing; ``safeguarding:work`` (caseworker) reads and
acts on the cases they opened or are assigned to, and no others.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.accounts.roles import OrganisationKind, Permission, can
from reclaim.cases.models import Case


@dataclass(frozen=True, slots=True)
class CaseAccess:
    """What this staff member may do with one case."""

    edit: bool  # record steps, places, referrals, tasks, notes
    lead: bool  # assign, close, reopen, legal hold, erase


def uses_cases(user: StaffUser) -> bool:
    """Whether the case pages are for this person at all."""
    return user.organisation.kind != OrganisationKind.PLATFORM and any(
        can(user.role, p)
        for p in (
            Permission.VIEW_SAFEGUARDING,
            Permission.WORK_SAFEGUARDING,
            Permission.LEAD_SAFEGUARDING,
        )
    )


def may_open(user: StaffUser) -> bool:
    """Whether this person may open a case (caseworkers, DSLs, admins; never a viewer)."""
    return uses_cases(user) and can(user.role, Permission.WORK_SAFEGUARDING)


def leads(user: StaffUser) -> bool:
    return uses_cases(user) and can(user.role, Permission.LEAD_SAFEGUARDING)


def visible_to(user: StaffUser) -> ColumnElement[bool]:
    """The condition on ``Case`` rows this person may read."""
    if not uses_cases(user):
        return false()
    mine = Case.organisation_id == user.organisation_id
    if can(user.role, Permission.LEAD_SAFEGUARDING) or can(user.role, Permission.VIEW_SAFEGUARDING):
        return mine
    return mine & or_(Case.opened_by == user.id, Case.assigned_to == user.id)


def access_to(user: StaffUser, case: Case) -> CaseAccess | None:
    """What ``user`` may do with ``case``, or None if they may not see it."""
    if not uses_cases(user) or case.organisation_id != user.organisation_id:
        return None
    if can(user.role, Permission.LEAD_SAFEGUARDING):
        return CaseAccess(edit=True, lead=True)
    if can(user.role, Permission.WORK_SAFEGUARDING) and user.id in (
        case.opened_by,
        case.assigned_to,
    ):
        return CaseAccess(edit=True, lead=False)
    if can(user.role, Permission.VIEW_SAFEGUARDING):
        return CaseAccess(edit=False, lead=False)
    return None


def case_for(session: Session, user: StaffUser, public_id: str) -> Case | None:
    """The case with this staff-URL id if ``user`` may see it, else None (never "exists")."""
    return session.scalar(select(Case).where(Case.public_id == public_id, visible_to(user)))
