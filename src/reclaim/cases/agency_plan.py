"""The multi-agency plan around a child on a safeguarding case (issue 13, item 3).

"Regardless of how robust they appear, a multi-agency suicide prevention plan should be
developed immediately", and "always seek help from professionals like their doctor". The plan
is part of the case record: actions, each with an agency (school, GP, CAMHS, children's social
care, police, parents or carers, other), a named owner, a due date and a status; reviews on set
dates, each recorded with who came and what changed; and the GP decision, which the DSL makes
either by adding a GP action or by recording why the GP is not involved. Nothing here scores a
child's risk (NICE NG225): the plan is what people will do, and when they will look again.

Dates become tasks (:mod:`reclaim.cases.commands`), so their owners are reminded by email when
they fall due (:func:`reclaim.cases.alerts.remind_owner`): the next review is a task for the
colleague who will hold it (``origin="plan_review"``); recording the review completes it and
sets the next. An action owned by a colleague, with a due date, is a task for them too
(``origin="plan_action"``), done when the action is done or not going ahead. An owner outside
the organisation (a GP, a CAMHS worker) is a name only: they get no email from Reclaim.

Every change is a chronology entry (``kind="agency"``) and an audit event, in the same
transaction; reading the plan is reading the case (audited by :func:`reclaim.cases.case_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases import chronology
from reclaim.cases.alerts import remind_owner, stop_reminding
from reclaim.cases.commands import (
    MAX_TEXT,
    CaseError,
    _choice,
    _open,
    _optional,
    _text,
    add_task,
    complete_task,
    hand_over_task,
    move_task,
)
from reclaim.cases.models import Case, PlanAction, PlanGpDecision, PlanReview, Task
from reclaim.cases.views import staff_names
from reclaim.storage.base import utcnow

#: Who an action is for, in the order the form lists them.
PLAN_AGENCIES = {
    "school": "School",
    "gp": "GP (the child's doctor)",
    "camhs": "CAMHS",
    "social_care": "Children's social care",
    "police": "Police",
    "parents": "Parents or carers",
    "other": "Other",
}

PLAN_STATUSES = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "not_going_ahead": "Not going ahead",
}

#: The standard GP action the DSL adds (or records why not).
GP_STANDARD_ACTION = (
    "Tell the child's GP what has happened (with the child's agreement where it is safe), so "
    "the practice can offer support and follow-up, even if the child seems to be coping."
)

REVIEW_TASK = "Review the multi-agency plan"
REVIEW_ORIGIN = "plan_review"
ACTION_ORIGIN = "plan_action"


def _at_nine(day: date) -> datetime:
    """A date's task is due at 09:00 UTC that day (as referral follow-ups are)."""
    return datetime.combine(day, time(9), tzinfo=UTC)


def _staff_in(session: Session, case: Case, staff_id: int | None) -> StaffUser | None:
    if staff_id is None:
        return None
    other = session.get(StaffUser, staff_id)
    if other is None or other.organisation_id != case.organisation_id:
        raise CaseError("Choose someone in your organisation.")
    return other


def _who(user: StaffUser | None, name: str | None) -> str:
    colleague = (user.display_name or user.username) if user is not None else ""
    if colleague and name:
        return f"{name} ({colleague})"
    return name or colleague


def _child_words(case: Case, child_id: int | None) -> str:
    child = next((c for c in case.children if c.id == child_id), None)
    return f"Child {child.label}" if child is not None else "the whole case"


def actions_of(session: Session, case: Case) -> list[PlanAction]:
    return list(
        session.scalars(
            select(PlanAction).where(PlanAction.case_id == case.id).order_by(PlanAction.id)
        )
    )


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def find_plan_action(session: Session, case: Case, action_id: int) -> PlanAction | None:
    """The action with this id if it is in ``case``'s plan."""
    return session.scalar(
        select(PlanAction).where(PlanAction.id == action_id, PlanAction.case_id == case.id)
    )


def _agency_words(action: PlanAction) -> str:
    return action.agency_name or PLAN_AGENCIES.get(action.agency, action.agency)


# Actions --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewPlanAction:
    agency: str
    what: str
    owner_name: str = ""
    owner_id: int | None = None
    due_on: date | None = None
    child_id: int | None = None
    agency_name: str = ""


