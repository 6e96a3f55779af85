"""Staff pages of the takedown queue: the queue, one place, its moves, notices and assignment,
an import of pasted CSV, and the figures.

Thin: each route checks who is asking and calls the takedown context (:mod:`reclaim.takedown`).
Places belong to the organisation that owns the reports naming them: to anyone else a place
does not exist (404). Reading needs ``cases:view`` (never a platform's staff); acting needs
``links:move``. Reclaim never opens a reported URL: pages show addresses as text, never links.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from reclaim.accounts.roles import Permission, can
from reclaim.audit.recorder import record
from reclaim.takedown import (
    Channel,
    PlaceStatus,
    QueueFilters,
    TakedownAction,
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
from reclaim.web.templating import render

router = APIRouter(prefix="/staff/takedown", include_in_schema=False)

PAGE_SIZE = 50
NOTICES = {
    "moved": "Saved. The young person's status page shows it now.",
    "assigned": "Assignment saved.",
    "notice": "Notice recorded. Its deadline is on the place's page and in the queue.",
    "liveness": "Checked (HEAD only, no content read). The answer is a hint, not proof.",
}


def _session(request: Request, *, write: bool = True) -> AbstractContextManager[Any]:
    """The one place this module reaches the database (a services object will replace it)."""
    db = request.app.state.db
    return db.session() if write else db.read_session()  # type: ignore[no-any-return]


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _home_country(request: Request) -> str:
    settings = _settings(request)
    return str(settings.takedown_country or settings.default_country)


def _actor(request: Request, db: Any, act: bool = False) -> Any:
    user = require_case_staff(request, db, Permission.VIEW_CASES)
    if act and not can(user.role, Permission.MOVE_LINKS):
        raise Forbidden
    return user


def _place(db: Any, user: Any, place_id: int, *, act: bool = False) -> Any:
    """The organisation's place (another organisation's does not exist, whatever the role);
    then, to act on it, the role must move links."""
    place = place_for_staff(db, user.organisation_id, place_id)
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
    with _session(request) as db:
        user = _actor(request, db)
        escalate_overdue(db, user.organisation_id)
        found = queue(db, user.organisation_id, filters, me=user.id, page=page, size=PAGE_SIZE)
        if found.rows:
            record(
                db,
                TakedownAction.QUEUE_VIEWED,
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
def place_page(request: Request, place_id: DbId, done: str = "", error: str = "") -> Response:
    with _session(request) as db:
        user = _actor(request, db)
        place = _place(db, user, place_id)
        view = place_view(db, place, me=user.id)
        plan = plan_notice(place, _home_country(request))
        record(db, TakedownAction.PLACE_VIEWED, object_type="place", object_id=place.id)
        context = {
            "place": view,
            "plan": plan,
            "labels": {s.value: label for s, label in STAFF_LABEL.items()},
            "young_words": YOUNG_PERSON[PlaceStatus(view.row.status)],
            "can_act": can(user.role, Permission.MOVE_LINKS),
            "me": user.id,
            "home_country": _home_country(request),
            "notice": NOTICES.get(done),
            "error": error[:300] or None,
            "liveness": bool(_settings(request).takedown_liveness),
        }
    return render(request, "staff/takedown/place.html", context)


def _back(place_id: int, done: str = "", error: str = "") -> Response:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("done", done), ("error", error)) if v})
    return RedirectResponse(f"/staff/takedown/places/{place_id}?{query}", status_code=303)


@router.post("/places/{place_id}/move", dependencies=[Depends(verify_csrf)])
def move_place(
    request: Request,
    place_id: DbId,
    status: Annotated[PlaceStatus, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    duplicate_of: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """One step of the status machine, with why (and, for a duplicate, of which place)."""
    other = int(duplicate_of) if duplicate_of.strip().isdigit() else None
    if other is not None and not 1 <= other < 2**63:
        other = None
    with _session(request) as db:
        user = _actor(request, db)
        place = _place(db, user, place_id, act=True)
        try:
            move(
                db,
                place,
                status,
                reason=reason,
                staff_user_id=user.id,
                duplicate_of=other,
                clocks=clocks_from(_settings(request)),
            )
        except TransitionRefused as exc:
            return _back(place_id, error=str(exc))
    return _back(place_id, done="moved")


@router.post("/places/{place_id}/assign", dependencies=[Depends(verify_csrf)])
def assign_place(
    request: Request, place_id: DbId, to: Annotated[str, Form(max_length=4)] = "me"
) -> Response:
    """Take the place ("me") or give it back to the queue ("none")."""
    with _session(request) as db:
        user = _actor(request, db)
        place = _place(db, user, place_id, act=True)
        assign(db, place, user.id if to == "me" else None)
    return _back(place_id, done="assigned")


@router.post("/places/{place_id}/notices", dependencies=[Depends(verify_csrf)])
def notice_for_place(
    request: Request,
    place_id: DbId,
    channel: Annotated[Channel, Form()],
    recipient_email: Annotated[str, Form(max_length=200)] = "",
    submitted_ref: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """A notice: by email (sent by the outbox after this commits), or recorded as submitted
    through the host's own form, or passed to the hotline of the hosting country."""
    with _session(request) as db:
        user = _actor(request, db)
        place = _place(db, user, place_id, act=True)
        try:
            send_notice(
                db,
                place,
                channel,
                organisation_name=user.organisation.name,
                staff_user_id=user.id,
                home_country=_home_country(request),
                recipient_email=recipient_email,
                submitted_ref=submitted_ref,
                clocks=clocks_from(_settings(request)),
            )
        except TransitionRefused as exc:
            return _back(place_id, error=str(exc))
    return _back(place_id, done="notice")


@router.post("/places/{place_id}/liveness", dependencies=[Depends(verify_csrf)])
def check_liveness(request: Request, place_id: DbId) -> Response:
    """The optional liveness check (off unless RECLAIM_TAKEDOWN_LIVENESS): HEAD only, public
    addresses only, no body read. 404 when it is off."""
    checker = request.app.state.liveness
    if checker is None:
        raise HTTPException(404)
    with _session(request, write=False) as db:
        user = _actor(request, db)
        url = _place(db, user, place_id, act=True).url
    result = checker.check(url)  # outside any transaction: it may take a few seconds
    with _session(request) as db:
        user = _actor(request, db)
        note_liveness(db, _place(db, user, place_id, act=True), result.outcome)
    return _back(place_id, done="liveness")


@router.post("/import", dependencies=[Depends(verify_csrf)])
def import_urls(request: Request, csv_text: Annotated[str, Form(max_length=120_000)]) -> Response:
    """URLs pasted as CSV (Reclaim takes no files): every good line recorded, every bad line
    named with its number and why."""
    with _session(request) as db:
        user = _actor(request, db, act=True)
        result = import_csv(db, user.organisation_id, csv_text)
        context = {"result": result}
    return render(request, "staff/takedown/imported.html", context)


@router.get("/figures")
def figures_page(request: Request) -> Response:
    """Time to first action and to removal, per host and platform: charts and the tables."""
    with _session(request) as db:
        user = _actor(request, db)
        result = figures(db, user.organisation_id)
        record(db, TakedownAction.FIGURES_VIEWED, object_type="places")
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
def figures_download(request: Request) -> Response:
    with _session(request) as db:
        user = _actor(request, db)
        result = figures(db, user.organisation_id)
        record(db, TakedownAction.FIGURES_VIEWED, object_type="places", detail={"csv": True})
    return StreamingResponse(
        figures_csv(result),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="reclaim-takedown-figures.csv"'},
    )
