"""Staff pages for hash lists: counts, search by hash, item detail, withdraw or disable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from reclaim.accounts.models import Organisation
from reclaim.accounts.roles import Permission
from reclaim.audit.recorder import record
from reclaim.bank.items import BankError, ItemStatus, Provenance
from reclaim.bank.matcher import Matcher
from reclaim.bank.models import ContentItem, HashList, PlatformFeedback
from reclaim.bank.signals import SignalRejected, SignalType, make_signal
from reclaim.reports.ownership import item_reports_for_staff
from reclaim.reports.references import show_reference
from reclaim.reports.service import staff_set_item_status
from reclaim.storage.database import Database
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import require_case_staff
from reclaim.web.ids import DbId
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _guess_type(value: str) -> SignalType:
    return SignalType.MD5 if len(value.strip()) == 32 else SignalType.PDQ


@router.get("/lists")
def lists(request: Request, q: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    error, results = None, None
    with _db(request).session() as db:
        require_case_staff(request, db, Permission.MANAGE_HASHES)
        counts = db.execute(
            select(HashList.name, ContentItem.status, func.count(ContentItem.id))
            .join(ContentItem, isouter=True)
            .group_by(HashList.name, ContentItem.status)
            .order_by(HashList.name)
        ).all()
        table: dict[str, dict[str, int]] = {}
        for name, status, count in counts:
            table.setdefault(name, {})
            if status:
                table[name][status] = count
        if q:
            query = q.strip().lower()
            try:
                kind = _guess_type(query)
                signal = make_signal(kind, query, 100 if kind is SignalType.PDQ else None)
                matcher: Matcher = request.app.state.matcher_loader.matcher
                matcher.sync(db)
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
            record(db, "bank:list:searched", object_type="list")
    return render(
        request,
        "staff/lists.html",
        {"lists": table, "q": q or "", "results": results, "error": error},
    )


@router.get("/items/{item_id}")
def item_detail(request: Request, item_id: DbId) -> Response:
    with _db(request).session() as db:
        user = require_case_staff(request, db, Permission.MANAGE_HASHES)
        item = db.get(ContentItem, item_id)
        if item is None:
            raise HTTPException(404)
        self_report = item.provenance == Provenance.SELF_REPORT.value
        reports = [
            (show_reference(reference), public_id)
            for reference, public_id in item_reports_for_staff(db, item.id, user.organisation_id)
        ]
        feedback = db.execute(
            select(
                Organisation.name,
                PlatformFeedback.status,
                PlatformFeedback.tags,
                PlatformFeedback.updated_at,
            )
            .join(Organisation, Organisation.id == PlatformFeedback.organisation_id)
            .where(PlatformFeedback.item_id == item.id)
            .order_by(Organisation.name)
        ).all()
        record(db, "bank:item:viewed", object_type="item", object_id=item.id)
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
    item_id: DbId,
    status: Annotated[ItemStatus, Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    with _db(request).session() as db:
        require_case_staff(request, db, Permission.MANAGE_HASHES)
        item = db.get(ContentItem, item_id)
        if item is None:
            raise HTTPException(404)
        try:
            staff_set_item_status(db, item, status, reason)
        except BankError as exc:
            raise HTTPException(400, str(exc)) from None
    return RedirectResponse(f"/staff/items/{item_id}", status_code=303)
