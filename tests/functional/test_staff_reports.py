"""Staff open a report (flags, items with platform feedback, links, what was typed; every view
audited) and move its links along; the young person's status page shows the change."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.audit.models import AuditEvent
from reclaim.notify.models import Notification
from reclaim.reports import AgeGroup, NewReport, create_report
from reclaim.reports.models import Report, ReportUrl
from reclaim.storage.database import Database
from reclaim.takedown.models import Place
from tests.conftest import Staff, csrf, csrf_in
from tests.functional.test_reports_api import image_hashes, make

LINK = "https://pics.example.org/p/123"


def _report(client: TestClient) -> tuple[str, str]:
    made = make(
        client,
        files=[image_hashes()],
        urls=[LINK],
        apps="Snapchat @someone_bad",
        who_has_it="a boy in year 10",
        feels_safe="no",
    )
    assert made.status_code == 201, made.text
    return made.json()["reference"], made.json()["pin"]


def _report_id(db: Database, reference: str) -> int:
    with db.session() as session:
        found = session.scalar(select(Report.id).where(Report.reference == reference))
    assert found is not None
    return found


def _public_id(db: Database, reference: str) -> str:
    """The report's id in staff URLs (random; the sequential id opens nothing)."""
    with db.session() as session:
        found = session.scalar(select(Report.public_id).where(Report.reference == reference))
    assert found is not None
    return found


def _actions(db: Database) -> list[tuple[str, str | None, str | None]]:
    with db.session() as session:
        return [
            (e.action, e.object_type, e.object_id)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        ]


def _status_page(client: TestClient, reference: str, pin: str) -> str:
    page = client.post(
        "/status",
        data={"reference": reference, "pin": pin, "csrf_token": csrf(client, "/status")},
    )
    assert page.status_code == 200, page.text
    return page.text


