"""Issue 12 item 8: the young person shares their report with a school or service by its code,
sees what will be shared, and can stop at any time; that organisation's staff see it, read-only,
and nobody else does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.audit.models import AuditEvent
from reclaim.reports.models import ShareCode
from reclaim.reports.sharing import normalise_code, shared_report_view, show_code
from reclaim.storage.database import Database
from tests.conftest import BASE_URL, Staff, csrf, csrf_in
from tests.functional.test_reports_api import image_hashes, make, pin_header
from tests.functional.test_young_people_pages import page_grade

SECRET_WORDS = "Snapchat @someone_bad"


@pytest.fixture
def orgs(app_db: Database, staff: Staff) -> dict[str, str]:
    """The intake helpline (oldest), a school with every role, a platform."""
    staff.create("dsl@helpline.example", role="dsl", org="Helpline")
    for role in ("admin", "dsl", "caseworker", "viewer", "analyst"):
        staff.create(f"{role}@school.example", role=role, org="Hillside School")
    staff.create("admin@other.example", role="admin", org="Other School")
    with app_db.session() as session:
        from reclaim.accounts.staff import create_organisation

        create_organisation(session, "PhotoShare", "platform")
    return {}


def browser(client: TestClient, staff: Staff, username: str) -> TestClient:
    """A staff member's own browser, signed in once (each sign-in needs a fresh code)."""
    app: Any = client.app
    browsers: dict[str, TestClient] = app.state.__dict__.setdefault("_state", {}).setdefault(
        "test_browsers", {}
    )
    if username not in browsers:
        own = TestClient(app, base_url=BASE_URL)
        staff.sign_in(own, username)
        browsers[username] = own
    return browsers[username]


def _code(client: TestClient, staff: Staff, username: str) -> str:
    page = browser(client, staff, username).get("/staff/sharing")
    assert page.status_code == 200, page.text
    found = re.search(r'data-testid="share-code">([A-Z0-9-]+)<', page.text)
    assert found, "no share code shown"
    return found.group(1)


def _status(client: TestClient, reference: str, pin: str) -> Any:
    return client.post(
        "/status", data={"reference": reference, "pin": pin, "csrf_token": csrf(client, "/status")}
    )


def _access(html: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_in(html),
        "reference": re.search(r'name="reference" value="([^"]+)"', html).group(1),  # type: ignore[union-attr]
        "access": re.search(r'name="access" value="([^"]+)"', html).group(1),  # type: ignore[union-attr]
    }


def _report(client: TestClient) -> tuple[str, str]:
    made = make(
        client,
        files=[image_hashes()],
        urls=["https://pics.example.org/p/42"],
        apps=SECRET_WORDS,
        feels_safe="yes",
    ).json()
    return made["reference"], made["pin"]


def test_share_with_a_code_then_stop(
    client: TestClient, app_db: Database, staff: Staff, orgs: dict[str, str]
) -> None:
    reference, pin = _report(client)
    code = _code(client, staff, "dsl@school.example")
    status = _status(client, reference, pin)
    assert status.status_code == 200 and 'data-testid="share-form"' in status.text
    # First what will be shared: nothing is shared yet.
    ask = client.post("/status/share", data={**_access(status.text), "code": code.lower()})
    assert ask.status_code == 200
    assert "Share your report with Hillside School?" in ask.text
    assert "whether each photo or video is blocked" in ask.text.lower()
    assert "your email" in ask.text.lower()
    assert page_grade(ask.text) <= 6.0, page_grade(ask.text)
    caseworker = browser(client, staff, "caseworker@school.example")
    assert 'data-testid="nothing-shared"' in caseworker.get("/staff/sharing").text
    # Then they confirm.
    done = client.post("/status/share", data={**_access(ask.text), "code": code, "confirm": "yes"})
    assert done.status_code == 200 and "Hillside School can now see" in done.text
    assert done.text.count('data-testid="share-row"') == 1
    assert page_grade(done.text) <= 6.0, page_grade(done.text)
    # The school's caseworker sees it, read-only, without what was typed.
    listing = caseworker.get("/staff/sharing").text
    link = re.search(r'href="(/staff/shared/[^"]+)"', listing)
    assert link is not None
    shared = caseworker.get(link.group(1))
    assert shared.status_code == 200
    assert "https://pics.example.org/p/42" in shared.text and "On the block list" in shared.text
    assert "someone_bad" not in shared.text and pin not in shared.text
    assert reference not in shared.text.replace("-", "")
    # Stop sharing: gone at once.
    share_id = re.search(r'name="share" value="([^"]+)"', done.text).group(1)  # type: ignore[union-attr]
    stopped = client.post("/status/share/stop", data={**_access(done.text), "share": share_id})
    assert "can no longer see your report" in stopped.text
    assert 'data-testid="share-row"' not in stopped.text
    assert caseworker.get(link.group(1)).status_code == 404
    assert 'data-testid="nothing-shared"' in caseworker.get("/staff/sharing").text
    with app_db.read_session() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {
        "public:report:shared",
        "public:report:sharing-stopped",
        "case:shared-report:viewed",
    } <= actions


