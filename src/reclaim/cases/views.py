"""What case pages and exports show, as plain values (nothing loads lazily later).

Reading a case is auditing it: :func:`case_view` records ``case:case:viewed`` (or the action
the caller names, such as an export), and :func:`list_cases` records the listing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases import review
from reclaim.cases.access import CaseAccess, access_to, visible_to
from reclaim.cases.commands import latest_answers
from reclaim.cases.linked import linked_view, same_place
from reclaim.cases.models import Case, Task
from reclaim.cases.pathways import Contact, pathways_of
from reclaim.cases.wording import (
    AGENCIES,
    ENTRY_KINDS,
    PLACE_KINDS,
    PLACE_STATUSES,
    ROLES,
    SOURCES,
)
from reclaim.reports.sharing import SharedReportView
from reclaim.storage.base import utcnow
from reclaim.takedown.models import Place as TakedownPlace
from reclaim.takedown.status import PlaceStatus
from reclaim.takedown.wording import STAFF_LABEL


def staff_names(session: Session, organisation_id: int) -> dict[int, str]:
    """Everyone in the organisation, by id: their display name, else their sign-in name."""
    return {
        user.id: user.display_name or user.username
        for user in session.scalars(
            select(StaffUser).where(StaffUser.organisation_id == organisation_id)
        )
    }


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    case_public_id: str
    case_number: int
    title: str
    owner: str
    owner_id: int | None
    due_at: datetime
    urgent: bool
    overdue: bool
    done_at: datetime | None
    done_by: str


def _task_order(task: Task, now: datetime) -> tuple[bool, bool, bool, datetime]:
    overdue = task.done_at is None and task.due_at <= now
    return (task.done_at is not None, not task.urgent, not overdue, task.due_at)


def _task_row(task: Task, case: Case, names: dict[int, str], now: datetime) -> TaskRow:
    return TaskRow(
        id=task.id,
        case_public_id=case.public_id,
        case_number=case.number,
        title=task.title,
        owner=names.get(task.owner_id or 0, "nobody"),
        owner_id=task.owner_id,
        due_at=task.due_at,
        urgent=task.urgent,
        overdue=task.done_at is None and task.due_at <= now,
        done_at=task.done_at,
        done_by=names.get(task.done_by or 0, ""),
    )


@dataclass(frozen=True, slots=True)
class CaseRow:
    public_id: str
    number: int
    opened_at: datetime
    source: str
    status: str
    urgent: bool
    children: int
    open_tasks: int
    overdue_tasks: int
    assigned_to: str


#: Cases on one list page.
LIST_LIMIT = 500


def list_cases(
    session: Session,
    user: StaffUser,
    *,
    status: str = "open",
    only: Collection[str] | None = None,
) -> list[CaseRow]:
    """The cases ``user`` may see, urgent first, then newest (audited when any are shown);
    ``only``: just these public ids (a filter worked out before, e.g. :func:`without_plan`)."""
    query = select(Case).where(visible_to(user))
    if status in ("open", "closed"):
        query = query.where(Case.status == status)
    if only is not None:
        query = query.where(Case.public_id.in_(list(only)))
    cases = list(
        session.scalars(query.order_by(Case.urgent.desc(), Case.opened_at.desc()).limit(LIST_LIMIT))
    )
    names = staff_names(session, user.organisation_id)
    now = utcnow()
    rows = [
        CaseRow(
            public_id=c.public_id,
            number=c.number,
            opened_at=c.opened_at,
            source=SOURCES.get(c.source, c.source),
            status=c.status,
            urgent=c.urgent,
            children=len(c.children),
            open_tasks=sum(1 for t in c.tasks if t.done_at is None),
            overdue_tasks=sum(1 for t in c.tasks if t.done_at is None and t.due_at <= now),
            assigned_to=names.get(c.assigned_to or c.opened_by or 0, "nobody"),
        )
        for c in cases
    ]
    if rows:
        record(session, CaseAction.LISTED, object_type="cases", detail={"n": len(rows)})
    return rows


def my_tasks(session: Session, user: StaffUser) -> list[TaskRow]:
    """Open tasks this person owns on open cases they can see: urgent, overdue, then due."""
    tasks = session.scalars(
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .where(
            Task.owner_id == user.id,
            Task.done_at.is_(None),
            Case.status == "open",
            visible_to(user),
        )
    ).all()
    if not tasks:
        return []
    names = staff_names(session, user.organisation_id)
    now = utcnow()
    ordered = sorted(tasks, key=lambda t: _task_order(t, now))
    record(session, CaseAction.LISTED, object_type="tasks", detail={"n": len(ordered)})
    return [_task_row(t, t.case, names, now) for t in ordered]


def count_open(session: Session, user: StaffUser) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(Case).where(visible_to(user), Case.status == "open")
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class ChildRow:
    id: int
    label: str
    name: str
    date_of_birth: str
    year_group: str
    contact: str
    role: str
    role_note: str


@dataclass(frozen=True, slots=True)
class StepRow:
    key: str
    number: int
    step: review.Step
    answer: str  # the stored value, "" if not answered yet
    answer_words: str
    note: str
    who: str
    happened_at: datetime | None
    answered_by: str
    answered_at: datetime | None
    history: int  # how many earlier answers this step has
    pathways: list[Contact]


@dataclass(frozen=True, slots=True)
class PlaceRow:
    id: int
    kind: str
    kind_words: str
    url: str
    detail: str
    learned_from: str
    seen_at: datetime | None
    status: str
    status_words: str
    platform_reported_at: datetime | None
    iwf_reported_at: datetime | None
    iwf_reference: str
    police_reported_at: datetime | None
    police_reference: str
    in_linked_report: bool  # the same web address is a link of the linked shared report
    linked_status: str  # what the report says about that link (the young person's words)
    takedown_place_id: int | None  # its record in the organisation's takedown queue
    takedown_status: str  # that record's status, in staff words
    added_by: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class ReferralRow:
    id: int
    agency: str
    agency_words: str
    made_at: datetime
    made_by: str
    reference: str
    outcome: str
    follow_up_on: str


@dataclass(frozen=True, slots=True)
class EntryRow:
    id: int
    number: int
    kind: str
    kind_words: str
    text: str
    occurred_at: datetime | None
    recorded_at: datetime
    recorded_by: str
    corrects: int | None  # the number of the entry it corrects
    corrected_by: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CaseView:
    id: int
    public_id: str
    number: int
    organisation: str
    source: str
    summary: str
    opened_at: datetime
    opened_by: str
    assigned_to: str
    assigned_to_id: int | None
    status: str
    urgent: bool
    urgent_since: datetime | None
    referral_reasons: list[str]
    immediate_danger: bool
    emergency_calls: list[tuple[str, datetime | None]]
    closed_at: datetime | None
    closed_by: str
    close_rationale: str
    legal_hold: bool
    legal_hold_reason: str
    children: list[ChildRow]
    steps: list[StepRow]
    places: list[PlaceRow]
    referrals: list[ReferralRow]
    tasks: list[TaskRow]
    entries: list[EntryRow]
    # The report a young person shared, linked to the case, as shared now; None with
    # ``linked_gone`` when it is no longer shared (stopped, or deleted).
    linked_report: SharedReportView | None
    linked_gone: bool
    access: CaseAccess
    staff: dict[int, str]

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.answer)


def _takedown_labels(session: Session, case: Case) -> dict[int, str]:
    """The takedown status of each of the case's web addresses, by takedown place id."""
    ids = [p.takedown_place_id for p in case.places if p.takedown_place_id is not None]
    if not ids:
        return {}
    rows = session.execute(
        select(TakedownPlace.id, TakedownPlace.status).where(
            TakedownPlace.id.in_(ids), TakedownPlace.organisation_id == case.organisation_id
        )
    )
    return {
        place_id: STAFF_LABEL.get(PlaceStatus(status), status)
        if status in PlaceStatus.__members__.values()
        else status
        for place_id, status in rows
    }


