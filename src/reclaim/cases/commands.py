"""Commands on a case: open it, add children, answer the review, record places, referrals,
tasks, notes, decisions; assign, close, reopen.

Each command takes the SQLAlchemy session and the staff member acting, changes the case,
writes its chronology entry and its audit event (``object_type="case"``) in the same
transaction. Permission checks are the caller's (reclaim.cases.access); these functions check
what the record needs (a reason where the guidance asks for one, a known value).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases import chronology, review
from reclaim.cases.alerts import alert_on_call, remind_owner, stop_reminding
from reclaim.cases.models import (
    Case,
    CasePlace,
    Child,
    ChronologyEntry,
    Referral,
    ReviewAnswer,
    Task,
)
from reclaim.cases.wording import (
    AGENCIES,
    PLACE_KINDS,
    PLACE_STATUSES,
    ROLES,
    SOURCES,
    child_label,
)
from reclaim.reports.urls import UrlRejected, canonical_url
from reclaim.storage.base import utcnow
from reclaim.takedown.places import SourceKind, record_place

MAX_TEXT = 4000
MAX_SHORT = 200


class CaseError(ValueError):
    """Something the person can put right; the message says what."""


def _text(value: str | None, what: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise CaseError(f"Write {what}.")
    if len(cleaned) > limit:
        raise CaseError(f"{what[0].upper()}{what[1:]} is too long (at most {limit} characters).")
    return cleaned


def _optional(value: str | None, what: str, limit: int = MAX_SHORT) -> str | None:
    return _text(value, what, limit=limit) or None


def _choice(value: str, choices: dict[str, str], what: str) -> str:
    if value not in choices:
        raise CaseError(f"Choose {what}.")
    return value


def _open(case: Case) -> None:
    if case.status != "open":
        raise CaseError("This case is closed. Reopen it first to record more.")


# Opening --------------------------------------------------------------------------------------


def open_case(
    session: Session,
    user: StaffUser,
    *,
    source: str,
    summary: str,
    heard_at: datetime | None = None,
) -> Case:
    """A new case in ``user``'s organisation, opened by them (and theirs to work)."""
    _choice(source, SOURCES, "where the concern came from")
    text = _text(summary, "what you were told (in the child's words where you can)", required=True)
    number = (
        session.scalar(
            select(func.max(Case.number)).where(Case.organisation_id == user.organisation_id)
        )
        or 0
    ) + 1
    case = Case(
        organisation_id=user.organisation_id,
        number=number,
        source=source,
        summary=text,
        opened_by=user.id,
        status="open",
    )
    session.add(case)
    session.flush()
    chronology.write(
        session,
        case,
        "status",
        f"Case opened. Source: {SOURCES[source]}. What was said: {text}",
        by=user.id,
        occurred_at=heard_at,
    )
    record(
        session, CaseAction.OPENED, object_type="case", object_id=case.id, detail={"source": source}
    )
    return case


@dataclass(frozen=True, slots=True)
class NewChild:
    role: str
    name: str = ""
    date_of_birth: str = ""
    year_group: str = ""
    contact: str = ""
    role_note: str = ""


def add_child(session: Session, user: StaffUser, case: Case, new: NewChild) -> Child:
    """A child involved, with this incident's role (for this child only)."""
    _open(case)
    _choice(new.role, ROLES, "the child's role in this incident")
    dob = new.date_of_birth.strip()
    if dob:
        try:
            date.fromisoformat(dob)
        except ValueError:
            raise CaseError("Write the date of birth as YYYY-MM-DD, or leave it empty.") from None
    child = Child(
        case=case,
        label=child_label(len(case.children)),
        name=_optional(new.name, "the name"),
        date_of_birth=dob or None,
        year_group=_optional(new.year_group, "the year group", 40),
        contact=_optional(new.contact, "the contact details", 500),
        role=new.role,
        role_note=_optional(new.role_note, "the note on their role", 500),
    )
    session.add(child)
    session.flush()
    chronology.write(
        session, case, "child", f"Child {child.label} added: {ROLES[new.role]}.", by=user.id
    )
    record(
        session,
        CaseAction.CHILD_ADDED,
        object_type="case",
        object_id=case.id,
        detail={"child": child.id, "role": new.role},
    )
    return child


