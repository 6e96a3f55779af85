"""Staff pages of the takedown queue: the queue, one place, its moves, notices and assignment,
an import of pasted CSV, and the figures.

Thin: each route checks who is asking and calls the takedown context (:mod:`reclaim.takedown`).
Places belong to the organisation that owns the reports naming them: to anyone else a place
does not exist (404). Reading needs ``cases:view`` (never a platform's staff); acting needs
``links:move``. Reclaim never opens a reported URL: pages show addresses as text, never links.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from reclaim.accounts import Permission, StaffUser, can
from reclaim.audit import StaffAction, record
from reclaim.config import Settings
from reclaim.storage import Session
from reclaim.takedown import (
    Channel,
    Place,
    PlaceStatus,
    QueueFilters,
    TransitionRefused,
    assign,
    clocks_from,
    escalate_overdue,
    figures,
    figures_csv,
    import_csv,
    move,
    note_liveness,
    place_for_staff,
    place_view,
    plan_notice,
    queue,
    send_notice,
)
from reclaim.takedown.charts import bar_chart
from reclaim.takedown.hosts import host_directory
from reclaim.takedown.wording import STAFF_LABEL, YOUNG_PERSON
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import Forbidden, require_case_staff
from reclaim.web.ids import DbId
from reclaim.web.services import DatabaseDep, ServicesDep, SettingsDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff/takedown", include_in_schema=False)

PAGE_SIZE = 50
NOTICES = {
    "moved": "Saved. The young person's status page shows it now.",
    "assigned": "Assignment saved.",
    "notice": "Notice recorded. Its deadline is on the place's page and in the queue.",
    "liveness": "Checked (HEAD only, no content read). The answer is a hint, not proof.",
}


def _home_country(settings: Settings) -> str:
    return settings.takedown_country or settings.default_country


def _actor(request: Request, session: Session, act: bool = False) -> StaffUser:
    user = require_case_staff(request, session, Permission.VIEW_CASES)
    if act and not can(user.role, Permission.MOVE_LINKS):
        raise Forbidden
    return user


def _place(session: Session, user: StaffUser, place_id: int, *, act: bool = False) -> Place:
    """The organisation's place (another organisation's does not exist, whatever the role);
    then, to act on it, the role must move links."""
    place = place_for_staff(session, user.organisation_id, place_id)
    if place is None:
        raise HTTPException(404)
    if act and not can(user.role, Permission.MOVE_LINKS):
        raise Forbidden
    return place


STATUS_CHOICES = {"open": "Open (still to do)", "all": "All"} | {
    s.value: label for s, label in STAFF_LABEL.items()
}


@router.get("")
def queue_page(
    request: Request,
    db: DatabaseDep,
    status: Annotated[str, Query(max_length=20)] = "open",
    domain: Annotated[str, Query(max_length=255)] = "",
    platform: Annotated[str, Query(max_length=80)] = "",
    assigned: Annotated[str, Query(max_length=4)] = "",
    overdue: Annotated[bool, Query()] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    imported: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The queue, most urgent first: immediate risk, threatened, under 13, age, then waiting
    longest."""
    if status not in STATUS_CHOICES:
        status = "open"
    filters = QueueFilters(
        status=status,
        domain=domain.strip(),
        platform=platform.strip(),
        assigned=assigned if assigned in ("me", "none") else "",
        overdue=overdue,
    )
    with db.session() as session:
        user = _actor(request, session)
        escalate_overdue(session, user.organisation_id)
        found = queue(session, user.organisation_id, filters, me=user.id, page=page, size=PAGE_SIZE)
        if found.rows:
            record(
                session,
                StaffAction.TAKEDOWN_QUEUE_VIEWED,
                object_type="places",
                detail={"n": len(found.rows)},
            )
        context = {
            "queue": found,
            "filters": filters,
            "status_choices": STATUS_CHOICES,
            "platforms": host_directory().platform_names(),
            "can_act": can(user.role, Permission.MOVE_LINKS),
            "imported": imported,
        }
    return render(request, "staff/takedown/queue.html", context)


@router.get("/places/{place_id}")
def place_page(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    place_id: DbId,
    done: str = "",
    error: str = "",
) -> Response:
    with db.session() as session:
        user = _actor(request, session)
        place = _place(session, user, place_id)
        view = place_view(session, place, me=user.id)
        plan = plan_notice(place, _home_country(settings))
        record(session, StaffAction.PLACE_VIEWED, object_type="place", object_id=place.id)
        context = {
            "place": view,
            "plan": plan,
            "labels": {s.value: label for s, label in STAFF_LABEL.items()},
            "young_words": YOUNG_PERSON[PlaceStatus(view.row.status)],
            "can_act": can(user.role, Permission.MOVE_LINKS),
            "me": user.id,
            "home_country": _home_country(settings),
            "notice": NOTICES.get(done),
            "error": error[:300] or None,
            "liveness": settings.takedown_liveness,
        }
    return render(request, "staff/takedown/place.html", context)


def _back(place_id: int, done: str = "", error: str = "") -> Response:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("done", done), ("error", error)) if v})
    return RedirectResponse(f"/staff/takedown/places/{place_id}?{query}", status_code=303)


