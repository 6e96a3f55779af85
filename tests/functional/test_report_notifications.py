"""News for a young person who left an email: queued with the change, sent after commit by the
app's sender thread (or `reclaim notify send`) to a real SMTP server on loopback, saying only
that there is news. No email offered, and contacts refused, where no email can be sent."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from reclaim.accounts.apikeys import issue
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation
from reclaim.audit.models import AuditEvent
from reclaim.cli.main import app as cli
from reclaim.config import Settings, load_settings, reset_settings
from reclaim.notify import ReportOutbox
from reclaim.notify.mail import SmtpServer, looks_like_email
from reclaim.notify.models import Notification
from reclaim.notify.sender import MAX_ATTEMPTS, Notifier
from reclaim.reports import (
    AgeGroup,
    FileHashes,
    NewReport,
    create_report,
)
from reclaim.reports.models import Report, ReportUrl
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.takedown import PlaceStatus, move
from reclaim.takedown.models import Place
from reclaim.web.app import create_app
from reclaim.web.services import services_of
from tests.conftest import BASE_URL, csrf_in, make_settings
from tests.functional.test_reports_api import image_hashes, make, pin_header
from tests.functional.test_young_people_pages import form_token_in
from tests.smtp_sink import Sink, smtp_sink

EMAIL = "pat.young@example.net"
HASHING = PasswordHashing(Argon2Parameters(1, 8192, 1))


@pytest.fixture
def sink() -> Iterator[Sink]:
    with smtp_sink() as server:
        yield server


@pytest.fixture
def mail_settings(tmp_path: Path, sink: Sink) -> Settings:
    return make_settings(tmp_path, smtp_url=sink.url, mail_from="Reclaim <news@reclaim.example>")


@pytest.fixture
def mail_db(mail_settings: Settings) -> Iterator[Database]:
    database = Database(mail_settings)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def mail_client(mail_settings: Settings, mail_db: Database) -> Iterator[TestClient]:
    app = create_app(mail_settings, mail_db)
    with TestClient(app, base_url=BASE_URL) as test_client:
        services_of(app).matcher_loader.join(timeout=30)
        yield test_client


def _platform(db: Database, name: str) -> dict[str, str]:
    with db.session() as session:
        token = issue(session, create_organisation(session, name, "platform"), "k").token
    return {"Authorization": f"Bearer {token}"}


def _item_of(client: TestClient, auth: dict[str, str], sha256: str) -> int:
    found = client.post(
        "/api/v1/match", json={"signals": [{"type": "sha256", "value": sha256}]}, headers=auth
    ).json()
    return int(found["results"][0]["matches"][0]["item_id"])


def _block(client: TestClient, auth: dict[str, str], item_id: int) -> None:
    posted = client.post(
        "/api/v1/feedback",
        json={"feedback": [{"item_id": item_id, "status": "Blocked"}]},
        headers=auth,
    )
    assert posted.status_code == 200, posted.text


def _rows_once_sent(db: Database, n: int, timeout: float = 15.0) -> list[Notification]:
    """The rows, once ``n`` are marked sent: the sink has a message a moment before the
    sender commits that it sent it."""
    deadline = time.monotonic() + timeout
    rows = _rows(db)
    while sum(r.sent_at is not None for r in rows) < n and time.monotonic() < deadline:
        time.sleep(0.05)
        rows = _rows(db)
    return rows


def _rows(db: Database) -> list[Notification]:
    with db.session() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_a_platform_block_emails_only_that_there_is_news(
    mail_client: TestClient, mail_db: Database, sink: Sink
) -> None:
    files = [image_hashes()]
    made = make(
        mail_client,
        files=files,
        urls=["https://pics.example.org/p/123"],
        apps="Snapchat @someone",
        contact=f"  {EMAIL} ",
    )
    assert made.status_code == 201, made.text
    reference, pin = made.json()["reference"], made.json()["pin"]
    photoshare = _platform(mail_db, "PhotoShare")
    item_id = _item_of(mail_client, photoshare, files[0]["sha256"])

    _block(mail_client, photoshare, item_id)
    [received] = sink.wait_for(1)
    assert received.recipients == [EMAIL]
    message = received.message
    assert message["To"] == EMAIL and message["Subject"] == "News about your report"
    assert message["From"] == "Reclaim <news@reclaim.example>"
    body = received.body
    assert "There is news about your report" in body
    assert f"{BASE_URL}/status" in body
    raw = received.data.decode()
    for secret in (
        reference,
        reference.lower(),
        pin,
        "pics.example.org",
        "PhotoShare",
        "Snapchat",
        files[0]["sha256"],
        files[0]["md5"],
        "blocked",
        "Blocked",
    ):
        assert secret not in raw, secret
    assert not re.search(r"\b[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}\b", raw)

    # The same platform again is not news; a second platform is.
    _block(mail_client, photoshare, item_id)
    assert len(_rows(mail_db)) == 1
    _block(mail_client, _platform(mail_db, "VidHub"), item_id)
    assert len(sink.wait_for(2)) == 2
    rows = _rows_once_sent(mail_db, 2)
    assert len(rows) == 2 and all(r.sent_at is not None and r.attempts == 0 for r in rows)
    with mail_db.session() as session:
        sent = session.scalar(
            select(func.count()).where(AuditEvent.action == "system:notification:sent")
        )
    assert sent == 2
    status = mail_client.get(f"/api/v1/reports/{reference}", headers=pin_header(pin)).json()
    assert status["blocked_on"] == 2


def test_no_contact_no_message(mail_client: TestClient, mail_db: Database, sink: Sink) -> None:
    files = [image_hashes()]
    assert make(mail_client, files=files).status_code == 201
    auth = _platform(mail_db, "PhotoShare")
    _block(mail_client, auth, _item_of(mail_client, auth, files[0]["sha256"]))
    assert _rows(mail_db) == []
    assert sink.wait_for(1, timeout=1.0) == []


def test_the_form_asks_for_an_email_only_when_one_can_be_sent(
    client: TestClient, mail_client: TestClient
) -> None:
    assert 'name="contact"' not in client.get("/report").text
    offered = mail_client.get("/report").text
    assert 'name="contact"' in offered and 'type="email"' in offered
    assert "phone" not in offered.lower().split('id="contact-hint"')[0].rsplit("<label", 1)[-1]


def test_a_contact_is_refused_where_no_email_can_be_sent(client: TestClient) -> None:
    refused = make(client, contact=EMAIL)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["type"].endswith("notifications-unavailable")
    assert "cannot send emails" in problem["detail"]
    assert make(client, contact="  ").status_code == 201
    page = client.get("/report").text
    form = client.post(
        "/report",
        data={
            "age_group": "under18",
            "urls": "https://example.com/x",
            "contact": EMAIL,
            "csrf_token": csrf_in(page),
            "form_token": form_token_in(page),
        },
    )
    assert form.status_code == 422 and "cannot send emails" in form.text


@pytest.mark.parametrize(
    "bad",
    [
        "07700 900123",
        "pat@",
        "a@b",
        "x@example.com\nBcc: y@z.com",
        "Pat <pat@example.com>",
        "a@example.com, b@example.com",
    ],
)
def test_only_a_plain_email_is_taken(mail_client: TestClient, bad: str) -> None:
    refused = make(mail_client, contact=bad)
    assert refused.status_code == 422, refused.text
    assert not looks_like_email(bad)


def _report_with_contact(db: Database, contact: str | None = EMAIL) -> int:
    new = NewReport(
        age_group=AgeGroup.UNDER_18,
        country="GB",
        files=[FileHashes(kind="image", sha256="a" * 64, md5="b" * 32)],
        urls=["https://example.com/seen"],
        contact=contact,
    )
    with db.session() as session:
        return create_report(session, HASHING, new).report.id


def _move_link(db: Database, report_id: int, *statuses: str) -> None:
    """Move the report's link through the takedown status machine, step by step."""
    with db.session() as session:
        url = session.scalars(select(ReportUrl).where(ReportUrl.report_id == report_id)).one()
        place = session.get(Place, url.place_id)
        assert place is not None
        for status in statuses:
            move(session, place, PlaceStatus(status), reason="test", news=ReportOutbox())


