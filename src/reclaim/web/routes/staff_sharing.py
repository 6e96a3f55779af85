"""Staff pages for reports young people share: the organisation's share code (admins and
DSLs see it and make a new one) and "Shared with you" (admins, DSLs and caseworkers).

A shared report is addressed by its share's random id. Another organisation's share, a stopped
share or a deleted report does not exist (404). Every read is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from reclaim.accounts import Permission, can
from reclaim.reports import (
    WHAT_IS_NOT_SHARED,
    WHAT_IS_SHARED,
    regenerate_share_code,
    share_code_for,
    shared_report_view,
    shared_with,
    show_code,
)
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import Forbidden, require_case_staff
from reclaim.web.ids import PublicId
from reclaim.web.services import DatabaseDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)

ITEM_WORDS = {
    "active": "On the block list",
    "withdrawn": "Withdrawn by the young person",
    "stopped": "Stopped by staff",
    "expired": "Expired",
}


@router.get("/sharing")
def sharing_page(request: Request, db: DatabaseDep, done: str = "") -> Response:
    with db.session() as session:
        user = require_case_staff(request, session, Permission.EDIT_CASES)
        manage = can(user.role, Permission.MANAGE_SHARING)
        code = share_code_for(session, user.organisation_id) if manage else None
        context = {
            "code": show_code(code) if code else "",
            "can_manage": manage,
            "shared": shared_with(session, user.organisation_id),
            "what_is_shared": WHAT_IS_SHARED,
            "what_is_not_shared": WHAT_IS_NOT_SHARED,
            "notice": "A new code is ready. The old one no longer works." if done else "",
        }
    return render(request, "staff/sharing.html", context)


@router.post("/sharing/code", dependencies=[Depends(verify_csrf)])
def new_code(request: Request, db: DatabaseDep) -> Response:
    with db.session() as session:
        user = require_case_staff(request, session, Permission.EDIT_CASES)
        if not can(user.role, Permission.MANAGE_SHARING):
            raise Forbidden
        regenerate_share_code(session, user.organisation_id)
    return RedirectResponse("/staff/sharing?done=code", status_code=303)


@router.get("/shared/{share_id}")
def shared_report(request: Request, db: DatabaseDep, share_id: PublicId) -> Response:
    with db.session() as session:
        user = require_case_staff(request, session, Permission.EDIT_CASES)
        view = shared_report_view(session, user.organisation_id, share_id)
        if view is None:
            raise HTTPException(404)
        context = {"view": view, "item_words": ITEM_WORDS}
    return render(request, "staff/shared_report.html", context)
