"""A retry must not split a report: the same Idempotency-Key (or the same no-JavaScript form
token) returns the first report, reference and PIN; and a withdrawal says truthfully what
still matches when another report holds the same file."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from reclaim.bank.signals import make_signal
from reclaim.reports.models import Report
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.web.services import services_of
from tests.functional.test_reports_api import image_hashes, make, pin_header, proof
from tests.functional.test_young_people_pages import csrf_in, form_token_in


def _reports(db: Database) -> int:
    with db.read_session() as session:
        return int(session.scalar(select(func.count(Report.id))) or 0)


def test_a_retry_with_the_same_key_gets_the_same_report(
    client: TestClient, app_db: Database
) -> None:
    files = [image_hashes()]
    key = secrets.token_urlsafe(16)
    body = {"age_group": "under18", "country": "GB", "files": files, "feels_safe": "no"}
    one = client.post(
        "/api/v1/reports", json={**body, "proof": proof(client)}, headers={"Idempotency-Key": key}
    )
    assert one.status_code == 201, one.text
    # The answer was lost; the client sends the same thing again (the proof is spent by now).
    two = client.post(
        "/api/v1/reports", json={**body, "proof": proof(client)}, headers={"Idempotency-Key": key}
    )
    assert two.status_code == 201 and two.headers["idempotent-replayed"] == "true"
    assert two.json()["reference"] == one.json()["reference"]
    assert two.json()["pin"] == one.json()["pin"] and two.json()["urgent"] is True
    assert _reports(app_db) == 1
    # The PIN the retry gave opens the report.
    status = client.get(
        f"/api/v1/reports/{one.json()['reference']}", headers=pin_header(two.json()["pin"])
    )
    assert status.status_code == 200
    # Another key: another report.
    three = client.post(
        "/api/v1/reports",
        json={**body, "proof": proof(client)},
        headers={"Idempotency-Key": secrets.token_urlsafe(16)},
    )
    assert three.status_code == 201 and three.json()["reference"] != one.json()["reference"]
    assert "idempotent-replayed" not in three.headers
    bad = client.post(
        "/api/v1/reports", json={**body, "proof": proof(client)}, headers={"Idempotency-Key": "x"}
    )
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["detail"]


def test_retries_are_answered_for_a_day_and_the_pin_is_then_forgotten(
    client: TestClient, app_db: Database
) -> None:
    key = secrets.token_urlsafe(16)
    one = make(client)
    assert one.status_code == 201
    body = {"age_group": "under18", "country": "GB", "files": [image_hashes()]}
    first = client.post(
        "/api/v1/reports", json={**body, "proof": proof(client)}, headers={"Idempotency-Key": key}
    )
    with app_db.session() as session:
        session.execute(
            update(Report)
            .where(Report.reference == first.json()["reference"])
            .values(created_at=utcnow() - timedelta(hours=25))
        )
    # A day later the same key is a new submission, and the old report's PIN copy is gone.
    later = client.post(
        "/api/v1/reports", json={**body, "proof": proof(client)}, headers={"Idempotency-Key": key}
    )
    assert later.status_code == 201 and later.json()["reference"] != first.json()["reference"]
    with app_db.read_session() as session:
        old = session.scalar(select(Report).where(Report.reference == first.json()["reference"]))
        assert old is not None and old.retry_pin is None and old.idempotency_digest is None


def test_the_form_sent_twice_makes_one_report(client: TestClient, app_db: Database) -> None:
    page = client.get("/report?age=under18&country=GB")
    data = {
        "csrf_token": csrf_in(page.text),
        "age_group": "under18",
        "urls": "https://example.com/a-picture",
        "form_token": form_token_in(page.text),
    }
    one = client.post("/report", data=data)
    two = client.post("/report", data=data)  # the browser sends it again
    assert one.status_code == two.status_code == 200
    assert _reports(app_db) == 1
    pins = [
        re.findall(r'data-(?:slot="pin">\d{6}|slot="reference">[A-Z0-9-]+)<', r.text)
        for r in (one, two)
    ]
    assert pins[0] and pins[0] == pins[1]


def test_withdrawing_says_what_still_matches(client: TestClient, app_db: Database) -> None:
    """Two reports of the same file (made before keys, or by two people): withdrawing from
    one must not say "withdrawn" while the file is still blocked through the other."""
    files = [image_hashes()]
    one, two = make(client, files=files).json(), make(client, files=files).json()
    answer = client.post(
        f"/api/v1/reports/{two['reference']}/withdraw",
        json={"all": True},
        headers=pin_header(two["pin"]),
    )
    assert answer.status_code == 200
    [state] = answer.json()["hashes"]
    assert state["status"] == "still_listed" and "still block" in state["status_text"]
    matcher = services_of(client.app).matcher  # type: ignore[arg-type]
    with app_db.read_session() as session:
        matcher.sync(session)
    assert matcher.match([make_signal("sha256", files[0]["sha256"])])[0]
    # Withdrawn from the first as well: now it is true, and nothing matches.
    answer = client.post(
        f"/api/v1/reports/{one['reference']}/withdraw",
        json={"all": True},
        headers=pin_header(one["pin"]),
    )
    assert answer.json()["hashes"][0]["status"] == "withdrawn"
    with app_db.read_session() as session:
        matcher.sync(session)
    assert matcher.match([make_signal("sha256", files[0]["sha256"])]) == [[]]