# The review -----------------------------------------------------------------------------------


def latest_answers(case: Case) -> dict[str, ReviewAnswer]:
    """The newest answer to each step."""
    latest: dict[str, ReviewAnswer] = {}
    for answer in case.answers:
        latest[answer.step] = answer
    return latest


def answer_step(
    session: Session,
    user: StaffUser,
    case: Case,
    step_key: str,
    answer: str,
    *,
    note: str = "",
    who: str = "",
    happened_at: datetime | None = None,
) -> ReviewAnswer:
    """Record an answer to a step of the review (a new row; the newest counts). A "yes" to
    any of the five questions makes the case urgent (see :func:`make_urgent`)."""
    _open(case)
    step = review.BY_KEY.get(step_key)
    if step is None:
        raise CaseError("There is no such step.")
    _choice(answer, dict(step.answers), "an answer")
    why = _text(note, "the reason", required=answer in step.explain)
    by_whom = _text(who, "who did it", required=answer in step.who_and_when, limit=MAX_SHORT)
    if answer in step.who_and_when and happened_at is None:
        raise CaseError("Write when it happened.")
    row = ReviewAnswer(
        case=case,
        step=step_key,
        answer=answer,
        note=why or None,
        who=by_whom or None,
        happened_at=happened_at,
        answered_by=user.id,
    )
    session.add(row)
    session.flush()
    words = f"{step.title}: {step.answers[answer]}."
    if by_whom:
        words += f" By: {by_whom}."
    if why:
        words += f" {'Rationale' if step_key == 'decision' else 'Why'}: {why}"
    kind = "decision" if step_key in ("decision", "parents") else "step"
    chronology.write(session, case, kind, words, by=user.id, occurred_at=happened_at)
    record(
        session,
        CaseAction.DECISION_RECORDED if kind == "decision" else CaseAction.STEP_ANSWERED,
        object_type="case",
        object_id=case.id,
        detail={"step": step_key, "answer": answer},
    )
    if review.calls_for_referral(step_key, answer):
        make_urgent(session, user, case, step.title)
    return row


def make_urgent(session: Session, user: StaffUser, case: Case, reason: str) -> bool:
    """The case needs a referral now: urgent, the referral task at the top, on-call told.
    Returns False if it already was urgent (nothing more is done: one task, one alert)."""
    if case.urgent:
        return False
    now = utcnow()
    case.urgent, case.urgent_since = True, now
    session.flush()
    add_task(
        session,
        user,
        case,
        title=review.URGENT_TASK,
        owner_id=case.assigned_to or user.id,
        due_at=now,
        urgent=True,
        origin="review",
    )
    chronology.write(session, case, "status", f"Case made urgent: {reason}", by=user.id)
    record(session, CaseAction.MADE_URGENT, object_type="case", object_id=case.id)
    alert_on_call(session, case)
    return True


def record_emergency_call(
    session: Session, user: StaffUser, case: Case, *, who: str, called_at: datetime | None
) -> ReviewAnswer:
    """Who called 999, and when."""
    _open(case)
    caller = _text(who, "who called 999", required=True, limit=MAX_SHORT)
    when = called_at or utcnow()
    row = ReviewAnswer(
        case=case,
        step="call999",
        answer="called",
        who=caller,
        happened_at=when,
        answered_by=user.id,
    )
    session.add(row)
    session.flush()
    chronology.write(
        session, case, "step", f"999 called by {caller}.", by=user.id, occurred_at=when
    )
    record(session, CaseAction.EMERGENCY_CALL, object_type="case", object_id=case.id)
    return row


# Places ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewPlace:
    kind: str
    url: str = ""
    detail: str = ""
    learned_from: str = ""
    seen_at: datetime | None = None
    status: str = "there"