def test_other_organisations_never_see_a_share(
    client: TestClient, staff: Staff, orgs: dict[str, str]
) -> None:
    reference, pin = _report(client)
    code = _code(client, staff, "admin@school.example")
    api = client.post(
        f"/api/v1/reports/{reference}/shares", json={"code": code}, headers=pin_header(pin)
    )
    assert api.status_code == 201, api.text
    share_id = api.json()["id"]
    other = browser(client, staff, "admin@other.example")
    assert other.get(f"/staff/shared/{share_id}").status_code == 404
    assert 'data-testid="nothing-shared"' in other.get("/staff/sharing").text
    viewer = browser(client, staff, "viewer@school.example")  # a viewer does not work cases
    assert viewer.get(f"/staff/shared/{share_id}").status_code == 403
    school = browser(client, staff, "admin@school.example")
    assert school.get(f"/staff/shared/{share_id}").status_code == 200


def test_unknown_codes_platforms_and_the_intake_itself_are_refused(
    client: TestClient, app_db: Database, staff: Staff, orgs: dict[str, str]
) -> None:
    reference, pin = _report(client)
    status = _status(client, reference, pin)
    wrong = client.post("/status/share", data={**_access(status.text), "code": "ZZZZ-ZZZZ"})
    assert wrong.status_code == 400
    assert "We could not find that code" in wrong.text
    assert 'value="ZZZZ-ZZZZ"' in wrong.text  # what they typed is kept
    assert page_grade(wrong.text) <= 6.0, page_grade(wrong.text)
    with app_db.session() as session:  # a platform has no code, even one put in the table
        from reclaim.accounts.models import Organisation

        platform = session.scalar(select(Organisation).where(Organisation.kind == "platform"))
        assert platform is not None
        from reclaim.reports.sharing import share_code_for

        assert share_code_for(session, platform.id) is None
        session.add(ShareCode(organisation_id=platform.id, code="PPPPPPPP"))
    refused = client.post(
        f"/api/v1/reports/{reference}/shares", json={"code": "PPPP-PPPP"}, headers=pin_header(pin)
    )
    assert refused.status_code == 404 and refused.json()["type"].endswith("share-code-not-found")
    intake = _code(client, staff, "dsl@helpline.example")
    own = client.post(
        f"/api/v1/reports/{reference}/shares", json={"code": intake}, headers=pin_header(pin)
    )
    assert own.status_code == 409 and "already looks after" in own.json()["detail"]


def test_guessing_codes_is_rate_limited(
    client: TestClient, staff: Staff, orgs: dict[str, str]
) -> None:
    reference, pin = _report(client)
    answers = [
        client.post(
            f"/api/v1/reports/{reference}/shares/preview",
            json={"code": f"ZZZZ-ZZZ{c}"},
            headers=pin_header(pin),
        ).status_code
        for c in "23456789ABCD"
    ]
    assert answers[:10] == [404] * 10 and answers[10:] == [429, 429]


def test_the_api_preview_shows_what_is_shared_and_shares_nothing(
    client: TestClient, app_db: Database, staff: Staff, orgs: dict[str, str]
) -> None:
    reference, pin = _report(client)
    code = _code(client, staff, "dsl@school.example")
    preview = client.post(
        f"/api/v1/reports/{reference}/shares/preview", json={"code": code}, headers=pin_header(pin)
    )
    assert preview.status_code == 200
    body = preview.json()
    assert body["organisation"] == "Hillside School" and "your email" in body["not_shared"]
    listed = client.get(f"/api/v1/reports/{reference}/shares", headers=pin_header(pin))
    assert listed.json() == []
    made = client.post(
        f"/api/v1/reports/{reference}/shares", json={"code": code}, headers=pin_header(pin)
    ).json()
    again = client.post(
        f"/api/v1/reports/{reference}/shares", json={"code": code}, headers=pin_header(pin)
    )
    assert again.status_code == 409
    stop = client.delete(
        f"/api/v1/reports/{reference}/shares/{made['id']}", headers=pin_header(pin)
    )
    assert stop.status_code == 200 and stop.json() == []
    no_pin = client.get(f"/api/v1/reports/{reference}/shares")
    assert no_pin.status_code == 401


def test_deleting_the_report_ends_sharing(
    client: TestClient, app_db: Database, staff: Staff, orgs: dict[str, str]
) -> None:
    reference, pin = _report(client)
    code = _code(client, staff, "dsl@school.example")
    made = client.post(
        f"/api/v1/reports/{reference}/shares", json={"code": code}, headers=pin_header(pin)
    ).json()
    assert client.delete(f"/api/v1/reports/{reference}", headers=pin_header(pin)).status_code == 200
    with app_db.session() as session:
        school = session.scalar(
            select(ShareCode.organisation_id).where(ShareCode.code == normalise_code(code))
        )
        assert school is not None
        assert shared_report_view(session, school, made["id"]) is None


def test_a_new_code_replaces_the_old_one(
    client: TestClient, staff: Staff, orgs: dict[str, str]
) -> None:
    old = _code(client, staff, "admin@school.example")
    admin = browser(client, staff, "admin@school.example")
    page = admin.get("/staff/sharing").text
    admin.post("/staff/sharing/code", data={"csrf_token": csrf_in(page)})
    new = re.search(r'data-testid="share-code">([A-Z0-9-]+)<', admin.get("/staff/sharing").text)
    assert new is not None and new.group(1) != old
    reference, pin = _report(client)
    gone = client.post(
        f"/api/v1/reports/{reference}/shares", json={"code": old}, headers=pin_header(pin)
    )
    assert gone.status_code == 404


def test_codes_are_short_and_unambiguous() -> None:
    from reclaim.reports.sharing import new_share_code

    code = new_share_code()
    assert len(code) == 8 and not set("01OIL") & set(code)
    assert normalise_code(show_code(code).lower()) == code
    assert normalise_code("abc") is None
