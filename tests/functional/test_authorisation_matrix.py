"""Who may do what, as a table: staff route x role x organisation.

Every staff member of four organisations (the intake hotline that owns the young people's
reports, another school, the platform that owns the API keys, another platform), in every role,
tries every route in ``ENTRIES``. Each cell says what must happen:

- ``OK``: the request succeeds and has its effect (a page shows the target; a change is made);
- ``NO_EFFECT``: the request succeeds but does not touch the target (another organisation's
  key is not listed; a key "for" another platform is issued for one's own);
- ``FORBIDDEN`` (403) and ``NOT_FOUND`` (404, the target's existence is not confirmed): refused,
  and the target is untouched.

To extend: add an ``Entry`` (a route, how to make a fresh target, how to tell its effect, and
the table). ``test_every_staff_route_is_in_the_matrix`` fails for a staff route that has neither
an entry nor a place in ``PENDING`` (routes a later issue brings into the matrix).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from reclaim import cases as _cases
from reclaim.accounts.apikeys import issue
from reclaim.accounts.models import ApiKey, Organisation, StaffUser
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.roles import Role
from reclaim.accounts.staff import create_organisation
from reclaim.notify import ReportOutbox
from reclaim.notify.alerts import oncall_list, raise_alert, set_oncall, subscribe_push
from reclaim.notify.models import Alert, PushSubscription
from reclaim.reports import AgeGroup, NewReport, create_report
from reclaim.reports.models import Report, ReportUrl, ShareCode
from reclaim.reports.references import show_reference
from reclaim.reports.sharing import share_code_for, share_report
from reclaim.storage.base import utcnow as _utcnow
from reclaim.storage.database import Database
from reclaim.takedown import PlaceStatus, move
from reclaim.takedown.models import Notice, Place
from tests.conftest import BASE_URL, Staff, csrf_in

OK, NO_EFFECT, FORBIDDEN, NOT_FOUND = "ok", "no effect", "403", "404"

#: The organisations every test world has (name, kind). The first non-platform one is the
#: intake organisation: the young people's reports are its own.
ORGANISATIONS = {
    "intake": ("Intake Hotline", "hotline"),
    "school": ("Other School", "school"),
    "platform": ("PhotoShare", "platform"),
    "platform2": ("ClipHost", "platform"),
}
ROLES = tuple(r.value for r in Role)


@dataclass
class World:
    client: TestClient
    db: Database
    org_ids: dict[str, int]
    hashing: PasswordHashing = field(
        default_factory=lambda: PasswordHashing(Argon2Parameters(1, 8192, 1))
    )


@dataclass(frozen=True)
class Target:
    path: str
    marker: str = ""  # text that shows the target on a page
    data: dict[str, Any] = field(default_factory=dict)
    ref: Any = None  # whatever ``effect`` needs to look it up again


@dataclass(frozen=True)
class Entry:
    method: str
    route: str
    make: Callable[[World], Target]
    effect: Callable[[World, Target, Any], bool]
    expect: dict[str, dict[str, str]]  # organisation -> role -> outcome


def everyone(outcome: str, **per_role: str) -> dict[str, str]:
    return {role: per_role.get(role, outcome) for role in ROLES}


# --- targets -----------------------------------------------------------------------------------


def _report(world: World) -> Target:
    with world.db.session() as session:
        made = create_report(
            session,
            world.hashing,
            NewReport(AgeGroup.UNDER_18, "GB", urls=["https://pics.example.org/p/1"]),
        )
        public_id, url_id = made.report.public_id, made.report.urls[0].id
        shown = show_reference(made.report.reference)
    return Target(f"/staff/reports/{public_id}", marker=shown, ref=url_id)


def _report_url(world: World) -> Target:
    target = _report(world)
    return Target(
        f"{target.path}/urls/{target.ref}",
        data={"status": "assessed", "reason": "in scope"},
        ref=target.ref,
    )


def _urgent_report(world: World) -> Target:
    with world.db.session() as session:
        made = create_report(
            session,
            world.hashing,
            NewReport(
                AgeGroup.UNDER_18, "GB", urls=["https://pics.example.org/p/2"], feels_safe="no"
            ),
        )
        public_id, report_id = made.report.public_id, made.report.id
    return Target(f"/staff/reports/{public_id}/seen", ref=report_id)


def _urgent_marked_seen(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        report = session.get(Report, target.ref)
        return report is not None and report.urgent_seen_at is not None


def _dashboard(world: World) -> Target:
    return Target("/staff", marker=_report(world).marker)


def _platform_key(world: World) -> tuple[int, str]:
    with world.db.session() as session:
        platform = session.get(Organisation, world.org_ids["platform"])
        assert platform is not None
        key = issue(session, platform, "upload scanner").key
        return key.id, key.prefix


def _keys_page(world: World) -> Target:
    return Target("/staff/api-keys", marker=_platform_key(world)[1])


def _new_key(world: World) -> Target:
    name = f"issued here {secrets.token_hex(4)}"
    data = {"organisation_id": world.org_ids["platform"], "name": name, "scopes": ["feed"]}
    return Target("/staff/api-keys", data=data, ref=name)


def _revoke_key(world: World) -> Target:
    key_id, _ = _platform_key(world)
    return Target(f"/staff/api-keys/{key_id}/revoke", ref=key_id)


def _place(world: World, *, assessed: bool = False) -> tuple[int, str]:
    """A fresh place in the intake organisation's takedown queue (from a young person's report)."""
    url = f"https://pics.example.org/p/{secrets.token_hex(6)}"
    with world.db.session() as session:
        made = create_report(session, world.hashing, NewReport(AgeGroup.UNDER_18, "GB", urls=[url]))
        place_id = made.report.urls[0].place_id
        assert place_id is not None
        if assessed:
            place = session.get(Place, place_id)
            assert place is not None
            move(session, place, PlaceStatus.ASSESSED, reason="in scope", news=ReportOutbox())
    return place_id, url


def _takedown_queue(world: World) -> Target:
    return Target("/staff/takedown", marker=_place(world)[1])


def _place_page(world: World) -> Target:
    place_id, url = _place(world)
    return Target(f"/staff/takedown/places/{place_id}", marker=url)


def _place_move(world: World) -> Target:
    place_id, _ = _place(world)
    path = f"/staff/takedown/places/{place_id}/move"
    return Target(path, data={"status": "assessed", "reason": "in scope"}, ref=place_id)


def _place_assign(world: World) -> Target:
    place_id, _ = _place(world)
    return Target(f"/staff/takedown/places/{place_id}/assign", data={"to": "me"}, ref=place_id)


def _place_notice(world: World) -> Target:
    place_id, _ = _place(world, assessed=True)
    path = f"/staff/takedown/places/{place_id}/notices"
    return Target(path, data={"channel": "form", "submitted_ref": "T-1"}, ref=place_id)


def _import(world: World) -> Target:
    url = f"https://imported.example.net/{secrets.token_hex(6)}"
    return Target("/staff/takedown/import", data={"csv_text": f"url\n{url}\n"}, ref=url)


def _removed_place(world: World) -> str:
    place_id, _ = _place(world, assessed=True)
    with world.db.session() as session:
        place = session.get(Place, place_id)
        assert place is not None
        move(session, place, PlaceStatus.REMOVED, reason="gone", news=ReportOutbox())
    return "example.org"


def _figures(world: World) -> Target:
    return Target("/staff/takedown/figures", marker=_removed_place(world))


def _figures_csv(world: World) -> Target:
    return Target("/staff/takedown/figures.csv", marker="host," + _removed_place(world))


def _key_webhook(world: World) -> Target:
    key_id, _ = _platform_key(world)
    return Target(
        f"/staff/api-keys/{key_id}/webhook",
        data={"url": "https://photoshare.example/reclaim"},
        ref=key_id,
    )


def _alert(world: World) -> Target:
    with world.db.session() as session:
        alert_id = raise_alert(session, world.org_ids["intake"], "urgent-report", "/staff/x")
    return Target("/staff/alerts", marker=f"/staff/alerts/{alert_id}/acknowledge", ref=alert_id)


def _alert_to_acknowledge(world: World) -> Target:
    alert_id = _alert(world).ref
    return Target(f"/staff/alerts/{alert_id}/acknowledge", ref=alert_id)


def _acknowledged(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        alert = session.get(Alert, target.ref)
        return alert is not None and alert.acknowledged_at is not None


def _user_id(world: World, username: str) -> int:
    with world.db.read_session() as session:
        found = session.scalar(select(StaffUser.id).where(StaffUser.username == username))
        assert found is not None
        return int(found)


def _oncall(world: World) -> Target:
    viewer = _user_id(world, "viewer@intake.example")
    with world.db.session() as session:
        set_oncall(session, world.org_ids["intake"], [])
    return Target("/staff/oncall", data={f"place-{viewer}": "1"}, ref=viewer)


def _on_call_set(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        entries = oncall_list(session, world.org_ids["intake"])
    return any(e.staff_user_id == target.ref and e.position == 1 for e in entries)


def _push_subscription(world: World) -> Target:
    endpoint = f"https://push.example.org/{secrets.token_hex(8)}"
    data = {"endpoint": endpoint, "p256dh": "BNcRdreALRFXTkOOUHK1EtK2w", "auth": "tBHItJI5s"}
    return Target("/staff/push/subscribe", data=data, ref=endpoint)


def _subscribed(world: World, target: Target, response: Any) -> bool:
    digest = hashlib.sha256(target.ref.encode()).hexdigest()
    with world.db.read_session() as session:
        found = session.scalar(
            select(PushSubscription.id).where(PushSubscription.endpoint_digest == digest)
        )
    return found is not None


def _intake_admins_push(world: World) -> Target:
    endpoint = f"https://push.example.org/{secrets.token_hex(8)}"
    admin = _user_id(world, "admin@intake.example")
    with world.db.session() as session:
        subscribe_push(session, admin, endpoint, "BNc", "tBH")
    return Target("/staff/push/unsubscribe", data={"endpoint": endpoint}, ref=endpoint)


def _unsubscribed(world: World, target: Target, response: Any) -> bool:
    return not _subscribed(world, target, response)


def _shared_with_school(world: World) -> Target:
    with world.db.session() as session:
        made = create_report(
            session,
            world.hashing,
            NewReport(
                AgeGroup.UNDER_18, "GB", urls=[f"https://pics.example.org/{secrets.token_hex(6)}"]
            ),
        )
        code = share_code_for(session, world.org_ids["school"])
        assert code is not None
        share = share_report(session, made.report, code)
        url = made.report.urls[0].url
    return Target(f"/staff/shared/{share.id}", marker=url, ref=share.id)


def _sharing_page(world: World) -> Target:
    share_id = _shared_with_school(world).ref
    return Target("/staff/sharing", marker=f"/staff/shared/{share_id}")


def _school_code(world: World) -> Target:
    with world.db.session() as session:
        code = share_code_for(session, world.org_ids["school"])
    return Target("/staff/sharing/code", ref=code)


def _school_code_changed(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        row = session.get(ShareCode, world.org_ids["school"])
        return row is not None and row.code != target.ref


# --- effects -----------------------------------------------------------------------------------


def _shown(world: World, target: Target, response: Any) -> bool:
    return response.status_code == 200 and target.marker in response.text


def _url_moved(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        place_id = session.scalar(select(ReportUrl.place_id).where(ReportUrl.id == target.ref))
        return session.scalar(select(Place.status).where(Place.id == place_id)) == "assessed"


def _place_assessed(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return session.scalar(select(Place.status).where(Place.id == target.ref)) == "assessed"


def _place_assigned(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return session.scalar(select(Place.assigned_to).where(Place.id == target.ref)) is not None


def _place_noticed(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return bool(
            session.scalar(
                select(func.count()).select_from(Notice).where(Notice.place_id == target.ref)
            )
        )


def _url_imported(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return any(p.url == target.ref for p in session.scalars(select(Place)))


def _key_issued_for_platform(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return bool(
            session.scalar(
                select(func.count())
                .select_from(ApiKey)
                .where(
                    ApiKey.organisation_id == world.org_ids["platform"],
                    ApiKey.name == target.ref,
                )
            )
        )


def _key_revoked(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        key = session.get(ApiKey, target.ref)
        return key is not None and key.revoked_at is not None


def _webhook_set(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        key = session.get(ApiKey, target.ref)
        return key is not None and key.webhook_url is not None


# --- the matrix --------------------------------------------------------------------------------

ACTS_ON_LINKS = {"viewer": FORBIDDEN}  # viewer reads; caseworker, dsl, admin, analyst act
PLATFORM_ADMIN_ONLY = everyone(FORBIDDEN, admin=OK)

ENTRIES = [
    Entry(
        "GET",
        "/staff",
        _dashboard,
        _shown,
        {
            "intake": everyone(OK),
            "school": everyone(NO_EFFECT),
            "platform": everyone(NO_EFFECT),
            "platform2": everyone(NO_EFFECT),
        },
    ),
    Entry(
        "GET",
        "/staff/reports/{public_id}",
        _report,
        _shown,
        {
            "intake": everyone(OK),
            "school": everyone(NOT_FOUND),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "POST",
        "/staff/reports/{public_id}/urls/{url_id}",
        _report_url,
        _url_moved,
        {
            "intake": everyone(OK, **ACTS_ON_LINKS),
            "school": everyone(NOT_FOUND),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "POST",
        "/staff/reports/{public_id}/seen",
        _urgent_report,
        _urgent_marked_seen,
        {
            "intake": everyone(OK, viewer=FORBIDDEN, analyst=FORBIDDEN),
            "school": everyone(NOT_FOUND),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "GET",
        "/staff/api-keys",
        _keys_page,
        _shown,
        {
            "intake": everyone(FORBIDDEN),
            "school": everyone(FORBIDDEN),
            "platform": PLATFORM_ADMIN_ONLY,
            "platform2": everyone(FORBIDDEN, admin=NO_EFFECT),
        },
    ),
    Entry(
        "POST",
        "/staff/api-keys",
        _new_key,
        _key_issued_for_platform,
        {
            "intake": everyone(FORBIDDEN),
            "school": everyone(FORBIDDEN),
            "platform": PLATFORM_ADMIN_ONLY,
            "platform2": everyone(FORBIDDEN, admin=NO_EFFECT),
        },
    ),
    Entry(
        "POST",
        "/staff/api-keys/{key_id}/revoke",
        _revoke_key,
        _key_revoked,
        {
            "intake": everyone(FORBIDDEN),
            "school": everyone(FORBIDDEN),
            "platform": PLATFORM_ADMIN_ONLY,
            "platform2": everyone(FORBIDDEN, admin=NOT_FOUND),
        },
    ),
    Entry(
        "POST",
        "/staff/api-keys/{key_id}/webhook",
        _key_webhook,
        _webhook_set,
        {
            "intake": everyone(FORBIDDEN),
            "school": everyone(FORBIDDEN),
            "platform": PLATFORM_ADMIN_ONLY,
            "platform2": everyone(FORBIDDEN, admin=NOT_FOUND),
        },
    ),
    Entry(
        "GET",
        "/staff/alerts",
        _alert,
        _shown,
        {
            "intake": everyone(OK),
            "school": everyone(NO_EFFECT),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "POST",
        "/staff/alerts/{alert_id}/acknowledge",
        _alert_to_acknowledge,
        _acknowledged,
        {
            "intake": everyone(OK),
            "school": everyone(NOT_FOUND),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "POST",
        "/staff/oncall",
        _oncall,
        _on_call_set,
        {
            "intake": everyone(FORBIDDEN, admin=OK, dsl=OK),
            "school": everyone(FORBIDDEN, admin=NO_EFFECT, dsl=NO_EFFECT),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "POST",
        "/staff/push/subscribe",
        _push_subscription,
        _subscribed,
        {
            "intake": everyone(OK),
            "school": everyone(OK),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "POST",
        "/staff/push/unsubscribe",
        _intake_admins_push,
        _unsubscribed,
        {
            "intake": everyone(NO_EFFECT, admin=OK),
            "school": everyone(NO_EFFECT),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "GET",
        "/staff/sharing",
        _sharing_page,
        _shown,
        {
            "intake": everyone(NO_EFFECT, viewer=FORBIDDEN, analyst=FORBIDDEN),
            "school": everyone(OK, viewer=FORBIDDEN, analyst=FORBIDDEN),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "POST",
        "/staff/sharing/code",
        _school_code,
        _school_code_changed,
        {
            "intake": everyone(FORBIDDEN, admin=NO_EFFECT, dsl=NO_EFFECT),
            "school": everyone(FORBIDDEN, admin=OK, dsl=OK),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry(
        "GET",
        "/staff/shared/{share_id}",
        _shared_with_school,
        _shown,
        {
            "intake": everyone(NOT_FOUND, viewer=FORBIDDEN, analyst=FORBIDDEN),
            "school": everyone(OK, viewer=FORBIDDEN, analyst=FORBIDDEN),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
]

CASE_READERS = {
    "intake": everyone(OK),
    "school": everyone(NOT_FOUND),
    "platform": everyone(FORBIDDEN),
    "platform2": everyone(FORBIDDEN),
}
PLACE_ACTORS = {
    "intake": everyone(OK, **ACTS_ON_LINKS),
    "school": everyone(NOT_FOUND),
    "platform": everyone(FORBIDDEN),
    "platform2": everyone(FORBIDDEN),
}
OWN_QUEUE = {  # a list of one's own organisation's places: others see theirs, not the target
    "intake": everyone(OK),
    "school": everyone(NO_EFFECT),
    "platform": everyone(FORBIDDEN),
    "platform2": everyone(FORBIDDEN),
}
ENTRIES += [
    Entry("GET", "/staff/takedown", _takedown_queue, _shown, OWN_QUEUE),
    Entry("GET", "/staff/takedown/places/{place_id}", _place_page, _shown, CASE_READERS),
    Entry(
        "POST", "/staff/takedown/places/{place_id}/move", _place_move, _place_assessed, PLACE_ACTORS
    ),
    Entry(
        "POST",
        "/staff/takedown/places/{place_id}/assign",
        _place_assign,
        _place_assigned,
        PLACE_ACTORS,
    ),
    Entry(
        "POST",
        "/staff/takedown/places/{place_id}/notices",
        _place_notice,
        _place_noticed,
        PLACE_ACTORS,
    ),
    Entry(
        "POST",
        "/staff/takedown/import",
        _import,
        _url_imported,
        {  # into one's own organisation's queue
            "intake": everyone(OK, **ACTS_ON_LINKS),
            "school": everyone(OK, **ACTS_ON_LINKS),
            "platform": everyone(FORBIDDEN),
            "platform2": everyone(FORBIDDEN),
        },
    ),
    Entry("GET", "/staff/takedown/figures", _figures, _shown, OWN_QUEUE),
    Entry("GET", "/staff/takedown/figures.csv", _figures_csv, _shown, OWN_QUEUE),
]

#: Staff routes not yet in the matrix (sign-in steps, audit viewer, hash lists); a later issue
#: brings them in. A new staff route must be added to ENTRIES or, with a reason, here.
PENDING = {
    ("GET", "/staff/login"),
    ("POST", "/staff/login"),
    ("GET", "/staff/login/code"),
    ("POST", "/staff/login/code"),
    ("GET", "/staff/enrol"),
    ("POST", "/staff/enrol"),
    ("POST", "/staff/logout"),
    ("GET", "/staff/audit"),
    ("GET", "/staff/lists"),
    ("GET", "/staff/items/{item_id}"),
    ("POST", "/staff/items/{item_id}/status"),
    # The liveness check is off by default (404 for everyone); with it on, it takes the same
    # checks as the other place actions (tests/functional/test_takedown.py).
    ("POST", "/staff/takedown/places/{place_id}/liveness"),
}


def _routes(routes: Any) -> Iterator[tuple[str, str]]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router
            yield from _routes(route.original_router.routes)
        elif getattr(route, "path", "").startswith("/staff"):
            for method in sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"}):
                yield method, route.path


def test_every_staff_route_is_in_the_matrix(client: TestClient) -> None:
    routes = set(_routes(client.app.routes))  # type: ignore[attr-defined]
    covered = {(e.method, e.route) for e in ENTRIES}
    assert routes, "no staff routes found"
    assert not (covered & PENDING), "a route is both in the matrix and pending"
    missing = routes - covered - PENDING
    assert not missing, f"staff routes without an entry in the authorisation matrix: {missing}"
    assert not (covered | PENDING) - routes, "entries for routes that no longer exist"


@pytest.fixture
def world(client: TestClient, app_db: Database, staff: Staff) -> World:
    org_ids = {}
    with app_db.session() as session:
        for key, (name, kind) in ORGANISATIONS.items():
            org_ids[key] = create_organisation(session, name, kind).id
    for org, (name, _) in ORGANISATIONS.items():
        for role in ROLES:
            staff.create(f"{role}@{org}.example", role=role, org=name)
    return World(client, app_db, org_ids)


def _signed_in(world: World, staff: Staff, username: str) -> tuple[TestClient, str]:
    browser = TestClient(world.client.app, base_url=BASE_URL)
    staff.sign_in(browser, username)
    token = csrf_in(browser.get("/staff").text)
    return browser, token


def _outcome(response: Any, effect: bool) -> str:
    if response.status_code in (403, 404):
        return FORBIDDEN if response.status_code == 403 else NOT_FOUND
    if response.status_code in (200, 303):
        return OK if effect else NO_EFFECT
    return f"status {response.status_code}"


def test_each_role_of_each_organisation_gets_what_the_matrix_says(
    world: World, staff: Staff
) -> None:
    wrong = []
    for org in ORGANISATIONS:
        for role in ROLES:
            browser, token = _signed_in(world, staff, f"{role}@{org}.example")
            for entry in ENTRIES:
                target = entry.make(world)
                if entry.method == "GET":
                    response = browser.get(target.path)
                else:
                    response = browser.post(
                        target.path,
                        data={**target.data, "csrf_token": token},
                        follow_redirects=False,
                    )
                got = _outcome(response, entry.effect(world, target, response))
                want = entry.expect[org][role]
                if got != want:
                    wrong.append(f"{entry.method} {entry.route} as {role}@{org}: {got}, not {want}")
    assert not wrong, "\n".join(wrong)


def test_the_reports_are_the_intake_organisations(world: World) -> None:
    _report(world)
    with world.db.read_session() as session:
        owners = set(session.scalars(select(Report.organisation_id)))
    assert owners == {world.org_ids["intake"]}


# --- safeguarding cases (issue 12) -------------------------------------------------------------
# A case belongs to the school; it was opened by the school's DSL and is assigned to the
# school's caseworker. Leads (admin, dsl) and the assigned caseworker act on it; a viewer reads
# it; an analyst has no case permissions (403); anyone in another organisation is told it does
# not exist (404); platforms never see case data (403).


def _user(session: Any, username: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    assert user is not None
    return user


def _new_case(world: World, *, assigned: bool = True, closed: bool = False) -> tuple[str, int, str]:
    """(public_id, case row id, a marker only this case's pages show)."""
    marker = f"said-{secrets.token_hex(5)}"
    with world.db.session() as session:
        dsl = _user(session, "dsl@school.example")
        case = _cases.open_case(session, dsl, source="disclosure", summary=marker)
        if assigned:
            case.assigned_to = _user(session, "caseworker@school.example").id
        if closed:
            _cases.close_case(session, dsl, case, "closed for the matrix")
        session.flush()
        return case.public_id, case.id, marker


def _case_target(suffix: str = "", **data: Any) -> Callable[[World], Target]:
    def make(world: World) -> Target:
        public_id, case_id, marker = _new_case(world)
        path = f"/staff/cases/{public_id}{suffix}"
        return Target(path, marker=public_id if not suffix else marker, data=data, ref=case_id)

    return make


def _case_page_target(suffix: str, marker_is_summary: bool = False) -> Callable[[World], Target]:
    def make(world: World) -> Target:
        public_id, case_id, marker = _new_case(world)
        shown = marker if marker_is_summary else public_id
        return Target(f"/staff/cases/{public_id}{suffix}", marker=shown, ref=case_id)

    return make


def _unassigned_case(world: World) -> Target:
    public_id, case_id, _ = _new_case(world, assigned=False)
    return Target(f"/staff/cases/{public_id}", marker=public_id, ref=case_id)


def _closed_case(world: World) -> Target:
    public_id, case_id, _ = _new_case(world, closed=True)
    return Target(f"/staff/cases/{public_id}/reopen", data={"reason": "again"}, ref=case_id)


def _case_part(kind: str) -> Callable[[World], Target]:
    """A case with a place, a referral or a task, and the route that changes it."""

    def make(world: World) -> Target:
        public_id, case_id, _ = _new_case(world)
        with world.db.session() as session:
            dsl = _user(session, "dsl@school.example")
            case = session.get(_cases.Case, case_id)
            assert case is not None
            if kind == "place":
                place, _ = _cases.add_place(
                    session, dsl, case, _cases.NewPlace("group", detail="a group chat")
                )
                return Target(
                    f"/staff/cases/{public_id}/places/{place.id}",
                    data={"status": "removed"},
                    ref=place.id,
                )
            if kind == "referral":
                referral = _cases.add_referral(
                    session, dsl, case, _cases.NewReferral("ceop", made_at=_utcnow())
                )
                return Target(
                    f"/staff/cases/{public_id}/referrals/{referral.id}",
                    data={"outcome": "accepted"},
                    ref=referral.id,
                )
            task = _cases.add_task(
                session, dsl, case, title="call back", owner_id=dsl.id, due_at=_utcnow()
            )
            return Target(f"/staff/cases/{public_id}/tasks/{task.id}/done", ref=task.id)

    return make


def _task_to_move(world: World) -> Target:
    target = _case_part("task")(world)
    path = target.path.removesuffix("/done") + "/due"
    return Target(path, data={"due_at": "2031-03-04T09:00"}, ref=target.ref)


def _report_shared_with_school(world: World) -> Target:
    public_id, case_id, _ = _new_case(world)
    share_id = _shared_with_school(world).ref
    return Target(
        f"/staff/cases/{public_id}/linked-report", data={"share_id": share_id}, ref=case_id
    )


def _urgent_case_alert(world: World) -> Target:
    public_id, _, _ = _new_case(world)
    with world.db.session() as session:
        alert_id = raise_alert(
            session, world.org_ids["school"], "urgent-case", f"/staff/cases/{public_id}"
        )
    return Target(f"/staff/cases/{public_id}/acknowledge", ref=alert_id)


def _case_has(check: Callable[[Any], bool]) -> Callable[[World, Target, Any], bool]:
    def effect(world: World, target: Target, response: Any) -> bool:
        with world.db.read_session() as session:
            case = session.get(_cases.Case, target.ref)
            return case is not None and check(case)

    return effect


def _row_is(model: Any, check: Callable[[Any], bool]) -> Callable[[World, Target, Any], bool]:
    def effect(world: World, target: Target, response: Any) -> bool:
        with world.db.read_session() as session:
            row = session.get(model, target.ref)
            return row is not None and check(row)

    return effect


def _case_gone(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return session.get(_cases.Case, target.ref) is None


def _pdf_made(world: World, target: Target, response: Any) -> bool:
    return response.status_code == 200 and response.content.startswith(b"%PDF")


def _new_case_form(world: World) -> Target:
    return Target("/staff/cases/new", marker="new-case-form")


def _open_case(world: World) -> Target:
    marker = f"opened-{secrets.token_hex(5)}"
    return Target("/staff/cases", data={"source": "colleague", "summary": marker}, ref=marker)


def _case_opened_in_own_org(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return any(c.summary == target.ref for c in session.scalars(select(_cases.Case)))


def _case_list(world: World) -> Target:
    public_id, _, _ = _new_case(world)
    return Target("/staff/cases", marker=public_id)


def _school_settings(world: World) -> Target:
    name = f"PC {secrets.token_hex(4)}"
    with world.db.session() as session:
        _cases.replace_pathways(
            session, world.org_ids["school"], [_cases.Contact("police", name, "101")]
        )
    return Target("/staff/case-settings", marker=name)


def _new_pathways(world: World) -> Target:
    name = f"Front door {secrets.token_hex(4)}"
    return Target(
        "/staff/case-settings/pathways",
        data={"kind": "social_care", "name": name, "contact": "0300"},
        ref=name,
    )


def _school_pathway_is(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return any(
            c.name == target.ref for c in _cases.pathways_of(session, world.org_ids["school"])
        )


def _new_retention(world: World) -> Target:
    with world.db.session() as session:
        _cases.set_retention(session, world.org_ids["school"], None)
    return Target("/staff/case-settings/retention", data={"years": "7"})


def _school_keeps_seven_years(world: World, target: Target, response: Any) -> bool:
    with world.db.read_session() as session:
        return _cases.retention_years(session, world.org_ids["school"], 25) == 7


def _plan_target(
    suffix: str = "", *, plan: bool = False, linked: bool = False, **data: Any
) -> Callable[[World], Target]:
    """A case with a child (and their safety plan, and the young person's report linked), and
    the route of that child's safety plan (issue 13). ``ref``: the child's id."""

    def make(world: World) -> Target:
        public_id, case_id, _ = _new_case(world)
        share_id = _shared_with_school(world).ref if linked else None
        marker = f"sign-{secrets.token_hex(5)}"
        with world.db.session() as session:
            dsl = _user(session, "dsl@school.example")
            case = session.get(_cases.Case, case_id)
            assert case is not None
            child = _cases.add_child(session, dsl, case, _cases.NewChild("pictured"))
            if plan:
                _cases.save_plan(session, dsl, case, child.id, {"warning_signs": marker})
            if share_id is not None:
                _cases.link_share(session, dsl, case, str(share_id))
            child_id = child.id
        path = f"/staff/cases/{public_id}/safety-plan/{child_id}{suffix}"
        return Target(path, marker=marker, data=data, ref=child_id)

    return make


def _plan_is(check: Callable[[Any], bool]) -> Callable[[World, Target, Any], bool]:
    from reclaim.cases.models import SafetyPlan

    def effect(world: World, target: Target, response: Any) -> bool:
        with world.db.read_session() as session:
            plan = session.scalar(select(SafetyPlan).where(SafetyPlan.child_id == target.ref))
            return plan is not None and check(plan)

    return effect


# --- the multi-agency plan of a case (issue 13, item 3) ---------------------------------------


def _plan_has(check: Callable[[Any], bool]) -> Callable[[World, Target, Any], bool]:
    """The effect, read from the case's plan (``reclaim.cases.agency_plan_view``)."""

    def effect(world: World, target: Target, response: Any) -> bool:
        with world.db.read_session() as session:
            case = session.get(_cases.Case, target.ref)
            return case is not None and check(_cases.agency_plan_view(session, case))

    return effect


def _plan_action(world: World) -> Target:
    public_id, case_id, _ = _new_case(world)
    with world.db.session() as session:
        dsl = _user(session, "dsl@school.example")
        case = session.get(_cases.Case, case_id)
        assert case is not None
        action = _cases.add_plan_action(
            session, dsl, case, _cases.NewPlanAction("school", "check in", owner_name="Ms Head")
        )
        return Target(
            f"/staff/cases/{public_id}/plan/actions/{action.id}",
            data={"status": "done"},
            ref=action.id,
        )


def _case_matrix(
    school: dict[str, str], *, intake: dict[str, str] | None = None
) -> dict[str, dict[str, str]]:
    return {
        "intake": intake or everyone(NOT_FOUND, analyst=FORBIDDEN),
        "school": school,
        "platform": everyone(FORBIDDEN),
        "platform2": everyone(FORBIDDEN),
    }


READS_CASE = everyone(OK, analyst=FORBIDDEN)
WORKS_CASE = everyone(OK, analyst=FORBIDDEN, viewer=FORBIDDEN)
LEADS_CASE = everyone(FORBIDDEN, admin=OK, dsl=OK)
LEADS_OWN_ORG = everyone(FORBIDDEN, admin=NO_EFFECT, dsl=NO_EFFECT)

ENTRIES += [
    Entry(
        "GET",
        "/staff/cases",
        _case_list,
        _shown,
        _case_matrix(READS_CASE, intake=everyone(NO_EFFECT, analyst=FORBIDDEN)),
    ),
    Entry(
        "GET",
        "/staff/cases/new",
        _new_case_form,
        _shown,
        _case_matrix(WORKS_CASE, intake=WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases",
        _open_case,
        _case_opened_in_own_org,
        _case_matrix(WORKS_CASE, intake=WORKS_CASE),
    ),
    Entry(
        "GET", "/staff/cases/{public_id}", _case_page_target(""), _shown, _case_matrix(READS_CASE)
    ),
    # A caseworker sees only the cases they opened or are assigned to.
    Entry(
        "GET",
        "/staff/cases/{public_id}",
        _unassigned_case,
        _shown,
        _case_matrix(everyone(OK, analyst=FORBIDDEN, caseworker=NOT_FOUND)),
    ),
    Entry(
        "GET",
        "/staff/cases/{public_id}/review",
        _case_page_target("/review"),
        _shown,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "GET",
        "/staff/cases/{public_id}/summary",
        _case_page_target("/summary", True),
        _shown,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "GET",
        "/staff/cases/{public_id}/chronology.csv",
        _case_page_target("/chronology.csv", True),
        _shown,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "GET",
        "/staff/cases/{public_id}/chronology.pdf",
        _case_page_target("/chronology.pdf"),
        _pdf_made,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/review/{step}",
        _case_target("/review/supported", answer="done"),
        _case_has(lambda c: any(a.step == "supported" for a in c.answers)),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/emergency-call",
        _case_target("/emergency-call", who="Ms Head"),
        _case_has(lambda c: any(a.step == "call999" for a in c.answers)),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/children",
        _case_target("/children", role="sent"),
        _case_has(lambda c: len(c.children) == 1),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/places",
        _case_target("/places", kind="url", url="https://pics.example.net/x"),
        _case_has(lambda c: len(c.places) == 1),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/places/{place_id}",
        _case_part("place"),
        _row_is(_cases.CasePlace, lambda p: p.status == "removed"),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/referrals",
        _case_target("/referrals", agency="ceop", reference="CEOP-1"),
        _case_has(lambda c: len(c.referrals) == 1),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/referrals/{referral_id}",
        _case_part("referral"),
        _row_is(_cases.Referral, lambda r: r.outcome == "accepted"),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/tasks",
        _case_target("/tasks", title="ring social care", due_at="2030-01-01T09:00"),
        _case_has(lambda c: len(c.tasks) == 1),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/tasks/{task_id}/done",
        _case_part("task"),
        _row_is(_cases.Task, lambda t: t.done_at is not None),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/tasks/{task_id}/due",
        _task_to_move,
        _row_is(_cases.Task, lambda t: t.due_at.year == 2031),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/linked-report",
        _report_shared_with_school,
        _case_has(lambda c: c.linked_share_id is not None),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/acknowledge",
        _urgent_case_alert,
        _acknowledged,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/notes",
        _case_target("/notes", text="a note"),
        _case_has(lambda c: any(e.kind == "note" for e in c.entries)),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/assign",
        _case_target("/assign"),
        _case_has(lambda c: c.assigned_to is None),
        _case_matrix(LEADS_CASE),
    ),
    Entry(
        "GET",
        "/staff/cases/{public_id}/safety-plan/{child_id}",
        _plan_target(plan=True),
        _shown,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "GET",
        "/staff/cases/{public_id}/safety-plan/{child_id}/copy",
        _plan_target("/copy", plan=True),
        _shown,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/safety-plan/{child_id}",
        _plan_target(warning_signs="I go quiet"),
        _plan_is(lambda p: len(p.versions) == 1),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/safety-plan/{child_id}/reason",
        _plan_target("/reason", reason="Not today; ask again Friday"),
        _plan_is(lambda p: bool(p.no_plan_reason)),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/safety-plan/{child_id}/consent",
        _plan_target("/consent", plan=True, linked=True, agreed="yes"),
        _plan_is(lambda p: p.shown_to_child),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/close",
        _case_target("/close", rationale="done"),
        _case_has(lambda c: c.status == "closed"),
        _case_matrix(LEADS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/reopen",
        _closed_case,
        _case_has(lambda c: c.status == "open"),
        _case_matrix(LEADS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/legal-hold",
        _case_target("/legal-hold", hold="on", reason="court"),
        _case_has(lambda c: c.legal_hold),
        _case_matrix(LEADS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/erase",
        _case_target("/erase", confirm="erase"),
        _case_gone,
        _case_matrix(LEADS_CASE),
    ),
    Entry(
        "GET",
        "/staff/cases/{public_id}/plan",
        _case_page_target("/plan"),
        _shown,
        _case_matrix(READS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/plan/actions",
        _case_target("/plan/actions", agency="gp", what="tell the GP", owner_name="Dr A"),
        _plan_has(lambda p: len(p.actions) == 1),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/plan/actions/{action_id}",
        _plan_action,
        _row_is(_cases.PlanAction, lambda a: a.status == "done"),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/plan/next-review",
        _case_target("/plan/next-review", review_on="2030-01-10"),
        _plan_has(lambda p: p.next_review is not None),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/plan/reviews",
        _case_target("/plan/reviews", held_on="2026-01-05", changed="nothing changed"),
        _plan_has(lambda p: len(p.reviews) == 1),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "POST",
        "/staff/cases/{public_id}/plan/gp-reason",
        _case_target("/plan/gp-reason", reason="no GP yet"),
        _plan_has(lambda p: p.gp_decided),
        _case_matrix(WORKS_CASE),
    ),
    Entry(
        "GET",
        "/staff/case-settings",
        _school_settings,
        _shown,
        _case_matrix(LEADS_CASE, intake=LEADS_OWN_ORG),
    ),
    Entry(
        "POST",
        "/staff/case-settings/pathways",
        _new_pathways,
        _school_pathway_is,
        _case_matrix(LEADS_CASE, intake=LEADS_OWN_ORG),
    ),
    Entry(
        "POST",
        "/staff/case-settings/retention",
        _new_retention,
        _school_keeps_seven_years,
        _case_matrix(LEADS_CASE, intake=LEADS_OWN_ORG),
    ),
]