def add_place(
    session: Session, user: StaffUser, case: Case, new: NewPlace
) -> tuple[CasePlace, bool]:
    """Record where the image is or who has it. A web address is written in canonical form
    (never fetched); one the case already has is the same record (and one in the linked
    shared report shows as the same place: reclaim.cases.views). Returns the place and
    whether it was new."""
    _open(case)
    _choice(new.kind, PLACE_KINDS, "what kind of place it is")
    _choice(new.status, PLACE_STATUSES, "a status")
    url: str | None = None
    if new.kind == "url":
        try:
            url = canonical_url(new.url)
        except UrlRejected as exc:
            raise CaseError(str(exc)) from None
        for place in case.places:
            if place.url == url:
                return place, False
    detail = _optional(new.detail, "the description", 500)
    if new.kind != "url" and not detail:
        raise CaseError(
            "Describe the place: the app and the account, the group, the device or the person."
        )
    # The same URL in the organisation's takedown queue: one record, whoever named it.
    takedown_place_id = (
        record_place(
            session, case.organisation_id, url, kind=SourceKind.CASE, ref=case.public_id
        ).id
        if url is not None
        else None
    )
    place = CasePlace(
        case=case,
        takedown_place_id=takedown_place_id,
        kind=new.kind,
        url=url,
        detail=detail,
        learned_from=_optional(new.learned_from, "how you learned of it", 500),
        seen_at=new.seen_at,
        status=new.status,
        added_by=user.id,
    )
    session.add(place)
    session.flush()
    what = url if url else f"{PLACE_KINDS[new.kind]}: {detail}"
    chronology.write(session, case, "place", f"Recorded: {what}.", by=user.id)
    record(
        session,
        CaseAction.PLACE_ADDED,
        object_type="case",
        object_id=case.id,
        detail={"place": place.id, "kind": new.kind},
    )
    return place, True


@dataclass(frozen=True, slots=True)
class PlaceUpdate:
    status: str
    platform_reported: bool = False
    iwf_reported: bool = False
    iwf_reference: str = ""
    police_reported: bool = False
    police_reference: str = ""
    note: str = ""


def update_place(
    session: Session, user: StaffUser, case: Case, place: CasePlace, change: PlaceUpdate
) -> None:
    """What was done about a place (reported to the platform, the IWF, the police) and its
    status now. What was done stays done: a report is recorded once, with its time."""
    _open(case)
    _choice(change.status, PLACE_STATUSES, "a status")
    now = utcnow()
    done = []
    if change.platform_reported and place.platform_reported_at is None:
        place.platform_reported_at = now
        done.append("reported to the platform")
    if change.iwf_reported and place.iwf_reported_at is None:
        place.iwf_reported_at = now
        done.append("reported to the IWF")
    iwf_ref = _optional(change.iwf_reference, "the IWF reference", 100)
    if iwf_ref and iwf_ref != place.iwf_reference:
        place.iwf_reference = iwf_ref
        done.append(f"IWF reference {iwf_ref}")
    if change.police_reported and place.police_reported_at is None:
        place.police_reported_at = now
        done.append("reported to the police")
    police_ref = _optional(change.police_reference, "the police reference", 100)
    if police_ref and police_ref != place.police_reference:
        place.police_reference = police_ref
        done.append(f"police reference {police_ref}")
    if change.status != place.status:
        done.append(f"status: {PLACE_STATUSES[change.status]}")
        place.status = change.status
    note = _optional(change.note, "the note", 500)
    if not done and not note:
        return
    session.flush()
    what = place.url or place.detail or PLACE_KINDS[place.kind]
    words = f"{what}: {', '.join(done) or 'note'}."
    if note:
        words += f" {note}"
    chronology.write(session, case, "place", words, by=user.id)
    record(
        session,
        CaseAction.PLACE_UPDATED,
        object_type="case",
        object_id=case.id,
        detail={"place": place.id, "status": place.status},
    )


# Referrals ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewReferral:
    agency: str
    made_at: datetime
    agency_name: str = ""
    made_by: int | None = None
    reference: str = ""
    outcome: str = ""
    follow_up_on: date | None = None


