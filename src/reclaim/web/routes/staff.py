"""Staff pages behind sign-in: the dashboard and the audit viewer."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from reclaim.accounts import Permission, can, colleague_count, sees_case_data
from reclaim.audit import AuditFilter, StaffAction, audit_page, record
from reclaim.reports import StaffPage, reports_for_staff, show_reference, urgent_for_staff
from reclaim.web.guards import require_staff
from reclaim.web.ids import DbId
from reclaim.web.services import DatabaseDep, SettingsDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)

PAGE_SIZE = 50
URGENT_PAGE_SIZE = 20


def _rows(page: StaffPage) -> list[dict[str, object]]:
    return [{**asdict(r), "reference": show_reference(r.reference)} for r in page.reports]


@router.get("")
def dashboard(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    urgent_page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Urgent reports not yet seen (their own list and pages, waiting longest first), then
    every report, newest first, page by page: a flood of reports cannot hide one. A fixed
    number of statements, however many reports (tests/functional/test_dashboard_queries.py)."""
    with db.session() as session:
        user = require_staff(request, session, Permission.VIEW_DASHBOARD)
        colleagues = colleague_count(session, user.organisation_id)
        cases = sees_case_data(user.role, user.organisation.kind)
        org, intake = user.organisation_id, settings.intake_organisation
        urgent = (
            urgent_for_staff(session, org, intake, urgent_page, URGENT_PAGE_SIZE) if cases else None
        )
        reports = reports_for_staff(session, org, intake, page, PAGE_SIZE) if cases else None
        shown = (len(urgent.reports) if urgent else 0) + (len(reports.reports) if reports else 0)
        if shown:
            record(session, StaffAction.REPORTS_LISTED, object_type="reports", detail={"n": shown})
        context = {
            "cases": cases,
            "urgent": urgent,
            "urgent_rows": _rows(urgent) if urgent else [],
            "listing": reports,
            "reports": _rows(reports) if reports else [],
            "organisation": user.organisation.name,
            "organisation_kind": user.organisation.kind,
            "colleagues": colleagues,
            "can_view_audit": can(user.role, Permission.VIEW_AUDIT),
        }
    return render(request, "staff/dashboard.html", context)


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@router.get("/audit")
def audit_viewer(
    request: Request,
    db: DatabaseDep,
    action: Annotated[str | None, Query(max_length=120)] = None,
    actor: Annotated[str | None, Query(max_length=120)] = None,
    object_type: Annotated[str | None, Query(max_length=60)] = None,
    object_id: Annotated[str | None, Query(max_length=120)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    before: Annotated[DbId | None, Query()] = None,
) -> Response:
    filters = {
        "action": action or "",
        "actor": actor or "",
        "object_type": object_type or "",
        "object_id": object_id or "",
        "since": since or "",
        "until": until or "",
    }
    start, end = _parse_day(since), _parse_day(until)
    wanted = AuditFilter(
        action=action or "",
        actor=actor or "",
        object_type=object_type or "",
        object_id=object_id or "",
        since=start,
        until=end,
        before=before,
    )
    with db.session() as session:
        user = require_staff(request, session, Permission.VIEW_AUDIT)
        found = audit_page(session, user.organisation_id, wanted, PAGE_SIZE)
        record(
            session,
            StaffAction.AUDIT_VIEWED,
            object_type="audit",
            detail={"filters": {k: v for k, v in filters.items() if v}},
        )
        rows = [
            {
                "seq": e.seq,
                "at": e.occurred_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "actor": e.actor,
                "action": e.action,
                "object": f"{e.object_type or ''} {e.object_id or ''}".strip(),
                "request_id": e.request_id or "",
                "redacted": e.redacted,
            }
            for e in found.rows
        ]
    bad_dates = (since and not start) or (until and not end)
    return render(
        request,
        "staff/audit.html",
        {
            "rows": rows,
            "filters": filters,
            "next_before": rows[-1]["seq"] if found.more and rows else None,
            "error": "Dates are written as YYYY-MM-DD." if bad_dates else None,
        },
    )
