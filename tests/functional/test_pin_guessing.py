"""Guessing a report's PIN (finding 14): the limits fall on the guesser, not on the young
person. A stranger who knows a reference cannot lock its owner out; unknown and real
references answer alike; and the guesses one reference can receive in a year are bounded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.passwords import PasswordHashing
from reclaim.reports import AgeGroup, NewReport, Outcome, create_report, open_report
from reclaim.reports.models import Report
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from reclaim.web.report_access import pin_policy
from tests.conftest import BASE_URL, make_settings
from tests.functional.test_reports_api import make, pin_header

STRANGER, OWNER, OTHER = "127.0.0.2", "127.0.0.3", "127.0.0.4"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TestClient]:
    """The app behind a proxy it trusts, so each test can speak from several addresses."""
    settings = make_settings(tmp_path, trusted_proxies="testclient", pin_rate_per_minute=1000)
    db = Database(settings)
    upgrade(db)
    with TestClient(create_app(settings, db), base_url=BASE_URL) as client:
        yield client
    db.dispose()


def check(client: TestClient, reference: str, pin: str, address: str) -> tuple[int, str]:
    response = client.get(
        f"/api/v1/reports/{reference}",
        headers={**pin_header(pin), "X-Forwarded-For": address},
    )
    return response.status_code, response.json().get("detail", "")


def test_a_stranger_hammering_a_reference_does_not_lock_its_owner_out(
    site: TestClient,
) -> None:
    created = make(site).json()
    reference, pin = created["reference"], created["pin"]
    wrong = "000000" if pin != "000000" else "111111"
    statuses = [check(site, reference, wrong, STRANGER)[0] for _ in range(12)]
    assert statuses[:4] == [404] * 4 and set(statuses[4:]) == {429}
    assert check(site, reference, pin, OWNER)[0] == 200
    # The young person's page goes the same way.
    page = site.get("/status")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    for _ in range(6):
        site.post(
            "/status",
            data={"reference": reference, "pin": wrong, "csrf_token": token},
            headers={"X-Forwarded-For": STRANGER},
        )
    opened = site.post(
        "/status",
        data={"reference": reference, "pin": pin, "csrf_token": token},
        headers={"X-Forwarded-For": OTHER},
    )
    assert opened.status_code == 200 and reference[:3] in opened.text


def test_unknown_and_real_references_answer_alike_while_being_guessed(
    site: TestClient,
) -> None:
    created = make(site).json()
    real, pin = created["reference"], created["pin"]
    wrong = "000000" if pin != "000000" else "111111"
    unknown = "ZZZZZZZZZ"
    assert real != unknown
    answers_real = [check(site, real, wrong, STRANGER) for _ in range(8)]
    answers_unknown = [check(site, unknown, wrong, OTHER) for _ in range(8)]
    assert answers_real == answers_unknown
    assert {status for status, _ in answers_real} == {404, 429}


def test_one_connection_guessing_across_references_is_slowed_not_the_owner(
    site: TestClient,
) -> None:
    created = make(site).json()
    statuses = [check(site, f"ZZZZZZZ{i:02d}", "123456", STRANGER)[0] for i in range(40)]
    assert statuses[0] == 404 and statuses[-1] == 429
    refused = check(site, created["reference"], created["pin"], STRANGER)
    assert refused[0] == 429 and "connection" in refused[1]
    assert check(site, created["reference"], created["pin"], OWNER)[0] == 200


class PlainHashing(PasswordHashing):
    """Argon2's answers without its cost, so a simulated year runs in seconds."""

    def __init__(self) -> None:
        self.checks = 0

    def hash(self, password: str) -> str:
        return "plain:" + password

    def verify(self, stored_hash: str | None, password: str) -> bool:
        self.checks += 1
        return stored_hash == "plain:" + password


def guesses_in_a_year(db: Database, tmp_path: Path, **client: bool) -> int:
    """An attacker who guesses a known reference's PIN as fast as they are allowed for a year
    of simulated time; returns how many guesses were really checked."""
    hashing = PlainHashing()
    with db.session() as session:
        created = create_report(
            session, hashing, NewReport(AgeGroup.UNDER_18, "GB", urls=["https://x.example/a"])
        )
        created.report.pin_hash = hashing.hash("123456")
        reference = created.report.reference
    hashing.checks = 0
    policy = pin_policy(make_settings(tmp_path))
    moment, end, guess = utcnow(), utcnow() + timedelta(days=365), 200000
    while moment < end and hashing.checks <= 5000:
        with db.session() as session:
            access = open_report(session, hashing, reference, str(guess), policy, moment, **client)
        assert access.outcome is not Outcome.OK
        guess += 1
        later = access.locked_until or moment
        moment = max(moment + timedelta(seconds=1), later)
    with db.session() as session:  # the owner still gets in afterwards, with the right PIN
        found = session.scalar(select(Report).where(Report.reference == reference))
        assert found is not None
    return hashing.checks


def test_a_single_connection_gets_a_few_hundred_guesses_a_year(
    db: Database, tmp_path: Path
) -> None:
    # Was 480 a day, for ever (175,200 a year: a 17.5% chance at a 6-digit PIN).
    assert guesses_in_a_year(db, tmp_path) <= 400


def test_fresh_connections_get_a_few_thousand_guesses_a_year(db: Database, tmp_path: Path) -> None:
    assert guesses_in_a_year(db, tmp_path, fresh_connection=True) <= 2600