def add_referral(session: Session, user: StaffUser, case: Case, new: NewReferral) -> Referral:
    """A referral made; a follow-up date becomes a task for the person who made it."""
    _open(case)
    _choice(new.agency, AGENCIES, "who the referral went to")
    name = _optional(new.agency_name, "the agency's name")
    if new.agency == "other" and not name:
        raise CaseError("Write the name of the agency.")
    referral = Referral(
        case=case,
        agency=new.agency,
        agency_name=name,
        made_at=new.made_at,
        made_by=new.made_by or user.id,
        reference=_optional(new.reference, "the reference", 100),
        outcome=_optional(new.outcome, "the outcome", MAX_TEXT),
        follow_up_on=new.follow_up_on,
    )
    session.add(referral)
    session.flush()
    label = name or AGENCIES[new.agency]
    words = f"To {label}."
    if referral.reference:
        words += f" Reference: {referral.reference}."
    if referral.outcome:
        words += f" Outcome: {referral.outcome}"
    chronology.write(session, case, "referral", words, by=user.id, occurred_at=new.made_at)
    record(
        session,
        CaseAction.REFERRAL_ADDED,
        object_type="case",
        object_id=case.id,
        detail={"referral": referral.id, "agency": new.agency},
    )
    if new.follow_up_on is not None:
        _follow_up(session, user, case, referral, label)
    return referral


def _follow_up(
    session: Session, user: StaffUser, case: Case, referral: Referral, label: str
) -> None:
    assert referral.follow_up_on is not None
    task = add_task(
        session,
        user,
        case,
        title=f"Follow up the referral to {label}"
        + (f" ({referral.reference})" if referral.reference else ""),
        owner_id=referral.made_by or user.id,
        due_at=datetime.combine(referral.follow_up_on, time(9), tzinfo=utcnow().tzinfo),
        origin="referral",
    )
    referral.follow_up_task_id = task.id
    session.flush()


def update_referral(
    session: Session,
    user: StaffUser,
    case: Case,
    referral: Referral,
    *,
    outcome: str,
    reference: str = "",
    follow_up_on: date | None = None,
) -> None:
    """An outcome (or a reference that came later); a new follow-up date is a new task."""
    _open(case)
    text = _optional(outcome, "the outcome", MAX_TEXT)
    ref = _optional(reference, "the reference", 100)
    if not text and not ref and follow_up_on is None:
        raise CaseError("Write the outcome, a reference or a follow-up date.")
    label = referral.agency_name or AGENCIES[referral.agency]
    words = f"To {label}:"
    if ref and ref != referral.reference:
        referral.reference = ref
        words += f" reference {ref}."
    if text:
        referral.outcome = text
        words += f" outcome: {text}"
    session.flush()
    chronology.write(session, case, "referral", words, by=user.id)
    record(
        session,
        CaseAction.REFERRAL_UPDATED,
        object_type="case",
        object_id=case.id,
        detail={"referral": referral.id},
    )
    if follow_up_on is not None and follow_up_on != referral.follow_up_on:
        referral.follow_up_on = follow_up_on
        _follow_up(session, user, case, referral, label)


# Tasks ----------------------------------------------------------------------------------------


def add_task(
    session: Session,
    user: StaffUser,
    case: Case,
    *,
    title: str,
    owner_id: int | None,
    due_at: datetime,
    urgent: bool = False,
    origin: str = "manual",
) -> Task:
    _open(case)
    words = _text(title, "what needs doing", required=True, limit=300)
    if owner_id is not None:
        _task_owner(session, case, owner_id)
    task = Task(
        case=case, title=words, owner_id=owner_id, due_at=due_at, urgent=urgent, origin=origin
    )
    session.add(task)
    session.flush()
    chronology.write(session, case, "task", f"Added: {words}.", by=user.id)
    record(session, CaseAction.TASK_ADDED, **_about_task(case, task, origin=origin))
    remind_owner(session, case, task)
    return task


def _task_owner(session: Session, case: Case, owner_id: int) -> StaffUser:
    owner = session.get(StaffUser, owner_id)
    if owner is None or owner.organisation_id != case.organisation_id:
        raise CaseError("Choose someone in your organisation to own the task.")
    return owner


def _open_task(case: Case, task: Task) -> None:
    _open(case)
    if task.done_at is not None:
        raise CaseError("This task is done already.")


def _about_task(case: Case, task: Task, **detail: object) -> dict[str, Any]:
    """The audit event's subject for a change to ``task`` (each caller names its action, so
    the audit tests read every action straight from the source)."""
    return {"object_type": "case", "object_id": case.id, "detail": {"task": task.id, **detail}}


def move_task(session: Session, user: StaffUser, case: Case, task: Task, due_at: datetime) -> bool:
    """A new due time for an open task (its owner's reminder moves with it). Returns whether
    it changed."""
    _open_task(case, task)
    if task.due_at == due_at:
        return False
    task.due_at = due_at
    session.flush()
    chronology.write(session, case, "task", f"Due time moved: {task.title}.", by=user.id)
    record(session, CaseAction.TASK_MOVED, **_about_task(case, task))
    remind_owner(session, case, task)
    return True


