"""The staff dashboard loads in a fixed number of SQL statements, however many reports there
are: no query per report, and no link decrypted just to count it (issue 10)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from reclaim.accounts.passwords import Argon2Parameters, PasswordHasher
from reclaim.reports import AgeGroup, FileHashes, NewReport, create_report
from reclaim.storage import Database
from reclaim.storage.encryption import FieldCipher
from tests.conftest import Staff

HASHER = PasswordHasher(Argon2Parameters(1, 8192, 1))


def _add_reports(db: Database, n: int) -> None:
    """``n`` reports, each with a photo and two links; every third one urgent."""
    with db.session() as session:
        for i in range(n):
            create_report(
                session,
                HASHER,
                NewReport(
                    AgeGroup.UNDER_18,
                    "GB",
                    files=[FileHashes("image", secrets.token_hex(32), secrets.token_hex(16))],
                    urls=[f"https://pics.example.org/p/{i}", f"https://vids.example.net/v/{i}"],
                    feels_safe="no" if i % 3 == 0 else "yes",
                ),
            )


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@contextmanager
def _decryptions() -> Iterator[list[str]]:
    """Every field decrypted while the block runs, by the field's name."""
    seen: list[str] = []
    original = FieldCipher.decrypt

    def spy(self: FieldCipher, stored: str, context: str) -> str:
        seen.append(context)
        return original(self, stored, context)

    FieldCipher.decrypt = spy  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        FieldCipher.decrypt = original  # type: ignore[method-assign]


def _dashboard(client: TestClient, db: Database) -> tuple[int, list[str]]:
    client.get("/staff")  # warm: the first visit may still assign reports to the organisation
    with _statements(db) as statements, _decryptions() as decrypted:
        page = client.get("/staff")
    assert page.status_code == 200, page.text
    return len(statements), decrypted


def test_the_dashboard_costs_the_same_for_1_report_and_for_30(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create("case@hotline.example", role="caseworker")
    staff.sign_in(client, "case@hotline.example")

    _add_reports(app_db, 1)
    one, decrypted_one = _dashboard(client, app_db)
    _add_reports(app_db, 29)
    thirty, decrypted_thirty = _dashboard(client, app_db)

    page = client.get("/staff").text
    assert page.count('href="/staff/reports/') >= 30  # all 30 listed (urgent ones twice)
    assert one == thirty, (one, thirty)
    assert "report_url.url" not in decrypted_one + decrypted_thirty  # links counted, not read
    assert "report.details" not in decrypted_one + decrypted_thirty
    assert len(decrypted_one) == len(decrypted_thirty)
