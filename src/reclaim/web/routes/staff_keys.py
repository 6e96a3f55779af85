"""A platform's admins issue and revoke its own API keys. A key is shown once, then only its
prefix. Nobody else manages a platform's keys on the web: other organisations' admins are
refused (403), and another platform's key does not exist for them (404). The instance operator
manages any platform's keys with `reclaim apikey` on the server."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from reclaim.accounts import (
    ALL_SCOPES,
    ApiKeyError,
    OrganisationKind,
    Permission,
    StaffUser,
    issue,
    key_of,
    keys_of,
    organisation_name,
    revoke,
)
from reclaim.storage import Database, Session
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import Forbidden, require_staff
from reclaim.web.ids import DbId
from reclaim.web.services import DatabaseDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff/api-keys", include_in_schema=False)


def require_platform_admin(request: Request, session: Session) -> StaffUser:
    """An admin of a platform organisation: the only staff who manage its keys."""
    user = require_staff(request, session, Permission.MANAGE_STAFF)
    if user.organisation.kind != OrganisationKind.PLATFORM.value:
        raise Forbidden
    return user


def _page(request: Request, db: Database, organisation_id: int, **extra: object) -> Response:
    with db.read_session() as session:
        context = {
            "keys": keys_of(session, organisation_id),
            "organisation": organisation_name(session, organisation_id),
            "scopes": [s.value for s in ALL_SCOPES],
            **extra,
        }
        return render(
            request, "staff/api_keys.html", context, status_code=int(str(extra.get("status", 200)))
        )


@router.get("")
def keys_page(request: Request, db: DatabaseDep) -> Response:
    with db.session() as session:
        organisation_id = require_platform_admin(request, session).organisation_id
    return _page(request, db, organisation_id)


@router.post("", dependencies=[Depends(verify_csrf)])
def create_key(
    request: Request,
    db: DatabaseDep,
    name: Annotated[str, Form(max_length=120)],
    scopes: Annotated[list[str] | None, Form()] = None,
    rate_per_minute: Annotated[int, Form()] = 600,
) -> Response:
    """Always for the admin's own platform (a form naming another organisation is ignored)."""
    error = None
    with db.session() as session:
        user = require_platform_admin(request, session)
        organisation_id = user.organisation_id
        try:  # issue() checks everything before it writes anything
            issued = issue(session, user.organisation, name, scopes or [], rate_per_minute)
            token, prefix = issued.token, issued.key.prefix
        except ApiKeyError as exc:
            error = str(exc)
    if error:
        return _page(request, db, organisation_id, error=error, status=400)
    return _page(request, db, organisation_id, new_token=token, new_prefix=prefix)


@router.post("/{key_id}/revoke", dependencies=[Depends(verify_csrf)])
def revoke_key(request: Request, db: DatabaseDep, key_id: DbId) -> Response:
    with db.session() as session:
        user = require_platform_admin(request, session)
        key = key_of(session, user.organisation_id, key_id)
        if key is None:
            raise HTTPException(404)
        revoke(session, key)
    return RedirectResponse("/staff/api-keys", status_code=303)
