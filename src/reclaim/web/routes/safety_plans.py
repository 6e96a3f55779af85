"""Staff pages for a child's safety plan in a case: thin routes over :mod:`reclaim.cases`.

One plan per child, made with the child in their own words (the six steps and "what matters
to me"); every change is a new version and earlier ones stay readable. The child's copy is a
printable, phone-friendly page in plain words, in English or Welsh (``?lang=cy``). The child's
consent to see it on their status page, its withdrawal, and the reason when there is no plan
yet are recorded here. Access is the case's (reclaim.cases.access): reading audits the read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from reclaim import cases
from reclaim.accounts import StaffUser
from reclaim.config import Settings
from reclaim.directory import country as find_country
from reclaim.storage import Session
from reclaim.web.guards import Forbidden
from reclaim.web.i18n import LANGUAGES
from reclaim.web.ids import DbId, PublicId
from reclaim.web.routes.cases import CSRF, _case, _editable, _formatter, _staff
from reclaim.web.services import DatabaseDep, SettingsDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)

Step = Annotated[str, Form(max_length=4100)]

NOTICES = {
    "saved": "Saved as a new version. Earlier versions stay readable below.",
    "reason": "The reason is recorded, in the chronology too.",
    "consent": "Consent recorded: the plan shows on the child's status page.",
    "withdrawn": "The plan no longer shows on the child's status page.",
}


def _base(public_id: str, child_id: int) -> str:
    return f"/staff/cases/{public_id}/safety-plan/{child_id}"


def _page(
    request: Request,
    settings: Settings,
    session: Session,
    user: StaffUser,
    case: cases.Case,
    child_id: int,
    *,
    version: int | None = None,
    error: str | None = None,
    notice: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    access = cases.access_to(user, case)
    assert access is not None
    names = cases.staff_names(session, case.organisation_id)
    draft = cases.prefill(session, case.organisation_id, find_country(settings.default_country))
    view = cases.plan_view(session, case, child_id, names, version=version, prefill=draft)
    if view is None:
        raise HTTPException(404)
    return render(
        request,
        "staff/cases/safety_plan.html",
        {
            "plan": view,
            "steps": cases.PLAN_STEPS,
            "form": form if form is not None else view.draft,
            "editing": access.edit and view.case_open,
            "consenting": access.edit,
            "when": _formatter(settings),
            "hint": cases.NO_PLAN_HINT,
            "languages": LANGUAGES,
            "error": error,
            "notice": notice,
        },
        status_code=400 if error else 200,
    )


@router.get("/cases/{public_id}/safety-plan/{child_id}")
def plan_page(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    child_id: DbId,
    version: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    saved: str = "",
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _page(
            request,
            settings,
            session,
            user,
            case,
            child_id,
            version=version,
            notice=NOTICES.get(saved),
        )


@router.post("/cases/{public_id}/safety-plan/{child_id}", dependencies=CSRF)
def save_plan(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    child_id: DbId,
    warning_signs: Step = "",
    on_my_own: Step = "",
    distractions: Step = "",
    people: Step = "",
    professionals: Step = "",
    surroundings: Step = "",
    what_matters: Step = "",
) -> Response:
    words = {
        "warning_signs": warning_signs,
        "on_my_own": on_my_own,
        "distractions": distractions,
        "people": people,
        "professionals": professionals,
        "surroundings": surroundings,
        "what_matters": what_matters,
    }
    with db.session() as session:
        user = _staff(request, session)
        case = _editable(session, user, public_id)
        try:
            cases.save_plan(session, user, case, child_id, words)
        except cases.CaseError as exc:
            session.rollback()
            error = str(exc)
        else:
            return RedirectResponse(f"{_base(public_id, child_id)}?saved=saved", status_code=303)
    with db.session() as session:  # nothing was saved: the page again, with what was typed
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _page(request, settings, session, user, case, child_id, error=error, form=words)


def _act(
    request: Request,
    db: DatabaseDep,
    settings: Settings,
    public_id: str,
    child_id: int,
    saved: str,
    action: str,
    reason: str = "",
) -> Response:
    with db.session() as session:
        user = _staff(request, session)
        case = _editable(session, user, public_id) if action != "withdraw" else None
        if case is None:  # withdrawing consent: also on a closed case (the child may say so)
            found, access = _case(session, user, public_id)
            if not access.edit:
                raise Forbidden
            case = found
        try:
            if action == "reason":
                cases.record_no_plan_reason(session, user, case, child_id, reason)
            elif action == "consent":
                cases.give_consent(session, user, case, child_id)
            else:
                cases.withdraw_consent(session, user, case, child_id)
        except cases.CaseError as exc:
            session.rollback()
            error = str(exc)
        else:
            return RedirectResponse(f"{_base(public_id, child_id)}?saved={saved}", status_code=303)
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        return _page(request, settings, session, user, case, child_id, error=error)


@router.post("/cases/{public_id}/safety-plan/{child_id}/reason", dependencies=CSRF)
def no_plan_reason(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    child_id: DbId,
    reason: Annotated[str, Form(max_length=2100)] = "",
) -> Response:
    """Why the child has no safety plan yet ("they did not want one today; we ask again on
    ..."): the case can then close."""
    return _act(request, db, settings, public_id, child_id, "reason", "reason", reason)


@router.post("/cases/{public_id}/safety-plan/{child_id}/consent", dependencies=CSRF)
def consent(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    child_id: DbId,
    agreed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """``agreed=yes``: the child agreed to see the plan on their status page; anything else
    withdraws that consent."""
    if agreed == "yes":
        return _act(request, db, settings, public_id, child_id, "consent", "consent")
    return _act(request, db, settings, public_id, child_id, "withdrawn", "withdraw")


@router.get("/cases/{public_id}/safety-plan/{child_id}/copy")
def child_copy(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    child_id: DbId,
    lang: Annotated[str, Query(max_length=5)] = "en",
) -> Response:
    """The child's copy: printable and phone-friendly, in plain words, in the child's
    language (English or Welsh), with nothing of the case but the plan."""
    language = lang if lang in LANGUAGES else "en"
    with db.session() as session:
        user = _staff(request, session)
        case, _ = _case(session, user, public_id)
        copy = cases.child_copy(session, case, child_id)
        if copy is None:
            raise HTTPException(404)
        place = find_country(settings.default_country)
        return render(
            request,
            "staff/cases/safety_plan_copy.html",
            {
                "lang": language,
                "safety_plan": copy,
                "place": place,
                "back": _base(public_id, child_id),
                "switch": [
                    {"code": code, "name": name, "href": f"?lang={code}"}
                    for code, name in LANGUAGES.items()
                    if code != language
                ],
            },
        )
