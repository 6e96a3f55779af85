"""A platform's admins issue and revoke its own API keys. A key is shown once, then only its
prefix. Nobody else manages a platform's keys on the web: other organisations' admins are
refused (403), and another platform's key does not exist for them (404). The instance operator
manages any platform's keys with `reclaim apikey` on the server."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.accounts.apikeys import ALL_SCOPES, ApiKeyError, issue, revoke
from reclaim.accounts.models import ApiKey, Organisation, StaffUser
from reclaim.accounts.roles import OrganisationKind, Permission
from reclaim.storage.database import Database
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import Forbidden, require_staff
from reclaim.web.ids import DbId
from reclaim.web.templating import render

router = APIRouter(prefix="/staff/api-keys", include_in_schema=False)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def require_platform_admin(request: Request, db: Session) -> StaffUser:
    """An admin of a platform organisation: the only staff who manage its keys."""
    user = require_staff(request, db, Permission.MANAGE_STAFF)
    if user.organisation.kind != OrganisationKind.PLATFORM.value:
        raise Forbidden
    return user


def _page(request: Request, db: Database, organisation_id: int, **extra: object) -> Response:
    with db.read_session() as session:
        organisation = session.get(Organisation, organisation_id)
        keys = list(
            session.scalars(
                select(ApiKey)
                .where(ApiKey.organisation_id == organisation_id)
                .order_by(ApiKey.id.desc())
            )
        )
        context = {
            "keys": keys,
            "organisation": organisation.name if organisation else "",
            "scopes": [s.value for s in ALL_SCOPES],
            **extra,
        }
        return render(
            request, "staff/api_keys.html", context, status_code=int(str(extra.get("status", 200)))
        )


@router.get("")
def keys_page(request: Request) -> Response:
    with _db(request).session() as db:
        organisation_id = require_platform_admin(request, db).organisation_id
    return _page(request, _db(request), organisation_id)


@router.post("", dependencies=[Depends(verify_csrf)])
def create_key(
    request: Request,
    name: Annotated[str, Form(max_length=120)],
    scopes: Annotated[list[str] | None, Form()] = None,
    rate_per_minute: Annotated[int, Form()] = 600,
) -> Response:
    """Always for the admin's own platform (a form naming another organisation is ignored)."""
    error = None
    with _db(request).session() as db:
        user = require_platform_admin(request, db)
        organisation_id = user.organisation_id
        try:  # issue() checks everything before it writes anything
            issued = issue(db, user.organisation, name, scopes or [], rate_per_minute)
            token, prefix = issued.token, issued.key.prefix
        except ApiKeyError as exc:
            error = str(exc)
    if error:
        return _page(request, _db(request), organisation_id, error=error, status=400)
    return _page(request, _db(request), organisation_id, new_token=token, new_prefix=prefix)


@router.post("/{key_id}/revoke", dependencies=[Depends(verify_csrf)])
def revoke_key(request: Request, key_id: DbId) -> Response:
    with _db(request).session() as db:
        user = require_platform_admin(request, db)
        key = db.get(ApiKey, key_id)
        if key is None or key.organisation_id != user.organisation_id:
            raise HTTPException(404)
        revoke(db, key)
    return RedirectResponse("/staff/api-keys", status_code=303)