def case_view(session: Session, user: StaffUser, case: Case, *, export: bool = False) -> CaseView:
    """Everything about ``case`` that ``user`` may see; the read is audited (as an export
    with ``export``)."""
    access = access_to(user, case)
    if access is None:  # callers look the case up with reclaim.cases.access first
        raise PermissionError("this case is not visible to this staff member")
    names = staff_names(session, case.organisation_id)
    now = utcnow()
    latest = latest_answers(case)
    contacts = pathways_of(session, case.organisation_id)
    history: dict[str, int] = {}
    for answer in case.answers:
        history[answer.step] = history.get(answer.step, 0) + 1
    steps = []
    for number, step in enumerate(review.STEPS, start=1):
        found = latest.get(step.key)
        steps.append(
            StepRow(
                key=step.key,
                number=number,
                step=step,
                answer=found.answer if found else "",
                answer_words=step.answers.get(found.answer, "") if found else "",
                note=(found.note or "") if found else "",
                who=(found.who or "") if found else "",
                happened_at=found.happened_at if found else None,
                answered_by=names.get(found.answered_by or 0, "") if found else "",
                answered_at=found.answered_at if found else None,
                history=max(0, history.get(step.key, 0) - 1),
                pathways=[c for c in contacts if c.kind in step.pathways],
            )
        )
    answers = {key: row.answer for key, row in latest.items()}
    numbers = {entry.id: n for n, entry in enumerate(case.entries, start=1)}
    corrected: dict[int, list[int]] = {}
    for entry in case.entries:
        if entry.corrects_id is not None:
            corrected.setdefault(entry.corrects_id, []).append(numbers[entry.id])
    record(
        session,
        CaseAction.EXPORTED if export else CaseAction.VIEWED,
        object_type="case",
        object_id=case.id,
    )
    shared = linked_view(session, case)
    takedown = _takedown_labels(session, case)
    return CaseView(
        id=case.id,
        public_id=case.public_id,
        number=case.number,
        organisation=user.organisation.name,
        source=SOURCES.get(case.source, case.source),
        summary=case.summary or "",
        opened_at=case.opened_at,
        opened_by=names.get(case.opened_by or 0, ""),
        assigned_to=names.get(case.assigned_to or 0, ""),
        assigned_to_id=case.assigned_to,
        status=case.status,
        urgent=case.urgent,
        urgent_since=case.urgent_since,
        referral_reasons=review.referral_reasons(answers),
        immediate_danger=review.immediate_danger(answers),
        emergency_calls=[(a.who or "", a.happened_at) for a in case.answers if a.step == "call999"],
        closed_at=case.closed_at,
        closed_by=names.get(case.closed_by or 0, ""),
        close_rationale=case.close_rationale or "",
        legal_hold=case.legal_hold,
        legal_hold_reason=case.legal_hold_reason or "",
        children=[
            ChildRow(
                c.id,
                c.label,
                c.name or "",
                c.date_of_birth or "",
                c.year_group or "",
                c.contact or "",
                ROLES.get(c.role, c.role),
                c.role_note or "",
            )
            for c in case.children
        ],
        steps=steps,
        places=[
            PlaceRow(
                id=p.id,
                kind=p.kind,
                kind_words=PLACE_KINDS.get(p.kind, p.kind),
                url=p.url or "",
                detail=p.detail or "",
                learned_from=p.learned_from or "",
                seen_at=p.seen_at,
                status=p.status,
                status_words=PLACE_STATUSES.get(p.status, p.status),
                platform_reported_at=p.platform_reported_at,
                iwf_reported_at=p.iwf_reported_at,
                iwf_reference=p.iwf_reference or "",
                police_reported_at=p.police_reported_at,
                police_reference=p.police_reference or "",
                in_linked_report=same_place(p.url, shared) is not None,
                linked_status=same_place(p.url, shared) or "",
                takedown_place_id=p.takedown_place_id,
                takedown_status=takedown.get(p.takedown_place_id or 0, ""),
                added_by=names.get(p.added_by or 0, ""),
                added_at=p.added_at,
            )
            for p in case.places
        ],
        referrals=[
            ReferralRow(
                id=r.id,
                agency=r.agency,
                agency_words=r.agency_name or AGENCIES.get(r.agency, r.agency),
                made_at=r.made_at,
                made_by=names.get(r.made_by or 0, ""),
                reference=r.reference or "",
                outcome=r.outcome or "",
                follow_up_on=r.follow_up_on.isoformat() if r.follow_up_on else "",
            )
            for r in case.referrals
        ],
        tasks=[
            _task_row(t, case, names, now)
            for t in sorted(case.tasks, key=lambda t: _task_order(t, now))
        ],
        entries=[
            EntryRow(
                id=e.id,
                number=numbers[e.id],
                kind=e.kind,
                kind_words=ENTRY_KINDS.get(e.kind, e.kind),
                text=e.text,
                occurred_at=e.occurred_at,
                recorded_at=e.recorded_at,
                recorded_by=names.get(e.recorded_by or 0, "Reclaim"),
                corrects=numbers.get(e.corrects_id) if e.corrects_id else None,
                corrected_by=corrected.get(e.id, []),
            )
            for e in case.entries
        ],
        linked_report=shared,
        linked_gone=case.linked_share_id is not None and shared is None,
        access=access,
        staff=names,
    )
