"""Staff pages for hash lists: counts, search by hash, item detail, withdraw or disable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from reclaim.accounts import Permission
from reclaim.audit import BankAction, record
from reclaim.bank import (
    BankError,
    ItemStatus,
    Provenance,
    SignalRejected,
    SignalType,
    feedback_on,
    item_by_id,
    list_counts,
    make_signal,
)
from reclaim.reports import item_reports_for_staff, show_reference, staff_set_item_status
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import require_case_staff
from reclaim.web.ids import DbId
from reclaim.web.services import DatabaseDep, ServicesDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)


def _guess_type(value: str) -> SignalType:
    return SignalType.MD5 if len(value.strip()) == 32 else SignalType.PDQ


@router.get("/lists")
def lists(
    request: Request,
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    error, results = None, None
    with services.database.session() as session:
        require_case_staff(request, session, Permission.MANAGE_HASHES)
        table = list_counts(session)
        if q:
            query = q.strip().lower()
            try:
                kind = _guess_type(query)
                signal = make_signal(kind, query, 100 if kind is SignalType.PDQ else None)
                matcher = services.matcher
                matcher.sync(session)
                hits = matcher.match([signal])[0]
                exact_sha = (
                    make_signal(SignalType.SHA256, query) if kind is SignalType.PDQ else None
                )
                if exact_sha is not None:
                    hits += matcher.match([exact_sha])[0]
                results = [
                    {
                        "item_id": h.item_id,
                        "list": h.list_name,
                        "distance": h.distance,
                        "type": h.signal_type,
                    }
                    for h in hits
                ]
            except SignalRejected as exc:
                error = f"That is not a hash Reclaim can search for: {exc}"
            record(session, BankAction.LIST_SEARCHED, object_type="list")
    return render(
        request,
        "staff/lists.html",
        {"lists": table, "q": q or "", "results": results, "error": error},
    )


@router.get("/items/{item_id}")
def item_detail(request: Request, db: DatabaseDep, item_id: DbId) -> Response:
    with db.session() as session:
        user = require_case_staff(request, session, Permission.MANAGE_HASHES)
        item = item_by_id(session, item_id)
        if item is None:
            raise HTTPException(404)
        self_report = item.provenance == Provenance.SELF_REPORT.value
        reports = [
            (show_reference(reference), public_id)
            for reference, public_id in item_reports_for_staff(
                session, item.id, user.organisation_id
            )
        ]
        feedback = feedback_on(session, item.id)
        record(session, BankAction.ITEM_VIEWED, object_type="item", object_id=item.id)
        context = {
            "item": item,
            "list_name": item.hash_list.name,
            "signals": [
                (
                    s.signal_type,
                    s.value if s.signal_type != "vpdq" else f"{len(s.frames or [])} frames",
                    s.quality,
                )
                for s in item.signals
            ],
            "feedback": feedback,
            # A report's reference is its organisation's case data: others see only where from.
            "provenance_ref": None if self_report else item.provenance_ref,
            "reports": reports if self_report else [],
            "statuses": [s.value for s in ItemStatus],
        }
        return render(request, "staff/item.html", context)


@router.post("/items/{item_id}/status", dependencies=[Depends(verify_csrf)])
def change_status(
    request: Request,
    db: DatabaseDep,
    item_id: DbId,
    status: Annotated[ItemStatus, Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    with db.session() as session:
        require_case_staff(request, session, Permission.MANAGE_HASHES)
        item = item_by_id(session, item_id)
        if item is None:
            raise HTTPException(404)
        try:
            staff_set_item_status(session, item, status, reason)
        except BankError as exc:
            raise HTTPException(400, str(exc)) from None
    return RedirectResponse(f"/staff/items/{item_id}", status_code=303)
