"""Who is signed in, and may they do this? Used by every staff page and staff API route."""

from __future__ import annotations

from fastapi import Request

from reclaim.accounts import Permission, StaffSession, StaffUser, can, sees_case_data, sessions
from reclaim.audit import current_context
from reclaim.notify import open_alerts_count
from reclaim.reports import urgent_waiting
from reclaim.storage import Session
from reclaim.web.cookies import SESSION_COOKIE, cookie_name, settings_of
from reclaim.web.services import services_of


class LoginRequired(Exception):
    """No live, fully signed-in session: send the person to the sign-in page."""


class Forbidden(Exception):
    """Signed in, but this role may not do this."""


def session_policy(request: Request) -> sessions.SessionPolicy:
    return services_of(request.app).session_policy


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(settings_of(request), SESSION_COOKIE))


def resolve_staff(
    request: Request, db: Session, *, stage: str = sessions.STAGE_ACTIVE
) -> tuple[StaffSession, StaffUser]:
    found = sessions.resolve(db, session_token(request), session_policy(request))
    if found is None or found[0].stage != stage:
        raise LoginRequired
    staff_session, user = found
    ctx = current_context()
    ctx.actor = f"user:{user.id}"
    ctx.organisation_id = user.organisation_id
    return staff_session, user


def require_case_staff(request: Request, db: Session, permission: Permission) -> StaffUser:
    """Like :func:`require_staff`, for pages holding case data: never platform staff."""
    user = require_staff(request, db, permission)
    if not sees_case_data(user.role, user.organisation.kind):
        raise Forbidden
    return user


def require_staff(request: Request, db: Session, permission: Permission | None = None) -> StaffUser:
    """The signed-in staff member (second factor passed), checked for ``permission``.

    For staff who may see case data, it also counts the urgent reports no one has marked seen:
    every staff page shows that count (``staff/base.html``), so urgent reports are never out of
    sight, whatever page someone is on; and the alerts nobody has acknowledged yet."""
    _, user = resolve_staff(request, db)
    request.state.staff = user
    if sees_case_data(user.role, user.organisation.kind):
        intake = settings_of(request).intake_organisation
        request.state.urgent_waiting = urgent_waiting(db, user.organisation_id, intake)
        request.state.alerts_open = open_alerts_count(db, user.organisation_id)
    if permission is not None and not can(user.role, permission):
        raise Forbidden
    return user