def add_plan_action(
    session: Session, user: StaffUser, case: Case, new: NewPlanAction
) -> PlanAction:
    """An action in the plan. A colleague who owns it, with a due date, gets a task."""
    _open(case)
    _choice(new.agency, PLAN_AGENCIES, "the agency")
    agency_name = _optional(new.agency_name, "the agency's name")
    if new.agency == "other" and not agency_name:
        raise CaseError("Write the name of the agency.")
    what = _text(new.what, "what will be done", required=True, limit=MAX_TEXT)
    owner_name = _optional(new.owner_name, "the owner's name")
    colleague = _staff_in(session, case, new.owner_id)
    if not owner_name and colleague is None:
        raise CaseError("Write who owns the action (a named person), or choose a colleague.")
    if new.child_id is not None and all(c.id != new.child_id for c in case.children):
        raise CaseError("Choose a child of this case, or the whole case.")
    action = PlanAction(
        case_id=case.id,
        child_id=new.child_id,
        agency=new.agency,
        agency_name=agency_name,
        owner_name=owner_name,
        owner_id=colleague.id if colleague is not None else None,
        what=what,
        due_on=new.due_on,
        status="planned",
        created_by=user.id,
        updated_by=user.id,
    )
    session.add(action)
    session.flush()
    words = (
        f"Plan action added for {_child_words(case, new.child_id)}: "
        f"{_agency_words(action)}. {what} Owner: {_who(colleague, owner_name)}."
    )
    if new.due_on is not None:
        words += f" Due {new.due_on.isoformat()}."
    chronology.write(session, case, "agency", words, by=user.id)
    record(
        session,
        CaseAction.PLAN_ACTION_ADDED,
        object_type="case",
        object_id=case.id,
        detail={"action": action.id, "agency": new.agency},
    )
    _task_for(session, user, case, action)
    return action


def _task_for(session: Session, user: StaffUser, case: Case, action: PlanAction) -> None:
    """Keep the colleague's task in step with the action (its due date, its end)."""
    task = session.get(Task, action.task_id) if action.task_id is not None else None
    finished = action.status in ("done", "not_going_ahead")
    if task is not None and task.done_at is None:
        if finished:
            complete_task(session, user, case, task)
        elif action.due_on is not None:
            move_task(session, user, case, task, _at_nine(action.due_on))
        return
    if finished or action.owner_id is None or action.due_on is None:
        return
    task = add_task(
        session,
        user,
        case,
        title=f"Plan action ({_agency_words(action)}): {action.what}"[:300],
        owner_id=action.owner_id,
        due_at=_at_nine(action.due_on),
        origin=ACTION_ORIGIN,
    )
    action.task_id = task.id
    session.flush()


def _hand_over(session: Session, user: StaffUser, case: Case, action: PlanAction) -> None:
    """An open task for the action follows it to its new owner: a colleague, or else the
    person who handed it over (to follow up with the named owner outside Reclaim)."""
    task = session.get(Task, action.task_id) if action.task_id is not None else None
    if task is not None and task.done_at is None:
        hand_over_task(session, user, case, task, action.owner_id or user.id)


def update_plan_action(
    session: Session,
    user: StaffUser,
    case: Case,
    action: PlanAction,
    *,
    status: str,
    note: str = "",
    due_on: date | None = None,
    owner_name: str = "",
    owner_id: int | None = None,
) -> bool:
    """A new status (with a note; the reason is required for "not going ahead"), a new due
    date and/or a new owner (``owner_name`` and/or ``owner_id``; both empty: unchanged). A
    colleague's open task for the action goes to the new owner if they are a colleague, or
    else to ``user``, who follows it up. Returns whether anything changed."""
    _open(case)
    if action.case_id != case.id:
        raise CaseError("That action is not in this case's plan.")
    _choice(status, PLAN_STATUSES, "where the action stands")
    why = _text(note, "why it is not going ahead", required=status == "not_going_ahead")
    moved = due_on is not None and due_on != action.due_on
    new_name = _optional(owner_name, "the owner's name") or ""
    colleague = _staff_in(session, case, owner_id)
    before_colleague = session.get(StaffUser, action.owner_id) if action.owner_id else None
    old_owner = _who(before_colleague, action.owner_name)  # whoever it was, even if gone since
    handed = (bool(new_name) or colleague is not None) and (
        new_name != (action.owner_name or "")
        or (colleague.id if colleague is not None else None) != action.owner_id
    )
    if status == action.status and not moved and not why and not handed:
        return False
    before = action.status
    action.status = status
    action.status_note = why or None
    if moved:
        action.due_on = due_on
    if handed:
        action.owner_name = new_name or None
        action.owner_id = colleague.id if colleague is not None else None
    action.updated_by = user.id
    session.flush()
    words = f"Plan action ({_agency_words(action)}, {old_owner or 'a colleague'})"
    changes = []
    if status != before:
        changes.append(f"{PLAN_STATUSES[before]} to {PLAN_STATUSES[status]}.")
    if handed:
        changes.append(f"Owner now {_who(colleague, new_name)}.")
    if moved and due_on is not None:
        changes.append(f"Due {due_on.isoformat()}.")
    if why:
        changes.append(f"Note: {why}")
    words += ": " + " ".join(changes or [f"still {PLAN_STATUSES[status]}."])
    chronology.write(session, case, "agency", words, by=user.id)
    record(
        session,
        CaseAction.PLAN_ACTION_UPDATED,
        object_type="case",
        object_id=case.id,
        detail={"action": action.id, "status": status},
    )
    if handed:
        _hand_over(session, user, case, action)
    _task_for(session, user, case, action)
    return True