@router.post("/places/{place_id}/move", dependencies=[Depends(verify_csrf)])
def move_place(
    request: Request,
    services: ServicesDep,
    place_id: DbId,
    status: Annotated[PlaceStatus, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    duplicate_of: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """One step of the status machine, with why (and, for a duplicate, of which place)."""
    other = int(duplicate_of) if duplicate_of.strip().isdigit() else None
    if other is not None and not 1 <= other < 2**63:
        other = None
    with services.database.session() as session:
        user = _actor(request, session)
        place = _place(session, user, place_id, act=True)
        try:
            move(
                session,
                place,
                status,
                reason=reason,
                news=services.outbox,
                staff_user_id=user.id,
                duplicate_of=other,
                clocks=clocks_from(services.settings),
            )
        except TransitionRefused as exc:
            return _back(place_id, error=str(exc))
    return _back(place_id, done="moved")


@router.post("/places/{place_id}/assign", dependencies=[Depends(verify_csrf)])
def assign_place(
    request: Request,
    db: DatabaseDep,
    place_id: DbId,
    to: Annotated[str, Form(max_length=4)] = "me",
) -> Response:
    """Take the place ("me") or give it back to the queue ("none")."""
    with db.session() as session:
        user = _actor(request, session)
        place = _place(session, user, place_id, act=True)
        assign(session, place, user.id if to == "me" else None)
    return _back(place_id, done="assigned")


@router.post("/places/{place_id}/notices", dependencies=[Depends(verify_csrf)])
def notice_for_place(
    request: Request,
    services: ServicesDep,
    place_id: DbId,
    channel: Annotated[Channel, Form()],
    recipient_email: Annotated[str, Form(max_length=200)] = "",
    submitted_ref: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """A notice: by email (sent by the outbox after this commits), or recorded as submitted
    through the host's own form, or passed to the hotline of the hosting country."""
    with services.database.session() as session:
        user = _actor(request, session)
        place = _place(session, user, place_id, act=True)
        try:
            send_notice(
                session,
                place,
                channel,
                organisation_name=user.organisation.name,
                staff_user_id=user.id,
                home_country=_home_country(services.settings),
                news=services.outbox,
                recipient_email=recipient_email,
                submitted_ref=submitted_ref,
                clocks=clocks_from(services.settings),
            )
        except TransitionRefused as exc:
            return _back(place_id, error=str(exc))
    return _back(place_id, done="notice")


@router.post("/places/{place_id}/liveness", dependencies=[Depends(verify_csrf)])
def check_liveness(request: Request, services: ServicesDep, place_id: DbId) -> Response:
    """The optional liveness check (off unless RECLAIM_TAKEDOWN_LIVENESS): HEAD only, public
    addresses only, no body read. 404 when it is off."""
    checker = services.liveness
    if checker is None:
        raise HTTPException(404)
    with services.database.read_session() as session:
        user = _actor(request, session)
        url = _place(session, user, place_id, act=True).url
    result = checker.check(url)  # outside any transaction: it may take a few seconds
    with services.database.session() as session:
        user = _actor(request, session)
        note_liveness(session, _place(session, user, place_id, act=True), result.outcome)
    return _back(place_id, done="liveness")


@router.post("/import", dependencies=[Depends(verify_csrf)])
def import_urls(
    request: Request, db: DatabaseDep, csv_text: Annotated[str, Form(max_length=120_000)]
) -> Response:
    """URLs pasted as CSV (Reclaim takes no files): every good line recorded, every bad line
    named with its number and why."""
    with db.session() as session:
        user = _actor(request, session, act=True)
        result = import_csv(session, user.organisation_id, csv_text)
        context = {"result": result}
    return render(request, "staff/takedown/imported.html", context)


@router.get("/figures")
def figures_page(request: Request, db: DatabaseDep) -> Response:
    """Time to first action and to removal, per host and platform: charts and the tables."""
    with db.session() as session:
        user = _actor(request, session)
        result = figures(session, user.organisation_id)
        record(session, StaffAction.TAKEDOWN_FIGURES_VIEWED, object_type="places")
    charts = {
        "platform_first": bar_chart(
            "Median hours to first action, per platform",
            [(r.group, r.median_first_action_hours) for r in result.by_platform],
        ),
        "platform_removal": bar_chart(
            "Median hours to removal, per platform",
            [(r.group, r.median_removal_hours) for r in result.by_platform],
        ),
        "host_removal": bar_chart(
            "Median hours to removal, per host",
            [(r.group, r.median_removal_hours) for r in result.by_host],
        ),
    }
    return render(request, "staff/takedown/figures.html", {"figures": result, "charts": charts})


@router.get("/figures.csv")
def figures_download(request: Request, db: DatabaseDep) -> Response:
    with db.session() as session:
        user = _actor(request, session)
        result = figures(session, user.organisation_id)
        record(
            session, StaffAction.TAKEDOWN_FIGURES_VIEWED, object_type="places", detail={"csv": True}
        )
    return StreamingResponse(
        figures_csv(result),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="reclaim-takedown-figures.csv"'},
    )
