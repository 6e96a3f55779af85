"""Staff pages for one report: flags, items with platform feedback, links and their status.

A report is addressed by its random ``public_id``, never its sequential number, and only its
own organisation's staff find it: to anyone else it does not exist (404). Opening a report is
a read of case data and is audited each time. Moving a link along (sent to the website,
removed) needs ``links:move`` and goes through the takedown status machine (the place in the
takedown queue is the one record: :mod:`reclaim.takedown`); the young person sees it on their
status page, and it is news for them if they left an email.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from reclaim.accounts import Permission, can
from reclaim.audit import CaseAction, record
from reclaim.notify import acknowledge_subject, news_counts
from reclaim.reports import (
    case_for_staff,
    danger_flags,
    mark_urgent_seen,
    move_link,
    report_for_staff,
    show_reference,
)
from reclaim.takedown import PlaceStatus, TransitionRefused, clocks_from
from reclaim.takedown.status import ALLOWED
from reclaim.takedown.wording import STAFF_LABEL
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import Forbidden, require_case_staff
from reclaim.web.ids import DbId, PublicId
from reclaim.web.services import DatabaseDep, ServicesDep, SettingsDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff/reports", include_in_schema=False)

AGE_GROUPS = {
    "under13": "under 13",
    "under18": "under 18",
    "adult_taken_under18": "18+, taken under 18",
    "adult": "18+",
}
FEELS_SAFE = {"yes": "yes", "no": "no", "not_sure": "not sure"}
NOTICES = {
    "1": "Saved. The young person's status page shows it now.",
    "refused": "Not saved: that move is not allowed from where the link stands, or no reason "
    "was given.",
    "seen": "Marked seen. It stays urgent, and leaves the list of urgent reports not yet seen.",
}


@router.get("/{public_id}")
def report_detail(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    public_id: PublicId,
    changed: str = "",
) -> Response:
    with db.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        case = case_for_staff(
            session, user.organisation_id, public_id, settings.intake_organisation
        )
        if case is None:
            raise HTTPException(404)
        record(session, CaseAction.REPORT_VIEWED, object_type="report", object_id=case.id)
        context = {
            "case": case,
            "news": news_counts(session, case.id),
            "flags": danger_flags(case.threatened, case.feels_safe, case.age_group),
            "reference": show_reference(case.reference),
            "age_group": AGE_GROUPS.get(case.age_group, case.age_group),
            "feels_safe": FEELS_SAFE.get(case.feels_safe or "", "not asked"),
            "organisation_kind": user.organisation.kind,
            "can_edit": can(user.role, Permission.MOVE_LINKS),
            "can_see_items": can(user.role, Permission.MANAGE_HASHES),
            "can_work_queue": can(user.role, Permission.VIEW_CASES),
            "url_labels": {s.value: label for s, label in STAFF_LABEL.items()},
            "next_moves": {
                u.id: sorted(s.value for s in ALLOWED[PlaceStatus(u.status)]) for u in case.urls
            },
            "notice": NOTICES.get(changed),
        }
    return render(request, "staff/report.html", context)


@router.post("/{public_id}/urls/{url_id}", dependencies=[Depends(verify_csrf)])
def change_url_status(
    request: Request,
    services: ServicesDep,
    public_id: PublicId,
    url_id: DbId,
    status: Annotated[PlaceStatus, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    intake = services.settings.intake_organisation
    with services.database.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        report = report_for_staff(session, user.organisation_id, public_id, intake)
        if report is None:  # another organisation's report does not exist, whatever the role
            raise HTTPException(404)
        if not can(user.role, Permission.MOVE_LINKS):
            raise Forbidden
        try:
            moved = move_link(
                session,
                report,
                url_id,
                status,
                reason=reason,
                staff_user_id=user.id,
                news=services.outbox,
                clocks=clocks_from(services.settings),
            )
        except TransitionRefused:
            return RedirectResponse(f"/staff/reports/{public_id}?changed=refused", status_code=303)
        if moved is None:
            raise HTTPException(404)
    return RedirectResponse(f"/staff/reports/{public_id}?changed=1", status_code=303)


@router.post("/{public_id}/seen", dependencies=[Depends(verify_csrf)])
def urgent_seen(
    request: Request, db: DatabaseDep, settings: SettingsDep, public_id: PublicId
) -> Response:
    """Someone has looked at this urgent report: it leaves "urgent, not yet seen" (audited)."""
    with db.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        report = report_for_staff(
            session, user.organisation_id, public_id, settings.intake_organisation
        )
        if report is None:  # another organisation's report does not exist, whatever the role
            raise HTTPException(404)
        if not can(user.role, Permission.EDIT_CASES):
            raise Forbidden
        mark_urgent_seen(session, report, user.id)
        # Someone has looked at it: its alert stops moving down the on-call list.
        acknowledge_subject(session, user.organisation_id, f"/staff/reports/{public_id}", user)
    return RedirectResponse(f"/staff/reports/{public_id}?changed=seen", status_code=303)
