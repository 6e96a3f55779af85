"""One report must not stall everyone else (issue 11, item 1), tested without timing: a PIN's
hash is made to wait on an event, and meanwhile the rest of the service must answer and other
writers must get the database. Before, the hash ran on the event loop, inside the report's
write transaction: /healthz hung and every writer waited behind it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reclaim.accounts.staff import create_organisation
from reclaim.reports.pins import PinHasher
from reclaim.storage.database import Database
from tests.functional.test_reports_api import image_hashes, make, pin_header, proof

#: Generous bounds for "it answered", never asserted as latency: they only keep a broken
#: build from hanging the suite (the hashing waits for the test to let it go).
PATIENCE = 20.0


def _in_thread(call: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """(started, release): PIN hashing and checking signal ``started``, then wait for
    ``release``."""
    started, release = threading.Event(), threading.Event()
    real_hash, real_verify = PinHasher.hash, PinHasher.verify

    def slow_hash(self: PinHasher, pin: str) -> str:
        if pin != "000000":  # the dummy made at start-up
            started.set()
            release.wait(PATIENCE)
        return real_hash(self, pin)

    def slow_verify(self: PinHasher, stored: str | None, pin: str) -> bool:
        started.set()
        release.wait(PATIENCE)
        return real_verify(self, stored, pin)

    monkeypatch.setattr(PinHasher, "hash", slow_hash)
    monkeypatch.setattr(PinHasher, "verify", slow_verify)
    yield started, release
    release.set()


def test_while_a_reports_pin_is_hashed_the_service_answers_and_others_can_write(
    client: TestClient, app_db: Database, held: tuple[threading.Event, threading.Event]
) -> None:
    started, release = held
    body = {"age_group": "under18", "files": [image_hashes()], "proof": proof(client)}
    report, made = _in_thread(lambda: client.post("/api/v1/reports", json=body))
    assert started.wait(PATIENCE), "the report never reached its PIN hash"

    # The event loop is free: on main, hashing ran on it and this hung until the hash ended.
    health, answered = _in_thread(lambda: client.get("/healthz"))
    health.join(PATIENCE)
    assert not health.is_alive(), "/healthz waited for a report's PIN hash"
    assert answered["value"].status_code == 200

    # No write transaction is open meanwhile: another writer gets the database at once.
    def write() -> None:
        with app_db.session() as session:
            create_organisation(session, "Hillside Academy", "school")

    writer, wrote = _in_thread(write)
    writer.join(PATIENCE)
    assert not writer.is_alive(), "a writer waited behind a report's PIN hash"
    assert "error" not in wrote

    release.set()
    report.join(PATIENCE)
    assert made["value"].status_code == 201


def test_while_a_pin_is_checked_the_service_answers_and_others_can_write(
    client: TestClient, app_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = make(client).json()
    started, release = threading.Event(), threading.Event()
    real_verify = PinHasher.verify

    def slow_verify(self: PinHasher, stored: str | None, pin: str) -> bool:
        started.set()
        release.wait(PATIENCE)
        return real_verify(self, stored, pin)

    monkeypatch.setattr(PinHasher, "verify", slow_verify)
    withdraw, withdrew = _in_thread(
        lambda: client.post(
            f"/api/v1/reports/{created['reference']}/withdraw",
            json={"all": True},
            headers=pin_header(created["pin"]),
        )
    )
    try:
        assert started.wait(PATIENCE)
        health, answered = _in_thread(lambda: client.get("/healthz"))
        health.join(PATIENCE)
        assert not health.is_alive() and answered["value"].status_code == 200

        def write() -> None:
            with app_db.session() as session:
                create_organisation(session, "Riverside School", "school")

        writer, wrote = _in_thread(write)
        writer.join(PATIENCE)
        assert not writer.is_alive() and "error" not in wrote
    finally:
        release.set()
    withdraw.join(PATIENCE)
    assert withdrew["value"].status_code == 200
    assert withdrew["value"].json()["hashes"][0]["status"] == "withdrawn"


def test_new_pins_are_keyed_and_older_hashes_still_open(
    client: TestClient, app_db: Database
) -> None:
    """A new report's PIN hash names its format; a report whose PIN was hashed the old way
    (Argon2id of the PIN itself) still opens, and is rehashed in the new format."""
    from sqlalchemy import select

    from reclaim.accounts.passwords import Argon2Parameters, PasswordHasher
    from reclaim.reports.models import Report

    created = make(client).json()
    with app_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == created["reference"]))
        row = report.one()
        assert row.pin_hash.startswith("pin1.") and "$argon2id$" in row.pin_hash
        row.pin_hash = PasswordHasher(Argon2Parameters(1, 8192, 1)).hash(created["pin"])
    ref = created["reference"]
    assert client.get(f"/api/v1/reports/{ref}", headers=pin_header("000000")).status_code == 404
    assert client.get(f"/api/v1/reports/{ref}", headers=pin_header(created["pin"])).is_success
    with app_db.read_session() as session:
        stored = session.scalar(select(Report.pin_hash).where(Report.reference == ref))
    assert stored is not None and stored.startswith("pin1.")
    assert client.get(f"/api/v1/reports/{ref}", headers=pin_header(created["pin"])).is_success
