"""Staff pages for safeguarding cases: thin routes over :mod:`reclaim.cases`.

Each route gets the database and settings as FastAPI dependencies (``DatabaseDep``,
``SettingsDep``), opens one unit of work with ``db.session()``, checks who is signed in, and
calls the cases context; it never queries.

A case is addressed by its random ``public_id``. Staff of another organisation, and a
caseworker for a case that is not theirs, are told it does not exist (404); platform staff and
roles without case permissions are refused (403); a viewer reads and changes nothing (403 on
every change). Every page that shows case data audits the read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from reclaim import cases
from reclaim.accounts import StaffUser
from reclaim.config import Settings
from reclaim.storage import Session
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import Forbidden, require_staff
from reclaim.web.ids import DbId, PublicId
from reclaim.web.routes.staff_sharing import ITEM_WORDS
from reclaim.web.services import DatabaseDep, SettingsDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)
CSRF = [Depends(verify_csrf)]

Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=300)]

CASE_TEMPLATE = "staff/cases/case.html"


# Helpers --------------------------------------------------------------------------------------


def _zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)


def _formatter(settings: Settings) -> cases.Formatter:
    zone = _zone(settings)

    def when(moment: datetime | None) -> str:
        if moment is None:
            return ""
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    return when


def _local_time(settings: Settings, value: str, what: str) -> datetime | None:
    """A ``datetime-local`` value typed in the installation's time zone, as UTC."""
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise cases.CaseError(f"Write {what} as a date and a time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(settings))
    return moment.astimezone(UTC)


def _day(value: str, what: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise cases.CaseError(f"Write {what} as a date (YYYY-MM-DD).") from None


def _staff(request: Request, session: Session) -> StaffUser:
    user = require_staff(request, session)
    if not cases.uses_cases(user):
        raise Forbidden
    return user


def _case(session: Session, user: StaffUser, public_id: str) -> tuple[cases.Case, cases.CaseAccess]:
    case = cases.case_for(session, user, public_id)
    access = cases.access_to(user, case) if case is not None else None
    if case is None or access is None:
        raise HTTPException(404)
    return case, access


def _editable(session: Session, user: StaffUser, public_id: str) -> cases.Case:
    case, access = _case(session, user, public_id)
    if not access.edit:
        raise Forbidden
    return case


def _led(session: Session, user: StaffUser, public_id: str) -> cases.Case:
    case, access = _case(session, user, public_id)
    if not access.lead:
        raise Forbidden
    return case


def _back(public_id: str, saved: str, anchor: str = "") -> Response:
    target = f"/staff/cases/{public_id}?saved={saved}" + (f"#{anchor}" if anchor else "")
    return RedirectResponse(target, status_code=303)


NOTICES = {
    "opened": "Case opened. Add the children involved, then work through the review.",
    "child": "Child added.",
    "step": "Saved in the chronology.",
    "urgent": "The case is urgent: refer to the police and/or children's social care now.",
    "call": "The 999 call is recorded.",
    "place": "Place recorded.",
    "same-place": "That web address is already in the register (the same page): not added twice.",
    "place-updated": "Place updated.",
    "referral": "Referral recorded.",
    "referral-updated": "Referral updated.",
    "task": "Task added.",
    "task-done": "Task done.",
    "note": "Added to the chronology.",
    "assigned": "Assignment saved.",
    "closed": "Case closed.",
    "reopened": "Case reopened.",
    "hold": "Legal hold saved.",
    "linked": "The shared report is linked to this case.",
    "unlinked": "The shared report is no longer linked to this case.",
    "task-moved": "Task moved.",
    "acknowledged": "Alert acknowledged: nobody else is called about this case.",
}


def _case_page(
    request: Request,
    settings: Settings,
    session: Session,
    user: StaffUser,
    case: cases.Case,
    template: str = CASE_TEMPLATE,
    *,
    error: str | None = None,
    notice: str | None = None,
) -> Response:
    view = cases.case_view(session, user, case)
    editing = view.access.edit and view.status == "open"
    choosing = editing and view.linked_report is None and not view.linked_gone
    shareable = cases.shared_reports(session, user) if choosing else []
    years = cases.retention_years(session, case.organisation_id, settings.case_retention_years)
    context = {
        "case": view,
        "when": _formatter(settings),
        "never_view": cases.NEVER_VIEW,
        "device_handling": cases.DEVICE_HANDLING,
        "roles": cases.ROLES,
        "place_kinds": cases.PLACE_KINDS,
        "place_statuses": cases.PLACE_STATUSES,
        "agencies": cases.AGENCIES,
        "pathways": cases.pathways_of(session, case.organisation_id),
        "delete_after": cases.delete_after(case, years),
        "retention_years": years,
        "error": error,
        "notice": notice,
        "timezone": settings.timezone,
        "shareable": shareable,
        "item_words": ITEM_WORDS,
        "open_alerts": cases.open_case_alerts(session, case),
        "safety_plans": cases.plan_summaries(session, case, view.staff),
        "agency_plan": cases.agency_plan_view(session, case),  # see routes/agency_plans
    }
    return render(request, template, context, status_code=400 if error else 200)


def _failed(
    request: Request,
    db: DatabaseDep,
    settings: Settings,
    public_id: str,
    error: cases.CaseError,
    template: str = CASE_TEMPLATE,
) -> Response:
    """Show the page again with what to put right (nothing was saved)."""
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _case_page(request, settings, session, user, case, template, error=str(error))


Act = Callable[[Session, StaffUser, cases.Case], object]
"""A change to a case: ``act(session, user, case)``; its result is not used. It may raise
:class:`cases.CaseError` (parsing the form included) to show the page again with the error."""

Back = Callable[[str, str, str], Response]
"""Builds the redirect after a change: ``back(public_id, saved, anchor)``."""


def _change(
    request: Request,
    db: DatabaseDep,
    settings: Settings,
    public_id: str,
    act: Act,
    *,
    saved: str,
    anchor: str = "",
    lead: bool = False,
    back: Back | None = None,
    template: str = CASE_TEMPLATE,
) -> Response:
    """One change to a case that the user may edit (``lead``: that they lead): on success the
    redirect (``back``, by default the case page at ``anchor`` with the ``saved`` notice); on a
    :class:`cases.CaseError` the unit of work is rolled back and ``template`` shows the error."""
    with db.session() as session:
        user = _staff(request, session)
        case = _led(session, user, public_id) if lead else _editable(session, user, public_id)
        try:
            act(session, user, case)
        except cases.CaseError as exc:
            session.rollback()
            error = exc
        else:
            return (back or _back)(public_id, saved, anchor)
    return _failed(request, db, settings, public_id, error, template)


# Lists and opening ----------------------------------------------------------------------------


@router.get("/cases")
def case_list(
    request: Request, db: DatabaseDep, settings: SettingsDep, status: str = "open", plan: str = ""
) -> Response:
    """``plan=missing``: only open cases showing "no safety plan yet"."""
    with db.session() as session:
        user = _staff(request, session)
        shown = status if status in ("open", "closed") else "open"
        without_plan = cases.without_plan(session, user) if shown == "open" else set()
        only = without_plan if plan == "missing" and shown == "open" else None
        rows = cases.list_cases(session, user, status=shown, only=only)
        tasks = cases.my_tasks(session, user)
        return render(
            request,
            "staff/cases/list.html",
            {
                "rows": rows,
                "tasks": tasks,
                "status": shown,
                "when": _formatter(settings),
                "can_open": _can_open(user),
                "leads": cases.leads(user),
                "without_plan": without_plan,
                "plan_filter": plan == "missing" and shown == "open",
            },
        )


def _can_open(user: StaffUser) -> bool:
    return cases.may_open(user)


@router.get("/cases/new")
def new_case_form(request: Request, db: DatabaseDep, settings: SettingsDep) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        if not _can_open(user):
            raise Forbidden
        return render(
            request,
            "staff/cases/new.html",
            {"sources": cases.SOURCES, "never_view": cases.NEVER_VIEW, "form": {}},
        )


@router.post("/cases", dependencies=CSRF)
def open_case(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    source: Short = "",
    summary: Text = "",
    heard_at: Short = "",
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        if not _can_open(user):
            raise Forbidden
        try:
            case = cases.open_case(
                session,
                user,
                source=source,
                summary=summary,
                heard_at=_local_time(settings, heard_at, "when you heard"),
            )
        except cases.CaseError as exc:
            form = {"source": source, "summary": summary, "heard_at": heard_at}
            return render(
                request,
                "staff/cases/new.html",
                {
                    "sources": cases.SOURCES,
                    "never_view": cases.NEVER_VIEW,
                    "error": str(exc),
                    "form": form,
                },
                status_code=400,
            )
        public_id = case.public_id
    return _back(public_id, "opened")


# Reading a case -------------------------------------------------------------------------------


@router.get("/cases/{public_id}")
def case_page(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId, saved: str = ""
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _case_page(request, settings, session, user, case, notice=NOTICES.get(saved))


@router.get("/cases/{public_id}/review")
def review_page(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId, saved: str = ""
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _case_page(
            request,
            settings,
            session,
            user,
            case,
            "staff/cases/review.html",
            notice=NOTICES.get(saved),
        )


@router.get("/cases/{public_id}/summary")
def case_summary(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _case_page(request, settings, session, user, case, "staff/cases/summary.html")


def _export(
    request: Request, db: DatabaseDep, public_id: str
) -> tuple[cases.CaseView, cases.AuditDigest]:
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        view = cases.case_view(session, user, case, export=True)
        return view, cases.audit_digest(session, case.id)


@router.get("/cases/{public_id}/chronology.csv")
def chronology_csv(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId
) -> Response:
    view, digest = _export(request, db, public_id)
    body = cases.chronology_csv(view, digest, _formatter(settings))
    return Response(
        body.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="case-{view.number}.csv"'},
    )


@router.get("/cases/{public_id}/chronology.pdf")
def chronology_pdf(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId
) -> Response:
    view, digest = _export(request, db, public_id)
    return Response(
        cases.chronology_pdf(view, digest, _formatter(settings)),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="case-{view.number}.pdf"'},
    )


# Recording on a case --------------------------------------------------------------------------


@router.post("/cases/{public_id}/review/{step}", dependencies=CSRF)
def answer_step(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    step: Annotated[str, Path(max_length=24)],
    answer: Short = "",
    note: Text = "",
    who: Short = "",
    happened_at: Short = "",
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case = _editable(session, user, public_id)
        was_urgent = case.urgent
        try:
            cases.answer_step(
                session,
                user,
                case,
                step,
                answer,
                note=note,
                who=who,
                happened_at=_local_time(settings, happened_at, "when it happened"),
            )
        except cases.CaseError as exc:
            session.rollback()
            error = exc
        else:
            saved = "urgent" if case.urgent and not was_urgent else "step"
            target = f"/staff/cases/{public_id}/review?saved={saved}#step-{step}"
            if saved == "urgent":
                target = f"/staff/cases/{public_id}?saved=urgent#urgent"
            return RedirectResponse(target, status_code=303)
    return _failed(request, db, settings, public_id, error, "staff/cases/review.html")


@router.post("/cases/{public_id}/emergency-call", dependencies=CSRF)
def emergency_call(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    who: Short = "",
    called_at: Short = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        when = _local_time(settings, called_at, "when 999 was called")
        cases.record_emergency_call(session, user, case, who=who, called_at=when)

    return _change(request, db, settings, public_id, act, saved="call", anchor="urgent")


@router.post("/cases/{public_id}/children", dependencies=CSRF)
def add_child(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    role: Short = "",
    name: Short = "",
    date_of_birth: Short = "",
    year_group: Short = "",
    contact: Text = "",
    role_note: Text = "",
) -> Response:
    child = cases.NewChild(role, name, date_of_birth, year_group, contact, role_note)
    return _change(
        request,
        db,
        settings,
        public_id,
        lambda session, user, case: cases.add_child(session, user, case, child),
        saved="child",
        anchor="children",
    )


@router.post("/cases/{public_id}/places", dependencies=CSRF)
def add_place(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    kind: Short = "",
    url: Annotated[str, Form(max_length=2100)] = "",
    detail: Text = "",
    learned_from: Text = "",
    seen_at: Short = "",
    status: Short = "there",
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case = _editable(session, user, public_id)
        try:
            _, new = cases.add_place(
                session,
                user,
                case,
                cases.NewPlace(
                    kind,
                    url,
                    detail,
                    learned_from,
                    _local_time(settings, seen_at, "when it was seen"),
                    status,
                ),
            )
        except cases.CaseError as exc:
            session.rollback()
            error = exc
        else:
            return _back(public_id, "place" if new else "same-place", "places")
    return _failed(request, db, settings, public_id, error)


@router.post("/cases/{public_id}/places/{place_id}", dependencies=CSRF)
def update_place(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    place_id: DbId,
    status: Short = "",
    platform_reported: Short = "",
    iwf_reported: Short = "",
    iwf_reference: Short = "",
    police_reported: Short = "",
    police_reference: Short = "",
    note: Text = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        place = next((p for p in case.places if p.id == place_id), None)
        if place is None:
            raise HTTPException(404)
        cases.update_place(
            session,
            user,
            case,
            place,
            cases.PlaceUpdate(
                status or place.status,
                platform_reported == "yes",
                iwf_reported == "yes",
                iwf_reference,
                police_reported == "yes",
                police_reference,
                note,
            ),
        )

    return _change(request, db, settings, public_id, act, saved="place-updated", anchor="places")


@router.post("/cases/{public_id}/referrals", dependencies=CSRF)
def add_referral(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    agency: Short = "",
    agency_name: Short = "",
    made_at: Short = "",
    reference: Short = "",
    outcome: Text = "",
    follow_up_on: Short = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        when = _local_time(settings, made_at, "when the referral was made")
        cases.add_referral(
            session,
            user,
            case,
            cases.NewReferral(
                agency=agency,
                made_at=when or datetime.now(UTC),
                agency_name=agency_name,
                reference=reference,
                outcome=outcome,
                follow_up_on=_day(follow_up_on, "the follow-up date"),
            ),
        )

    return _change(request, db, settings, public_id, act, saved="referral", anchor="referrals")


@router.post("/cases/{public_id}/referrals/{referral_id}", dependencies=CSRF)
def update_referral(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    referral_id: DbId,
    outcome: Text = "",
    reference: Short = "",
    follow_up_on: Short = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        referral = next((r for r in case.referrals if r.id == referral_id), None)
        if referral is None:
            raise HTTPException(404)
        cases.update_referral(
            session,
            user,
            case,
            referral,
            outcome=outcome,
            reference=reference,
            follow_up_on=_day(follow_up_on, "the follow-up date"),
        )

    return _change(
        request, db, settings, public_id, act, saved="referral-updated", anchor="referrals"
    )


@router.post("/cases/{public_id}/tasks", dependencies=CSRF)
def add_task(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    title: Short = "",
    owner_id: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
    due_at: Short = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        due = _local_time(settings, due_at, "when it is due")
        if due is None:
            raise cases.CaseError("Write when the task is due.")
        cases.add_task(session, user, case, title=title, owner_id=owner_id, due_at=due)

    return _change(request, db, settings, public_id, act, saved="task", anchor="tasks")


@router.post("/cases/{public_id}/tasks/{task_id}/done", dependencies=CSRF)
def task_done(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId, task_id: DbId
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case = _editable(session, user, public_id)
        task = next((t for t in case.tasks if t.id == task_id), None)
        if task is None:
            raise HTTPException(404)
        cases.complete_task(session, user, case, task)
    return _back(public_id, "task-done", "tasks")


@router.post("/cases/{public_id}/tasks/{task_id}/due", dependencies=CSRF)
def move_task(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    task_id: DbId,
    due_at: Short = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        task = next((t for t in case.tasks if t.id == task_id), None)
        if task is None:
            raise HTTPException(404)
        due = _local_time(settings, due_at, "when it is due")
        if due is None:
            raise cases.CaseError("Write when the task is due.")
        cases.move_task(session, user, case, task, due)

    return _change(request, db, settings, public_id, act, saved="task-moved", anchor="tasks")


@router.post("/cases/{public_id}/linked-report", dependencies=CSRF)
def link_report(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    share_id: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Link a report a young person shared with the organisation (``share_id``: the share's
    id), or with an empty ``share_id`` unlink it."""

    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        if share_id:
            cases.link_share(session, user, case, share_id)
        else:
            cases.unlink_share(session, user, case)

    saved = "linked" if share_id else "unlinked"
    return _change(request, db, settings, public_id, act, saved=saved, anchor="linked")


@router.post("/cases/{public_id}/acknowledge", dependencies=CSRF)
def acknowledge(request: Request, db: DatabaseDep, public_id: PublicId) -> Response:
    """ "I am dealing with it": the urgent case's on-call alerts stop escalating."""
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        cases.acknowledge_case_alerts(session, case, user)
    return _back(public_id, "acknowledged", "urgent")


@router.post("/cases/{public_id}/notes", dependencies=CSRF)
def add_note(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    text: Text = "",
    occurred_at: Short = "",
    corrects: Annotated[int | None, Form(ge=1, le=100_000)] = None,
) -> Response:
    """A note, or (``corrects``: the entry's number in this case) a correction."""

    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        when = _local_time(settings, occurred_at, "when it happened")
        if corrects is not None:
            if corrects > len(case.entries):
                raise cases.CaseError("That entry is not in this case's chronology.")
            entry_id = case.entries[corrects - 1].id
            cases.correct_entry(session, user, case, entry_id, text, when)
        else:
            cases.add_note(session, user, case, text, when)

    return _change(request, db, settings, public_id, act, saved="note", anchor="chronology")


# Leading a case -------------------------------------------------------------------------------


@router.post("/cases/{public_id}/assign", dependencies=CSRF)
def assign(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    staff_id: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
) -> Response:
    return _change(
        request,
        db,
        settings,
        public_id,
        lambda session, user, case: cases.assign(session, user, case, staff_id),
        saved="assigned",
        anchor="manage",
        lead=True,
    )


@router.post("/cases/{public_id}/close", dependencies=CSRF)
def close(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    rationale: Text = "",
) -> Response:
    return _change(
        request,
        db,
        settings,
        public_id,
        lambda session, user, case: cases.close_case(session, user, case, rationale),
        saved="closed",
        anchor="manage",
        lead=True,
    )


@router.post("/cases/{public_id}/reopen", dependencies=CSRF)
def reopen(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId, reason: Text = ""
) -> Response:
    return _change(
        request,
        db,
        settings,
        public_id,
        lambda session, user, case: cases.reopen_case(session, user, case, reason),
        saved="reopened",
        anchor="manage",
        lead=True,
    )


@router.post("/cases/{public_id}/legal-hold", dependencies=CSRF)
def legal_hold(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    hold: Short = "",
    reason: Text = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        cases.set_legal_hold(session, user, case, hold=hold == "on", reason=reason)

    return _change(request, db, settings, public_id, act, saved="hold", anchor="manage", lead=True)


@router.post("/cases/{public_id}/erase", dependencies=CSRF)
def erase(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    confirm: Short = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        if confirm != "erase":
            raise cases.CaseError(
                "Tick the box to confirm that the case is to be deleted for good."
            )
        cases.erase_case(session, case)

    def back(public_id: str, saved: str, anchor: str) -> Response:
        return RedirectResponse("/staff/cases?erased=1", status_code=303)

    return _change(request, db, settings, public_id, act, saved="erased", lead=True, back=back)


# The organisation's case settings -------------------------------------------------------------


def _settings_page(
    request: Request,
    settings: Settings,
    session: Session,
    user: StaffUser,
    *,
    error: str | None = None,
    notice: str | None = None,
) -> Response:
    own_years = cases.own_retention(session, user.organisation_id)
    contacts = cases.pathways_of(session, user.organisation_id)
    rows = [*contacts, *[cases.Contact("deputy", "") for _ in range(3)]]
    if not contacts:
        rows = [cases.Contact(kind, "") for kind in cases.PATHWAYS]
    return render(
        request,
        "staff/cases/settings.html",
        {
            "rows": rows,
            "kinds": cases.PATHWAYS,
            "own_years": own_years,
            "default_years": settings.case_retention_years,
            "error": error,
            "notice": notice,
        },
        status_code=400 if error else 200,
    )


def _lead_staff(request: Request, session: Session) -> StaffUser:
    user = _staff(request, session)
    if not cases.leads(user):
        raise Forbidden
    return user


@router.get("/case-settings")
def case_settings(
    request: Request, db: DatabaseDep, settings: SettingsDep, saved: str = ""
) -> Response:
    with db.session() as session:
        user = _lead_staff(request, session)
        notice = "Saved." if saved else None
        return _settings_page(request, settings, session, user, notice=notice)


@router.post("/case-settings/pathways", dependencies=CSRF)
def save_pathways(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    kind: Annotated[list[str] | None, Form(max_length=30)] = None,
    name: Annotated[list[str] | None, Form(max_length=30)] = None,
    contact: Annotated[list[str] | None, Form(max_length=30)] = None,
) -> Response:
    kinds, names, contacts = kind or [], name or [], contact or []
    with db.session() as session:
        user = _lead_staff(request, session)
        rows = [
            cases.Contact(k, n, contacts[i] if i < len(contacts) else "")
            for i, (k, n) in enumerate(zip(kinds, names, strict=False))
        ]
        try:
            cases.replace_pathways(session, user.organisation_id, rows)
        except cases.CaseError as exc:
            session.rollback()
            return _settings_page(request, settings, session, user, error=str(exc))
    return RedirectResponse("/staff/case-settings?saved=1", status_code=303)


@router.post("/case-settings/retention", dependencies=CSRF)
def save_retention(
    request: Request, db: DatabaseDep, settings: SettingsDep, years: Short = ""
) -> Response:
    with db.session() as session:
        user = _lead_staff(request, session)
        try:
            value = int(years) if years.strip() else None
        except ValueError:
            value = -1
        try:
            cases.set_retention(session, user.organisation_id, value)
        except cases.CaseError as exc:
            session.rollback()
            return _settings_page(request, settings, session, user, error=str(exc))
    return RedirectResponse("/staff/case-settings?saved=1", status_code=303)