# Reviews --------------------------------------------------------------------------------------


def open_review_tasks(session: Session, case: Case) -> list[Task]:
    return list(
        session.scalars(
            select(Task)
            .where(Task.case_id == case.id, Task.origin == REVIEW_ORIGIN, Task.done_at.is_(None))
            .order_by(Task.due_at)
        )
    )


def schedule_review(
    session: Session, user: StaffUser, case: Case, on: date, owner_id: int | None = None
) -> Task:
    """The plan's next review: a task (with its reminder) for ``owner_id`` (else ``user``).
    A review already set is moved, not doubled."""
    _open(case)
    owner = _staff_in(session, case, owner_id) or user
    due = _at_nine(on)
    waiting = open_review_tasks(session, case)
    if waiting:
        task = waiting[0]
        handed_over = task.owner_id != owner.id
        if handed_over:
            stop_reminding(session, case, task)
            task.owner_id = owner.id
            session.flush()
        if not move_task(session, user, case, task, due) and handed_over:
            remind_owner(session, case, task)
    else:
        task = add_task(
            session,
            user,
            case,
            title=REVIEW_TASK,
            owner_id=owner.id,
            due_at=due,
            origin=REVIEW_ORIGIN,
        )
    chronology.write(
        session,
        case,
        "agency",
        f"Next review of the plan: {on.isoformat()}, held by {_who(owner, None)}.",
        by=user.id,
    )
    record(
        session,
        CaseAction.PLAN_REVIEW_SCHEDULED,
        object_type="case",
        object_id=case.id,
        detail={"task": task.id},
    )
    return task


def record_review(
    session: Session,
    user: StaffUser,
    case: Case,
    *,
    held_on: date,
    changed: str,
    attended: str = "",
    next_review_on: date | None = None,
    owner_id: int | None = None,
) -> PlanReview:
    """A review held: who came and what changed (required: "nothing changed" is an answer).
    Its task is done; the next review date, if given, is the next task."""
    _open(case)
    what = _text(changed, "what changed at the review", required=True)
    who = _optional(attended, "who attended", MAX_TEXT)
    if held_on > utcnow().date():
        raise CaseError("A review is recorded once it has been held: the date is in the future.")
    if next_review_on is not None and next_review_on < held_on:
        raise CaseError("The next review comes after this one.")
    review = PlanReview(
        case_id=case.id,
        held_on=held_on,
        attended=who,
        changed=what,
        next_review_on=next_review_on,
        recorded_by=user.id,
    )
    session.add(review)
    session.flush()
    words = f"Plan review held on {held_on.isoformat()}."
    if who:
        words += f" Attended: {who}."
    words += f" What changed: {what}"
    chronology.write(session, case, "agency", words, by=user.id)
    record(
        session,
        CaseAction.PLAN_REVIEW_RECORDED,
        object_type="case",
        object_id=case.id,
        detail={"review": review.id},
    )
    for task in open_review_tasks(session, case):
        complete_task(session, user, case, task)
    if next_review_on is not None:
        schedule_review(session, user, case, next_review_on, owner_id)
    return review


# The GP ---------------------------------------------------------------------------------------


def record_gp_reason(session: Session, user: StaffUser, case: Case, reason: str) -> PlanGpDecision:
    """Why the child's GP is not part of the plan (the newest reason counts)."""
    _open(case)
    why = _text(reason, "why the GP is not involved", required=True)
    decision = PlanGpDecision(case_id=case.id, reason=why, decided_by=user.id)
    session.add(decision)
    session.flush()
    chronology.write(
        session, case, "agency", f"The GP is not part of the plan. Why: {why}", by=user.id
    )
    record(
        session,
        CaseAction.PLAN_GP_REASON,
        object_type="case",
        object_id=case.id,
        detail={"decision": decision.id},
    )
    return decision