def hand_over_task(
    session: Session, user: StaffUser, case: Case, task: Task, owner_id: int
) -> bool:
    """Give an open task to another colleague (their reminder replaces the old owner's).
    Returns whether it changed."""
    _open_task(case, task)
    _task_owner(session, case, owner_id)
    if task.owner_id == owner_id:
        return False
    stop_reminding(session, case, task)
    task.owner_id = owner_id
    session.flush()
    chronology.write(session, case, "task", f"Handed over: {task.title}.", by=user.id)
    record(session, CaseAction.TASK_HANDED_OVER, **_about_task(case, task, owner=owner_id))
    remind_owner(session, case, task)
    return True


def complete_task(session: Session, user: StaffUser, case: Case, task: Task) -> bool:
    if task.done_at is not None:
        return False
    task.done_at, task.done_by = utcnow(), user.id
    session.flush()
    stop_reminding(session, case, task)
    chronology.write(session, case, "task", f"Done: {task.title}.", by=user.id)
    record(session, CaseAction.TASK_DONE, **_about_task(case, task))
    return True


# Notes, corrections, assignment, closing ------------------------------------------------------


def add_note(
    session: Session, user: StaffUser, case: Case, text: str, occurred_at: datetime | None = None
) -> ChronologyEntry:
    """A note in the chronology (about an earlier time, if ``occurred_at`` says so). Notes
    may be added to a closed case too: what happens after closing belongs in the record."""
    words = _text(text, "the note", required=True)
    entry = chronology.write(session, case, "note", words, by=user.id, occurred_at=occurred_at)
    record(
        session,
        CaseAction.ENTRY_ADDED,
        object_type="case",
        object_id=case.id,
        detail={"entry": entry.id},
    )
    return entry


def correct_entry(
    session: Session,
    user: StaffUser,
    case: Case,
    entry_id: int,
    text: str,
    occurred_at: datetime | None = None,
) -> ChronologyEntry:
    wrong = next((e for e in case.entries if e.id == entry_id), None)
    if wrong is None:
        raise CaseError("That entry is not in this case's chronology.")
    words = _text(text, "the correction", required=True)
    return chronology.correct(session, case, wrong, words, by=user.id, occurred_at=occurred_at)


def assign(session: Session, user: StaffUser, case: Case, staff_id: int | None) -> None:
    if staff_id is not None:
        other = session.get(StaffUser, staff_id)
        if other is None or other.organisation_id != case.organisation_id:
            raise CaseError("Choose someone in your organisation.")
        name = other.display_name or other.username
    else:
        name = "nobody"
    if case.assigned_to == staff_id:
        return
    case.assigned_to = staff_id
    session.flush()
    chronology.write(session, case, "status", f"Assigned to {name}.", by=user.id)
    record(
        session, CaseAction.ASSIGNED, object_type="case", object_id=case.id, detail={"to": staff_id}
    )


def close_case(session: Session, user: StaffUser, case: Case, rationale: str) -> None:
    from reclaim.cases.plans import refuse_close_without_plans  # plans builds on this module

    _open(case)
    why = _text(rationale, "why the case can close", required=True)
    refuse_close_without_plans(session, case)  # a safety plan, or why not, for each child
    case.status, case.closed_at, case.closed_by, case.close_rationale = (
        "closed",
        utcnow(),
        user.id,
        why,
    )
    session.flush()
    chronology.write(session, case, "status", f"Case closed. Rationale: {why}", by=user.id)
    record(session, CaseAction.CLOSED, object_type="case", object_id=case.id)


def reopen_case(session: Session, user: StaffUser, case: Case, reason: str) -> None:
    if case.status == "open":
        raise CaseError("This case is open already.")
    why = _text(reason, "why the case is reopened", required=True)
    case.status, case.closed_at, case.closed_by, case.close_rationale = "open", None, None, None
    session.flush()
    chronology.write(session, case, "status", f"Case reopened. Why: {why}", by=user.id)
    record(session, CaseAction.REOPENED, object_type="case", object_id=case.id)
