"""Admins issue and revoke platforms' API keys. A key is shown once, then only its prefix."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from reclaim.accounts.apikeys import ALL_SCOPES, ApiKeyError, issue, revoke
from reclaim.accounts.models import ApiKey, Organisation
from reclaim.accounts.roles import OrganisationKind, Permission
from reclaim.storage.database import Database
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import require_staff
from reclaim.web.ids import DbId
from reclaim.web.templating import render

router = APIRouter(prefix="/staff/api-keys", include_in_schema=False)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _page(request: Request, db: Database, **extra: object) -> Response:
    with db.read_session() as session:
        keys = list(session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))
        platforms = list(
            session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrganisationKind.PLATFORM.value)
                .order_by(Organisation.name)
            )
        )
        context = {
            "keys": keys,
            "platforms": platforms,
            "scopes": [s.value for s in ALL_SCOPES],
            **extra,
        }
        return render(
            request, "staff/api_keys.html", context, status_code=int(str(extra.get("status", 200)))
        )


@router.get("")
def keys_page(request: Request) -> Response:
    with _db(request).session() as db:
        require_staff(request, db, Permission.MANAGE_STAFF)
    return _page(request, _db(request))


@router.post("", dependencies=[Depends(verify_csrf)])
def create_key(
    request: Request,
    organisation_id: Annotated[DbId, Form()],
    name: Annotated[str, Form(max_length=120)],
    scopes: Annotated[list[str] | None, Form()] = None,
    rate_per_minute: Annotated[int, Form()] = 600,
) -> Response:
    error = None
    with _db(request).session() as db:
        require_staff(request, db, Permission.MANAGE_STAFF)
        organisation = db.get(Organisation, organisation_id)
        if organisation is None or organisation.kind != OrganisationKind.PLATFORM.value:
            error = "Choose a platform organisation."
        else:
            try:  # issue() checks everything before it writes anything
                issued = issue(db, organisation, name, scopes or [], rate_per_minute)
                token, prefix = issued.token, issued.key.prefix
            except ApiKeyError as exc:
                error = str(exc)
    if error:
        return _page(request, _db(request), error=error, status=400)
    return _page(request, _db(request), new_token=token, new_prefix=prefix)


@router.post("/{key_id}/revoke", dependencies=[Depends(verify_csrf)])
def revoke_key(request: Request, key_id: DbId) -> Response:
    with _db(request).session() as db:
        require_staff(request, db, Permission.MANAGE_STAFF)
        key = db.get(ApiKey, key_id)
        if key is None:
            raise HTTPException(404)
        revoke(db, key)
    return RedirectResponse("/staff/api-keys", status_code=303)