def gp_decided(session: Session, case: Case) -> bool:
    """Whether the DSL has decided about the GP: a GP action is in the plan (whatever its
    status: "not going ahead" carries its reason), or a reason why not is recorded. For a
    check before closing; Reclaim itself does not block closing on it."""
    has_action = exists().where(PlanAction.case_id == case.id, PlanAction.agency == "gp")
    has_reason = exists().where(PlanGpDecision.case_id == case.id)
    return bool(session.scalar(select(has_action | has_reason)))


# What pages show ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanActionRow:
    id: int
    agency: str
    agency_words: str
    child: str
    owner: str
    what: str
    due_on: date | None
    overdue: bool
    status: str
    status_words: str
    status_note: str
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PlanReviewRow:
    id: int
    held_on: date
    attended: str
    changed: str
    next_review_on: date | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class NextReview:
    task_id: int
    due_at: datetime
    owner: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class AgencyPlanView:
    actions: list[PlanActionRow]
    reviews: list[PlanReviewRow]  # newest first
    next_review: NextReview | None
    gp_decided: bool
    gp_words: str  # "GP: not yet decided", "GP: in the plan (Planned)", ...
    gp_reason: str
    gp_reason_by: str
    gp_reason_at: datetime | None
    agencies: dict[str, str]
    statuses: dict[str, str]
    gp_standard: str

    @property
    def open_actions(self) -> int:
        return sum(1 for a in self.actions if a.status in ("planned", "in_progress"))


def agency_plan_view(session: Session, case: Case) -> AgencyPlanView:
    """The case's plan as plain values. The caller has audited reading the case."""
    names = staff_names(session, case.organisation_id)
    today = utcnow().date()
    actions = actions_of(session, case)
    rows = [
        PlanActionRow(
            id=a.id,
            agency=a.agency,
            agency_words=_agency_words(a),
            child=_sentence(_child_words(case, a.child_id)),
            owner=(
                f"{a.owner_name} ({names[a.owner_id]})"
                if a.owner_name and a.owner_id in names
                else a.owner_name or names.get(a.owner_id or 0, "")
            ),
            what=a.what,
            due_on=a.due_on,
            overdue=a.due_on is not None
            and a.due_on < today
            and a.status in ("planned", "in_progress"),
            status=a.status,
            status_words=PLAN_STATUSES.get(a.status, a.status),
            status_note=a.status_note or "",
            created_by=names.get(a.created_by or 0, ""),
            created_at=a.created_at,
            updated_by=names.get(a.updated_by or 0, ""),
            updated_at=a.updated_at,
        )
        for a in actions
    ]
    reviews = [
        PlanReviewRow(
            id=r.id,
            held_on=r.held_on,
            attended=r.attended or "",
            changed=r.changed,
            next_review_on=r.next_review_on,
            recorded_by=names.get(r.recorded_by or 0, ""),
            recorded_at=r.recorded_at,
        )
        for r in session.scalars(
            select(PlanReview)
            .where(PlanReview.case_id == case.id)
            .order_by(PlanReview.held_on.desc(), PlanReview.id.desc())
        )
    ]
    waiting = open_review_tasks(session, case)
    next_review = (
        NextReview(
            task_id=waiting[0].id,
            due_at=waiting[0].due_at,
            owner=names.get(waiting[0].owner_id or 0, "nobody"),
            overdue=waiting[0].due_at <= utcnow(),
        )
        if waiting
        else None
    )
    reason = session.scalars(
        select(PlanGpDecision)
        .where(PlanGpDecision.case_id == case.id)
        .order_by(PlanGpDecision.id.desc())
        .limit(1)
    ).first()
    gp_rows = [r for r in rows if r.agency == "gp"]
    going = [r for r in gp_rows if r.status != "not_going_ahead"]
    if going:
        words = "GP: in the plan (" + ", ".join(r.status_words.lower() for r in going) + ")"
    elif reason is not None:
        words = "GP: not involved, with the reason recorded"
    elif gp_rows:
        words = "GP: the action is not going ahead, with the reason recorded"
    else:
        words = "GP: not yet decided"
    return AgencyPlanView(
        actions=rows,
        reviews=reviews,
        next_review=next_review,
        gp_decided=bool(gp_rows) or reason is not None,
        gp_words=words,
        gp_reason=reason.reason if reason is not None else "",
        gp_reason_by=names.get(reason.decided_by or 0, "") if reason is not None else "",
        gp_reason_at=reason.decided_at if reason is not None else None,
        agencies=PLAN_AGENCIES,
        statuses=PLAN_STATUSES,
        gp_standard=GP_STANDARD_ACTION,
    )
