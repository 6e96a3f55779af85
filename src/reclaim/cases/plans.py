"""Safety plans in a case: one per child, made with the child in their own words.

Every change is a new version (who, when); earlier versions stay readable. A child under 18
(or whose age is not known) needs a plan, or a recorded reason why there is none yet, before
the case can close (:func:`children_without_plan`, checked by ``close_case``). The child may
agree to see their plan on their status page, behind their reference and PIN: staff record
that consent, and its withdrawal; the status page then shows the plan and nothing else of the
case (:func:`copy_for_report`).

Nothing here scores, rates or ranks risk: the plan is the child's, in their words.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reclaim.accounts.models import StaffUser
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases import chronology
from reclaim.cases.access import visible_to
from reclaim.cases.commands import CaseError
from reclaim.cases.models import Case, Child, SafetyPlan, SafetyPlanVersion
from reclaim.cases.pathways import pathways_of
from reclaim.cases.safety_plan import (
    KEYS,
    MAX_STEP_TEXT,
    STEPS,
    PlanStep,
    lines_of,
    prefilled_professionals,
)
from reclaim.directory import Country
from reclaim.reports.models import ReportShare
from reclaim.storage.base import utcnow

MAX_REASON = 2000
#: Local pathways a child may be given in their plan (not the police or social care desks).
CHILD_PATHWAYS = ("dsl", "deputy", "camhs", "gp")


# Who needs a plan -----------------------------------------------------------------------------


def under_18(child: Child, today: date | None = None) -> bool:
    """Whether the child is under 18 today. A child whose date of birth is not known counts as
    under 18 (a year group alone says they are at school)."""
    if not child.date_of_birth:
        return True
    try:
        born = date.fromisoformat(child.date_of_birth)
    except ValueError:
        return True
    day = today or utcnow().date()
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age < 18


def in_place(plan: SafetyPlan | None) -> bool:
    """A plan with at least one version, or a recorded reason there is none yet."""
    return plan is not None and (bool(plan.versions) or bool(plan.no_plan_reason))


def _plans(session: Session, case_ids: Collection[int]) -> dict[int, SafetyPlan]:
    """Every plan of these cases, by child id."""
    if not case_ids:
        return {}
    rows = session.scalars(select(SafetyPlan).where(SafetyPlan.case_id.in_(list(case_ids))))
    return {plan.child_id: plan for plan in rows}


def children_without_plan(session: Session, case: Case) -> list[Child]:
    """The case's children under 18 with neither a safety plan nor a reason recorded."""
    plans = _plans(session, [case.id])
    return [c for c in case.children if under_18(c) and not in_place(plans.get(c.id))]


#: Open cases read at a time by :func:`without_plan`.
_BATCH = 500


def without_plan(session: Session, user: StaffUser) -> set[str]:
    """Every open case ``user`` may see that shows "no safety plan yet" (their public ids).

    All of them, read a batch at a time in id order: a child's date of birth is encrypted, so
    "under 18" is decided here, not in SQL."""
    found: set[str] = set()
    after = 0
    while True:
        batch = session.scalars(
            select(Case)
            .where(visible_to(user), Case.status == "open", Case.id > after)
            .order_by(Case.id)
            .options(selectinload(Case.children))
            .limit(_BATCH)
        ).all()
        if not batch:
            return found
        plans = _plans(session, [c.id for c in batch])
        found.update(
            case.public_id
            for case in batch
            if any(under_18(c) and not in_place(plans.get(c.id)) for c in case.children)
        )
        after = batch[-1].id


def refuse_close_without_plans(session: Session, case: Case) -> None:
    """``close_case`` asks this first: a clear error naming the children still missing one."""
    missing = children_without_plan(session, case)
    if missing:
        names = ", ".join(f"Child {c.label}" for c in missing)
        raise CaseError(
            f"No safety plan yet for {names}. Make one with the child, or record why there is "
            "none yet, before closing the case."
        )


# Changing a plan ------------------------------------------------------------------------------


def _child(case: Case, child_id: int) -> Child:
    child = next((c for c in case.children if c.id == child_id), None)
    if child is None:
        raise CaseError("That child is not in this case.")
    return child


def _open(case: Case) -> None:
    if case.status != "open":
        raise CaseError("This case is closed. Reopen it first to record more.")