def test_open_a_report_and_mark_a_link_removed(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    reference, pin = _report(client)
    report_id = _report_id(app_db, reference)
    public_id = _public_id(app_db, reference)
    staff.create("case@hotline.example", role="caseworker")
    staff.sign_in(client, "case@hotline.example")

    dashboard = client.get("/staff").text
    assert f'href="/staff/reports/{public_id}"' in dashboard

    page = client.get(f"/staff/reports/{public_id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "URGENT" in html and "does not feel safe" in html
    assert "Snapchat @someone_bad" in html and "a boy in year 10" in html
    assert LINK in html and 'data-status="reported"' in html
    assert html.count('data-testid="item-row"') == 1 and "none yet" in html
    assert pin not in html and "<img" not in html
    assert 'data-testid="url-form"' in html
    assert page.headers["cache-control"] == "no-store"
    assert ("case:report:viewed", "report", str(report_id)) in _actions(app_db)

    with app_db.session() as session:
        url_id, place_id = session.execute(select(ReportUrl.id, ReportUrl.place_id)).one()
    # Through the takedown status machine: reported -> assessed, with a reason.
    changed = client.post(
        f"/staff/reports/{public_id}/urls/{url_id}",
        data={"status": "assessed", "reason": "in scope", "csrf_token": csrf_in(html)},
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    after = client.get(changed.headers["location"]).text
    assert 'data-status="assessed"' in after and "Saved." in after
    actions = _actions(app_db)
    assert ("case:url:status-changed", "url", str(url_id)) in actions
    assert ("staff:place:moved", "place", str(place_id)) in actions
    with app_db.session() as session:
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "case:url:status-changed")
        )
        assert event is not None and event.actor.startswith("user:")
        assert event.detail == {
            "report": report_id,
            "place": place_id,
            "from": "reported",
            "to": "assessed",
        }
    # A move the machine does not allow (assessed -> reported) is refused, nothing changes.
    refused = client.post(
        f"/staff/reports/{public_id}/urls/{url_id}",
        data={"status": "reported", "reason": "undo", "csrf_token": csrf_in(html)},
        follow_redirects=False,
    )
    assert refused.headers["location"].endswith("changed=refused")

    young = _status_page(client, reference, pin)
    row = re.search(r'<li data-testid="url-row" data-status="([a-z_]+)">(.*?)</li>', young, re.S)
    assert row is not None and row.group(1) == "assessed"
    assert "We are asking the website to take it down." in row.group(2)


def test_a_viewer_can_read_but_not_change(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    reference, _pin = _report(client)
    report_id = _report_id(app_db, reference)
    public_id = _public_id(app_db, reference)
    staff.create("viewer@hotline.example", role="viewer")
    staff.sign_in(client, "viewer@hotline.example")
    page = client.get(f"/staff/reports/{public_id}")
    assert page.status_code == 200 and LINK in page.text
    assert 'data-testid="url-form"' not in page.text
    with app_db.session() as session:
        url_id = session.scalars(select(ReportUrl.id)).one()
    refused = client.post(
        f"/staff/reports/{public_id}/urls/{url_id}",
        data={"status": "assessed", "reason": "in scope", "csrf_token": csrf_in(page.text)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    with app_db.session() as session:
        assert session.scalars(select(Place.status)).one() == "reported"
    assert [a for a in _actions(app_db) if a[0] == "case:report:viewed"] == [
        ("case:report:viewed", "report", str(report_id))
    ]


def test_moving_a_link_queues_news_when_they_left_an_email(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    # Made through the service: this app has no SMTP, so its API would refuse the contact.
    with app_db.session() as session:
        created = create_report(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            NewReport(AgeGroup.UNDER_18, "GB", urls=[LINK], contact="pat@example.net"),
        )
        report_id, url_id = created.report.public_id, created.report.urls[0].id
    staff.create()
    staff.sign_in(client)
    page = client.get(f"/staff/reports/{report_id}").text
    assert "pat@example.net" not in page and "asked for: 0 sent, 0 waiting" in page
    # assessed is not news; a notice sent and the removal are; a refused move changes nothing.
    for status in ("assessed", "notice_sent", "notice_sent", "reported", "removed"):
        client.post(
            f"/staff/reports/{report_id}/urls/{url_id}",
            data={"status": status, "reason": "test", "csrf_token": csrf_in(page)},
        )
    with app_db.session() as session:
        reasons = list(session.scalars(select(Notification.reason)))
    assert reasons == ["link", "link"]  # notice sent, then removed; a repeat is not news
    assert "0 sent, 2 waiting" in client.get(f"/staff/reports/{report_id}").text


def test_unknown_erased_and_signed_out(client: TestClient, app_db: Database, staff: Staff) -> None:
    assert client.get("/staff/reports/1", follow_redirects=False).status_code == 303
    reference, pin = _report(client)
    report_id = _public_id(app_db, reference)
    staff.create()
    staff.sign_in(client)
    assert client.get("/staff/reports/9999").status_code == 404
    page = client.get(f"/staff/reports/{report_id}").text
    wrong = client.post(
        f"/staff/reports/{report_id}x/urls/1",
        data={"status": "removed", "csrf_token": csrf_in(page)},
    )
    assert wrong.status_code == 404
    assert client.delete(f"/api/v1/reports/{reference}", headers={"X-Reclaim-PIN": pin}).is_success
    erased = client.get(f"/staff/reports/{report_id}").text
    assert 'data-testid="report-erased"' in erased
    assert LINK not in erased and "Snapchat" not in erased


def test_platform_staff_never_see_young_peoples_reports(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    """Platforms get hashes through the API; case data stays with the organisations that help."""
    from sqlalchemy import select

    from reclaim.accounts.models import Organisation
    from reclaim.accounts.staff import create_organisation

    with app_db.session() as session:
        if session.scalar(select(Organisation).where(Organisation.name == "PhotoShare")) is None:
            create_organisation(session, "PhotoShare", "platform")
    staff.create(username="analyst@photoshare.example", role="analyst", org="PhotoShare")
    staff.sign_in(client, "analyst@photoshare.example")
    assert client.get("/staff").status_code == 200
    assert client.get("/staff/reports/1").status_code == 403
    assert client.get("/staff/lists").status_code == 403
    assert client.get("/staff/items/1").status_code == 403
