"""How long a case is kept, legal holds, and erasure.

A closed case is deleted once its organisation's retention period has passed since it closed
(``RECLAIM_CASE_RETENTION_YEARS``, or the organisation's own number of years), unless it is on
legal hold. Erasure on request deletes a case at once (never one on hold). Either way the
case's rows go and its audit events keep only what the chain needs: their personal fields are
blanked (``redact``), so `reclaim audit verify` still says OK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import acting_as, record, redact
from reclaim.cases import chronology
from reclaim.cases.alerts import forget_case
from reclaim.cases.commands import CaseError
from reclaim.cases.models import Case, CasePolicy
from reclaim.storage.base import utcnow
from reclaim.takedown.places import forget_case as forget_takedown_sources

MAX_RETENTION_YEARS = 100


def retention_years(session: Session, organisation_id: int, default: int) -> int:
    """The organisation's own retention period, or the installation's default."""
    policy = session.get(CasePolicy, organisation_id)
    if policy is not None and policy.retention_years is not None:
        return policy.retention_years
    return default


def own_retention(session: Session, organisation_id: int) -> int | None:
    """The organisation's own retention period (None: it uses the installation's default)."""
    policy = session.get(CasePolicy, organisation_id)
    return policy.retention_years if policy is not None else None


def set_retention(session: Session, organisation_id: int, years: int | None) -> None:
    """Years to keep a closed case (None: the installation's default)."""
    if years is not None and not 1 <= years <= MAX_RETENTION_YEARS:
        raise CaseError(f"Keep closed cases for 1 to {MAX_RETENTION_YEARS} years.")
    policy = session.get(CasePolicy, organisation_id)
    if policy is None:
        policy = CasePolicy(organisation_id=organisation_id)
        session.add(policy)
    policy.retention_years = years
    session.flush()


def _years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def delete_after(case: Case, years: int) -> datetime | None:
    """When a closed case becomes due for deletion (None: open, or on legal hold)."""
    if case.status != "closed" or case.closed_at is None or case.legal_hold:
        return None
    return _years_later(case.closed_at, years)


def set_legal_hold(
    session: Session, user: StaffUser, case: Case, *, hold: bool, reason: str
) -> None:
    """Put a case on legal hold (nothing deletes it) or lift the hold, with the reason."""
    why = (reason or "").strip()
    if not why:
        raise CaseError(
            "Write the reason for the legal hold."
            if hold
            else "Write why the legal hold can be lifted."
        )
    if len(why) > 1000:
        raise CaseError("The reason is too long (at most 1000 characters).")
    if case.legal_hold == hold:
        return
    case.legal_hold, case.legal_hold_reason = hold, why if hold else None
    session.flush()
    words = f"Legal hold {'set' if hold else 'lifted'}. Why: {why}"
    chronology.write(session, case, "status", words, by=user.id)
    record(
        session,
        CaseAction.LEGAL_HOLD_SET if hold else CaseAction.LEGAL_HOLD_LIFTED,
        object_type="case",
        object_id=case.id,
    )


@dataclass(frozen=True, slots=True)
class Removed:
    case_id: int
    organisation_id: int
    number: int


def _delete(session: Session, case: Case, *, purged: bool) -> Removed:
    gone = Removed(case.id, case.organisation_id, case.number)
    forget_case(session, case)
    forget_takedown_sources(session, case.public_id)
    session.delete(case)
    session.flush()
    redact(session, object_type="case", object_id=str(gone.case_id))
    with acting_as(client_address=None):
        record(
            session,
            CaseAction.PURGED if purged else CaseAction.ERASED,
            object_type="case",
            object_id=gone.case_id,
            organisation_id=gone.organisation_id,
        )
    return gone


def erase_case(session: Session, case: Case) -> Removed:
    """Delete a case now, on request (for example a subject's right to erasure, where the law
    allows it). Refused while the case is on legal hold."""
    if case.legal_hold:
        raise CaseError("This case is on legal hold: lift the hold before erasing it.")
    return _delete(session, case, purged=False)


def _expired(session: Session, default_years: int, now: datetime | None) -> list[Case]:
    moment = now or utcnow()
    years: dict[int, int] = {}
    found = []
    closed = session.scalars(
        select(Case).where(Case.status == "closed", Case.legal_hold.is_(False)).order_by(Case.id)
    ).all()
    for case in closed:
        if case.organisation_id not in years:
            years[case.organisation_id] = retention_years(
                session, case.organisation_id, default_years
            )
        due = delete_after(case, years[case.organisation_id])
        if due is not None and due <= moment:
            found.append(case)
    return found


def count_expired(session: Session, default_years: int, now: datetime | None = None) -> int:
    """How many closed cases :func:`purge_expired` would delete now (nothing is changed)."""
    return len(_expired(session, default_years, now))


def purge_expired(
    session: Session, default_years: int, now: datetime | None = None
) -> list[Removed]:
    """Delete every closed case past its organisation's retention period, unless on hold."""
    return [_delete(session, case, purged=True) for case in _expired(session, default_years, now)]
