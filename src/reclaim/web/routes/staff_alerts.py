"""Staff pages for alerts: open alerts with Acknowledge, the on-call list, web push.

Alerts are the organisation's own: another organisation's alert does not exist (404). Roles
that see case data see and acknowledge alerts; admins and DSLs set the on-call list. A browser
subscribes to web push from this page (``staff-push.js`` and the service worker).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from reclaim.accounts import Permission, can
from reclaim.notify import (
    AlertError,
    acknowledge,
    oncall_list,
    open_alerts,
    push_subscriptions_of,
    set_oncall,
    subscribe_push,
    unsubscribe_push,
)
from reclaim.web.body import FormDep
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import Forbidden, require_case_staff
from reclaim.web.ids import DbId
from reclaim.web.services import DatabaseDep, Services, ServicesDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)

NOTICES = {
    "ack": "Acknowledged. Nobody else will be called about it.",
    "oncall": "Saved. Alerts go to the on-call list in this order.",
    "push": "This browser will show alerts.",
    "nopush": "This browser will no longer show alerts.",
}


def _page(
    request: Request,
    services: Services,
    notice: str = "",
    error: str = "",
    status_code: int = 200,
) -> Response:
    settings = services.settings
    after = settings.alert_escalate_minutes
    with services.database.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        alerts = open_alerts(session, user.organisation_id)
        manage = can(user.role, Permission.MANAGE_ONCALL)
        context = {
            "alerts": alerts,
            "escalate_minutes": after,
            "oncall": oncall_list(session, user.organisation_id),
            "can_manage": manage,
            "push_key": settings.vapid_public_key if settings.push_enabled else "",
            "push_here": bool(push_subscriptions_of(session, user.id)),
            "notice": NOTICES.get(notice, ""),
            "error": error,
        }
    return render(request, "staff/alerts.html", context, status_code=status_code)


@router.get("/alerts")
def alerts_page(request: Request, services: ServicesDep, done: str = "") -> Response:
    return _page(request, services, notice=done)


@router.post("/alerts/{alert_id}/acknowledge", dependencies=[Depends(verify_csrf)])
def acknowledge_alert(request: Request, db: DatabaseDep, alert_id: DbId) -> Response:
    with db.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        try:
            acknowledge(session, alert_id, user)
        except LookupError:
            raise HTTPException(404) from None
    return RedirectResponse("/staff/alerts?done=ack", status_code=303)


@router.post("/oncall", dependencies=[Depends(verify_csrf)])
def change_oncall(request: Request, services: ServicesDep, form: FormDep) -> Response:
    """Each colleague's place (``place-<id>``: a number, or empty for not on call)."""
    places: list[tuple[int, int]] = []
    for key, value in form.multi_items():
        name_ok = key.startswith("place-") and key[6:].isdigit()
        if name_ok and isinstance(value, str) and value.strip().isdigit():
            places.append((int(value), int(key[6:])))
    with services.database.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        if not can(user.role, Permission.MANAGE_ONCALL):
            raise Forbidden
        # Always the member's own organisation: anyone else named in the form is ignored.
        colleagues = {e.staff_user_id for e in oncall_list(session, user.organisation_id)}
        chosen = [uid for _, uid in sorted(places) if uid in colleagues]
        try:
            set_oncall(session, user.organisation_id, chosen)
        except AlertError as exc:
            error = str(exc)
        else:
            error = ""
    if error:
        return _page(request, services, error=error, status_code=400)
    return RedirectResponse("/staff/alerts?done=oncall", status_code=303)


@router.post("/push/subscribe", dependencies=[Depends(verify_csrf)])
def push_subscribe(
    request: Request,
    db: DatabaseDep,
    endpoint: Annotated[str, Form(max_length=1000)],
    p256dh: Annotated[str, Form(max_length=200)],
    auth: Annotated[str, Form(max_length=64)],
) -> Response:
    """Keep this browser's subscription (used while the server's VAPID keys are set)."""
    with db.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        try:
            subscribe_push(session, user.id, endpoint, p256dh, auth)
        except AlertError as exc:
            raise HTTPException(400, str(exc)) from None
    return RedirectResponse("/staff/alerts?done=push", status_code=303)


@router.post("/push/unsubscribe", dependencies=[Depends(verify_csrf)])
def push_unsubscribe(
    request: Request, db: DatabaseDep, endpoint: Annotated[str, Form(max_length=1000)] = ""
) -> Response:
    """Forget this browser (``endpoint``), or every browser of the signed-in member."""
    with db.session() as session:
        user = require_case_staff(request, session, Permission.VIEW_CASES)
        unsubscribe_push(session, user.id, endpoint or None)
    return RedirectResponse("/staff/alerts?done=nopush", status_code=303)