def _plan_for(session: Session, case: Case, child: Child, *, create: bool) -> SafetyPlan | None:
    plan = session.scalar(select(SafetyPlan).where(SafetyPlan.child_id == child.id))
    if plan is None and create:
        plan = SafetyPlan(case=case, child_id=child.id)
        session.add(plan)
        session.flush()
    return plan


def save_plan(
    session: Session, user: StaffUser, case: Case, child_id: int, words: Mapping[str, str]
) -> SafetyPlanVersion:
    """A new version of the child's plan with these words (keys of
    :data:`reclaim.cases.safety_plan.KEYS`). Refused when nothing changed, or when all six
    steps are empty."""
    _open(case)
    child = _child(case, child_id)
    cleaned: dict[str, str | None] = {}
    for step in STEPS:
        text = (words.get(step.key) or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_STEP_TEXT:
            raise CaseError(f'"{step.title}" is too long (at most {MAX_STEP_TEXT} characters).')
        cleaned[step.key] = text or None
    if not any(cleaned[s.key] for s in STEPS if not s.optional and s.key != "professionals"):
        raise CaseError(
            "Write at least one step of the plan in the child's words (step 5 alone is the "
            "help lines)."
        )
    plan = _plan_for(session, case, child, create=True)
    assert plan is not None
    latest = plan.versions[-1] if plan.versions else None
    if latest is not None and all(getattr(latest, k) == cleaned[k] for k in KEYS):
        raise CaseError("Nothing changed: the plan is as it was.")
    number = (latest.number if latest else 0) + 1
    version = SafetyPlanVersion(plan=plan, number=number, made_by=user.id, **cleaned)
    session.add(version)
    session.flush()
    words_ = (
        f"Safety plan for Child {child.label} made with the child (version 1)."
        if number == 1
        else f"Safety plan for Child {child.label} changed (version {number})."
    )
    entry = chronology.write(session, case, "plan", words_, by=user.id)
    record(
        session,
        CaseAction.PLAN_SAVED,
        object_type="case",
        object_id=case.id,
        detail={"child": child.id, "version": number, "entry": entry.id},
    )
    return version


def record_no_plan_reason(
    session: Session, user: StaffUser, case: Case, child_id: int, reason: str
) -> None:
    """Why the child has no safety plan yet (who, when), in the chronology too."""
    _open(case)
    child = _child(case, child_id)
    why = (reason or "").strip()
    if not why:
        raise CaseError("Write why there is no safety plan yet, and when you will ask again.")
    if len(why) > MAX_REASON:
        raise CaseError(f"The reason is too long (at most {MAX_REASON} characters).")
    plan = _plan_for(session, case, child, create=True)
    assert plan is not None
    if plan.versions:
        raise CaseError(f"Child {child.label} has a safety plan: change it instead.")
    plan.no_plan_reason, plan.no_plan_by, plan.no_plan_at = why, user.id, utcnow()
    session.flush()
    entry = chronology.write(
        session, case, "plan", f"No safety plan for Child {child.label} yet. Why: {why}", by=user.id
    )
    record(
        session,
        CaseAction.NO_PLAN_REASON,
        object_type="case",
        object_id=case.id,
        detail={"child": child.id, "entry": entry.id},
    )


def give_consent(session: Session, user: StaffUser, case: Case, child_id: int) -> None:
    """The child agreed to see their plan on their status page (the report linked to this
    case). One child's plan per case at most: the linked report is one young person's."""
    _open(case)
    child = _child(case, child_id)
    plan = _plan_for(session, case, child, create=False)
    if plan is None or not plan.versions:
        raise CaseError("Make the plan with the child first.")
    if case.linked_share_id is None:
        raise CaseError(
            "Link the young person's shared report to this case first: the plan shows on that "
            "report's status page."
        )
    others = session.scalars(
        select(SafetyPlan).where(
            SafetyPlan.case_id == case.id,
            SafetyPlan.shown_to_child.is_(True),
            SafetyPlan.consent_share_id == case.linked_share_id,
            SafetyPlan.id != plan.id,
        )
    ).all()
    if others:
        raise CaseError(
            "Another child's plan already shows on the linked report's status page: withdraw "
            "that first."
        )
    if plan.shown_to_child and plan.consent_share_id == case.linked_share_id:
        return
    plan.shown_to_child, plan.consent_by, plan.consent_at = True, user.id, utcnow()
    plan.consent_share_id = case.linked_share_id
    session.flush()
    entry = chronology.write(
        session,
        case,
        "plan",
        f"Child {child.label} agreed to see their safety plan on their status page.",
        by=user.id,
    )
    record(
        session,
        CaseAction.PLAN_CONSENT_GIVEN,
        object_type="case",
        object_id=case.id,
        detail={"child": child.id, "entry": entry.id},
    )


def withdraw_consent(session: Session, user: StaffUser, case: Case, child_id: int) -> bool:
    """The plan no longer shows on the child's status page (also on a closed case: the child
    can change their mind at any time). Returns whether it was shown."""
    child = _child(case, child_id)
    plan = _plan_for(session, case, child, create=False)
    if plan is None or not plan.shown_to_child:
        return False
    plan.shown_to_child, plan.consent_by, plan.consent_at = False, None, None
    plan.consent_share_id = None
    session.flush()
    entry = chronology.write(
        session,
        case,
        "plan",
        f"Child {child.label}'s safety plan no longer shows on their status page "
        "(consent withdrawn).",
        by=user.id,
    )
    record(
        session,
        CaseAction.PLAN_CONSENT_WITHDRAWN,
        object_type="case",
        object_id=case.id,
        detail={"child": child.id, "entry": entry.id},
    )
    return True


# Reading --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """One child's line in the case page's "Safety plans" panel."""

    child_id: int
    label: str
    under_18: bool
    versions: int
    made_at: datetime | None
    made_by: str
    reason: str
    reason_by: str
    reason_at: datetime | None
    shown_to_child: bool
    consent_by: str
    consent_at: datetime | None

    @property
    def in_place(self) -> bool:
        return self.versions > 0 or bool(self.reason)

    @property
    def needed(self) -> bool:
        """Shows "no safety plan yet"."""
        return self.under_18 and not self.in_place


def _shown(plan: SafetyPlan | None, case: Case) -> bool:
    """Shown on the status page now: consent given for the report the case links now."""
    return (
        plan is not None
        and plan.shown_to_child
        and plan.consent_share_id is not None
        and plan.consent_share_id == case.linked_share_id
    )


def plan_summaries(session: Session, case: Case, names: Mapping[int, str]) -> list[PlanSummary]:
    """Each child's plan status (part of the case page, whose read is audited)."""
    plans = _plans(session, [case.id])
    found = []
    for child in case.children:
        plan = plans.get(child.id)
        latest = plan.versions[-1] if plan is not None and plan.versions else None
        found.append(
            PlanSummary(
                child_id=child.id,
                label=child.label,
                under_18=under_18(child),
                versions=len(plan.versions) if plan is not None else 0,
                made_at=latest.made_at if latest else None,
                made_by=names.get(latest.made_by or 0, "") if latest else "",
                reason=(plan.no_plan_reason or "") if plan is not None else "",
                reason_by=names.get(plan.no_plan_by or 0, "") if plan is not None else "",
                reason_at=plan.no_plan_at if plan is not None else None,
                shown_to_child=_shown(plan, case),
                consent_by=names.get(plan.consent_by or 0, "") if plan is not None else "",
                consent_at=plan.consent_at if plan is not None else None,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class VersionRow:
    number: int
    made_at: datetime
    made_by: str


@dataclass(frozen=True, slots=True)
class StepWords:
    step: PlanStep
    text: str

    @property
    def lines(self) -> list[str]:
        return lines_of(self.text)


@dataclass(frozen=True, slots=True)
class PlanView:
    """The staff page of one child's plan: a version (the newest unless asked), the list of
    versions, and the words to start the form with."""

    case_public_id: str
    case_number: int
    case_open: bool
    linked_report: bool
    summary: PlanSummary
    versions: list[VersionRow]
    shown: VersionRow | None
    steps: list[StepWords]  # of the version shown (empty when there is none)
    draft: dict[str, str]  # the form: the newest words, else the pre-filled step 5


def _words(version: SafetyPlanVersion | None) -> dict[str, str]:
    if version is None:
        return dict.fromkeys(KEYS, "")
    return {key: getattr(version, key) or "" for key in KEYS}


def plan_view(
    session: Session,
    case: Case,
    child_id: int,
    names: Mapping[int, str],
    *,
    version: int | None = None,
    prefill: str = "",
) -> PlanView | None:
    """One child's plan for staff (None: no such child, or no such version). The read is
    audited."""
    child = next((c for c in case.children if c.id == child_id), None)
    if child is None:
        return None
    plan = _plan_for(session, case, child, create=False)
    versions = list(plan.versions) if plan is not None else []
    chosen = versions[-1] if versions else None
    if version is not None:
        chosen = next((v for v in versions if v.number == version), None)
        if chosen is None:
            return None
    summary = next(s for s in plan_summaries(session, case, names) if s.child_id == child.id)
    draft = _words(versions[-1] if versions else None)
    if not versions:
        draft["professionals"] = prefill
    record(
        session,
        CaseAction.PLAN_VIEWED,
        object_type="case",
        object_id=case.id,
        detail={"child": child.id, "version": chosen.number if chosen else 0},
    )
    rows = [VersionRow(v.number, v.made_at, names.get(v.made_by or 0, "")) for v in versions]
    return PlanView(
        case_public_id=case.public_id,
        case_number=case.number,
        case_open=case.status == "open",
        linked_report=case.linked_share_id is not None,
        summary=summary,
        versions=rows,
        shown=next((r for r in rows if chosen and r.number == chosen.number), None),
        steps=[StepWords(s, getattr(chosen, s.key) or "") for s in STEPS] if chosen else [],
        draft=draft,
    )


@dataclass(frozen=True, slots=True)
class ChildCopy:
    """The child's copy: the newest version's words, step by step, as the child wrote them.
    Nothing else of the case (no name, no label, no case number)."""

    made_at: datetime
    steps: dict[str, list[str]]  # by step key, the child's lines


def _copy(version: SafetyPlanVersion) -> ChildCopy:
    return ChildCopy(
        made_at=version.made_at, steps={key: lines_of(getattr(version, key) or "") for key in KEYS}
    )


def child_copy(session: Session, case: Case, child_id: int) -> ChildCopy | None:
    """The printable child's copy, for staff to print or send (audited)."""
    child = next((c for c in case.children if c.id == child_id), None)
    plan = _plan_for(session, case, child, create=False) if child is not None else None
    if child is None or plan is None or not plan.versions:
        return None
    record(
        session,
        CaseAction.PLAN_COPY_VIEWED,
        object_type="case",
        object_id=case.id,
        detail={"child": child.id, "version": plan.versions[-1].number},
    )
    return _copy(plan.versions[-1])


def copy_for_report(session: Session, report_id: int) -> ChildCopy | None:
    """The plan to show on this report's status page: only when a case of the organisation
    the young person shares the report with (still sharing) links that share, and the child's
    consent is recorded. The showing is audited, for the case's organisation."""
    row = session.execute(
        select(Case, SafetyPlan)
        .join(ReportShare, ReportShare.id == Case.linked_share_id)
        .join(SafetyPlan, SafetyPlan.case_id == Case.id)
        .where(
            SafetyPlan.consent_share_id == Case.linked_share_id,
            ReportShare.report_id == report_id,
            ReportShare.stopped_at.is_(None),
            ReportShare.organisation_id == Case.organisation_id,
            SafetyPlan.shown_to_child.is_(True),
        )
        .order_by(SafetyPlan.consent_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    case, plan = row
    if not plan.versions:
        return None
    record(
        session,
        CaseAction.PLAN_SHOWN,
        object_type="case",
        object_id=case.id,
        detail={"child": plan.child_id, "version": plan.versions[-1].number},
        organisation_id=case.organisation_id,
    )
    return _copy(plan.versions[-1])


def prefill(session: Session, organisation_id: int, place: Country) -> str:
    """Step 5's first draft for a new plan: the organisation's own contacts a child may be
    given (the DSL and deputies, CAMHS or the school nurse, the GP), then the help
    directory's lines for ``place`` (999, Childline, Samaritans, Shout ... in the UK)."""
    local = [
        (c.what, c.name, c.contact)
        for c in pathways_of(session, organisation_id)
        if c.kind in CHILD_PATHWAYS
    ]
    return prefilled_professionals(place, local)