def test_failures_wait_and_try_again_then_give_up(
    mail_db: Database, mail_settings: Settings, sink: Sink
) -> None:
    report_id = _report_with_contact(mail_db)
    _move_link(mail_db, report_id, "assessed", "notice_sent")
    _move_link(mail_db, report_id, "removed")
    assert len(_rows(mail_db)) == 2
    notifier = Notifier(mail_db, mail_settings)

    sink.refuse_with = "451 4.3.0 mailbox busy, for " + EMAIL
    first = notifier.deliver()
    assert (first.sent, first.retrying, first.errors) == (0, 1, ["smtp-451"])
    rows = _rows(mail_db)
    assert all(r.attempts == 1 and r.last_error == "smtp-451" for r in rows)
    assert all(EMAIL not in (r.last_error or "") for r in rows)
    assert notifier.deliver().claimed == 0  # not due yet

    sink.refuse_with = None
    later = notifier.deliver(now=utcnow() + timedelta(minutes=2))
    assert later.sent == 1  # one email for both changes
    assert len(sink.received) == 1 and all(r.sent_at for r in _rows(mail_db))

    _move_link(mail_db, report_id, "still_available")  # it came back: not news
    assert len(_rows(mail_db)) == 2
    _move_link(mail_db, report_id, "notice_sent")
    sink.refuse_with = "550 5.1.1 no such user"
    gone = notifier.deliver()
    assert gone.given_up == 1
    assert _rows(mail_db)[-1].failed_at is not None
    assert notifier.deliver(now=utcnow() + timedelta(days=2)).claimed == 0
    assert MAX_ATTEMPTS >= 5


