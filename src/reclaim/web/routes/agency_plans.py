"""Staff pages for a case's multi-agency plan: thin routes over :mod:`reclaim.cases`
(:mod:`reclaim.cases.agency_plan`).

The plan page (``/staff/cases/{id}/plan``) shows the actions, the next review, the reviews
held and the GP decision, prints cleanly, and holds the forms; the case page shows the plan in
brief. Access is the case's: a viewer reads, a caseworker acts on their own cases, a DSL on
every case; another organisation is told the case does not exist (404).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from reclaim import cases
from reclaim.accounts import StaffUser
from reclaim.config import Settings
from reclaim.storage import Session
from reclaim.web.csrf import verify_csrf
from reclaim.web.ids import DbId, PublicId
from reclaim.web.routes.cases import Act, _case, _case_page, _change, _day, _staff
from reclaim.web.services import DatabaseDep, SettingsDep

router = APIRouter(prefix="/staff", include_in_schema=False)
CSRF = [Depends(verify_csrf)]

Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=300)]
OptionalId = Annotated[str, Form(max_length=20)]

PLAN_TEMPLATE = "staff/cases/plan.html"

NOTICES = {
    "action": "Action added to the plan.",
    "action-updated": "Action updated.",
    "review-set": "Review date set: it is a task, and its owner is reminded when it is due.",
    "review": "Review recorded. Its task is done.",
    "gp": "The reason the GP is not involved is recorded.",
}


def _back(public_id: str, saved: str, anchor: str) -> Response:
    return RedirectResponse(
        f"/staff/cases/{public_id}/plan?saved={saved}#{anchor}", status_code=303
    )


def _id(value: str, what: str) -> int | None:
    """An optional id from a select ("" for none)."""
    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 2**63 - 1:
        raise cases.CaseError(f"Choose {what} from the list.")
    return int(text)


def _required_day(value: str, what: str) -> date:
    day = _day(value, what)
    if day is None:
        raise cases.CaseError(f"Write {what}.")
    return day


def _plan_change(
    request: Request,
    db: DatabaseDep,
    settings: Settings,
    public_id: str,
    act: Act,
    saved: str,
    anchor: str,
) -> Response:
    """A change to the plan: back to the plan page, or (nothing was saved) the plan page again
    with what to put right."""
    return _change(
        request,
        db,
        settings,
        public_id,
        act,
        saved=saved,
        anchor=anchor,
        back=_back,
        template=PLAN_TEMPLATE,
    )


@router.get("/cases/{public_id}/plan")
def plan_page(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId, saved: str = ""
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _case_page(
            request, settings, session, user, case, PLAN_TEMPLATE, notice=NOTICES.get(saved)
        )


@router.post("/cases/{public_id}/plan/actions", dependencies=CSRF)
def add_action(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    agency: Short = "",
    agency_name: Short = "",
    what: Text = "",
    owner_name: Short = "",
    owner_id: OptionalId = "",
    due_on: Short = "",
    child_id: OptionalId = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        cases.add_plan_action(
            session,
            user,
            case,
            cases.NewPlanAction(
                agency=agency,
                what=what,
                owner_name=owner_name,
                owner_id=_id(owner_id, "a colleague"),
                due_on=_day(due_on, "the due date"),
                child_id=_id(child_id, "a child"),
                agency_name=agency_name,
            ),
        )

    return _plan_change(request, db, settings, public_id, act, "action", "plan-actions")


@router.post("/cases/{public_id}/plan/actions/{action_id}", dependencies=CSRF)
def update_action(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    action_id: DbId,
    status: Short = "",
    note: Text = "",
    due_on: Short = "",
    owner_name: Short = "",
    owner_id: OptionalId = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        action = cases.find_plan_action(session, case, action_id)
        if action is None:
            raise HTTPException(404)
        cases.update_plan_action(
            session,
            user,
            case,
            action,
            status=status,
            note=note,
            due_on=_day(due_on, "the new due date"),
            owner_name=owner_name,
            owner_id=_id(owner_id, "a colleague"),
        )

    anchor = f"plan-action-{action_id}"
    return _plan_change(request, db, settings, public_id, act, "action-updated", anchor)


@router.post("/cases/{public_id}/plan/next-review", dependencies=CSRF)
def set_next_review(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    review_on: Short = "",
    owner_id: OptionalId = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        cases.schedule_review(
            session,
            user,
            case,
            _required_day(review_on, "the review date"),
            _id(owner_id, "a colleague"),
        )

    return _plan_change(request, db, settings, public_id, act, "review-set", "plan-reviews")


@router.post("/cases/{public_id}/plan/reviews", dependencies=CSRF)
def record_review(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    held_on: Short = "",
    attended: Text = "",
    changed: Text = "",
    next_review_on: Short = "",
    owner_id: OptionalId = "",
) -> Response:
    def act(session: Session, user: StaffUser, case: cases.Case) -> None:
        cases.record_review(
            session,
            user,
            case,
            held_on=_required_day(held_on, "when the review was held"),
            attended=attended,
            changed=changed,
            next_review_on=_day(next_review_on, "the next review date"),
            owner_id=_id(owner_id, "a colleague"),
        )

    return _plan_change(request, db, settings, public_id, act, "review", "plan-reviews")


@router.post("/cases/{public_id}/plan/gp-reason", dependencies=CSRF)
def gp_reason(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    reason: Text = "",
) -> Response:
    return _plan_change(
        request,
        db,
        settings,
        public_id,
        lambda session, user, case: cases.record_gp_reason(session, user, case, reason),
        "gp",
        "plan-gp",
    )