def test_erasure_deletes_the_contact_and_the_messages(
    mail_client: TestClient, mail_db: Database, sink: Sink
) -> None:
    sink.refuse_with = "451 4.3.0 try later"  # so the news is still waiting when they erase
    made = make(mail_client, urls=["https://example.com/seen"], contact=EMAIL).json()
    with mail_db.session() as session:
        report_id = session.scalars(select(Report.id)).one()
    _move_link(mail_db, report_id, "assessed", "removed")
    assert [r.sent_at for r in _rows(mail_db)] == [None]
    # Erase once the first try is over: a message already handed to the mail server when the
    # person erases cannot be called back (it says only that there is news).
    deadline = time.monotonic() + 15
    while sink.refused < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    erased = mail_client.delete(
        f"/api/v1/reports/{made['reference']}", headers=pin_header(made["pin"])
    )
    assert erased.status_code == 200, erased.text
    assert _rows(mail_db) == []
    with mail_db.session() as session:
        stored = session.get(Report, report_id)
        assert stored is not None and stored.contact is None
    sink.refuse_with = None
    assert sink.wait_for(1, timeout=0.5) == []


def test_links_without_a_contact_queue_nothing(mail_db: Database) -> None:
    report_id = _report_with_contact(mail_db, contact=None)
    _move_link(mail_db, report_id, "assessed", "removed")
    assert _rows(mail_db) == []


def test_smtp_urls() -> None:
    server = SmtpServer.from_url("smtps://me%40x.org:p%3Ass@mail.example.org")
    assert (server.host, server.port, server.implicit_tls) == ("mail.example.org", 465, True)
    assert (server.username, server.password) == ("me@x.org", "p:ss")
    plain = SmtpServer.from_url("smtp://127.0.0.1:2525")
    assert (plain.port, plain.implicit_tls, plain.local, plain.username) == (
        2525,
        False,
        True,
        None,
    )
    with pytest.raises(Exception, match="smtp_url"):
        load_settings(smtp_url="http://mail.example.org")


def test_the_cli_sends_what_is_due(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sink: Sink
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("RECLAIM_DATA_DIR", str(tmp_path / "cli"))
    reset_settings()
    off = runner.invoke(cli, ["notify", "send"])
    assert off.exit_code == 2 and "RECLAIM_SMTP_URL" in off.output
    monkeypatch.setenv("RECLAIM_SMTP_URL", sink.url)
    reset_settings()
    db = Database(load_settings())
    upgrade(db)
    report_id = _report_with_contact(db)
    _move_link(db, report_id, "assessed", "removed")
    db.dispose()
    result = runner.invoke(cli, ["notify", "send"])
    reset_settings()
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output and len(sink.received) == 1
    assert sink.received[0].recipients == [EMAIL]


def test_claims_work_on_both_databases(any_db: Database) -> None:
    sent: list[str] = []
    report_id = _report_with_contact(any_db)
    _move_link(any_db, report_id, "assessed", "notice_sent")
    notifier = Notifier(any_db, any_db.settings, transport=lambda m: sent.append(str(m["To"])))
    assert notifier.deliver_all().sent == 1 and sent == [EMAIL]
    assert notifier.deliver_all().rows == 0
