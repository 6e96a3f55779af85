"""Issue 15 item 6: withdrawals pushed to platforms' webhooks (Standard Webhooks), retried with
backoff, logged on /staff/api-keys; the feed stays the source of truth.

A loopback HTTPS receiver (its own self-signed certificate) checks each message's signature
with its own HMAC; the clock of the retries is injected, so nothing here waits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import ipaddress
import json
import secrets
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.apikeys import ApiKeyError, issue, revoke
from reclaim.accounts.models import ApiKey
from reclaim.accounts.staff import create_organisation
from reclaim.accounts.webhooks import check_webhook_url, set_webhook
from reclaim.audit.actions import StaffAction, SystemAction
from reclaim.audit.models import AuditEvent
from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.models import ContentItem, WebhookDelivery
from reclaim.bank.signals import make_signal
from reclaim.bank.webhook_sender import BACKOFF, MAX_ATTEMPTS, WebhookSender
from reclaim.bank.webhooks import webhook_log
from reclaim.standard_webhooks import SignatureInvalid, sign, verify
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.web.services import services_of
from tests.conftest import Staff, csrf

# The Standard Webhooks specification's own example.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY = (
    "msg_p5jXN8AQM9LWM0D4loKWxJek",
    1614265330,
    b'{"test": 2432232314}',
)
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@dataclass
class Receiver:
    url: str
    client_context: ssl.SSLContext
    answers: list[int] = field(default_factory=list)  # statuses to answer, then 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now().astimezone()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "receiver.pem", directory / "receiver.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    cert_path, key_path = _certificate(tmp_path)
    state = Receiver("", ssl.create_default_context(cafile=str(cert_path)))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"https://127.0.0.1:{server.server_address[1]}/reclaim/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _sender(db: Database, receiver: Receiver) -> WebhookSender:
    return WebhookSender(db, ssl_context=receiver.client_context, allow_private_addresses=True)


def _platform_key(
    db: Database, name: str = "PhotoShare", scopes: tuple[str, ...] = ("feed",)
) -> int:
    with db.session() as session:
        organisation = create_organisation(session, name, "platform")
        return issue(session, organisation, "pusher", list(scopes)).key.id


def _set(db: Database, key_id: int, url: str) -> str:
    with db.session() as session:
        key = session.get(ApiKey, key_id)
        assert key is not None
        secret = set_webhook(session, key, url)
        assert secret is not None
        return secret


def _item(db: Database) -> tuple[int, str]:
    pdq = secrets.token_hex(32)
    with db.session() as session:
        added = add_item(
            session,
            get_or_create_list(session),
            [make_signal("pdq", pdq, 100)],
            provenance=Provenance.SELF_REPORT,
        )
        return added.item.id, pdq


def _withdraw(db: Database, item_id: int, status: ItemStatus = ItemStatus.WITHDRAWN) -> None:
    with db.session() as session:
        row = session.get(ContentItem, item_id)
        assert row is not None
        set_status(session, row, status, "the young person withdrew it")


def _own_signature(secret: str, headers: dict[str, str], body: bytes) -> str:
    """The receiver's own check, from the specification (not Reclaim's code)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def test_the_signature_is_the_specifications() -> None:
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    received = {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": f"v1,bm90IGl0 {SPEC_SIGNATURE}",  # several: any one may match
    }
    verify(SPEC_SECRET, received, SPEC_BODY, now=SPEC_TIMESTAMP + 10)
    with pytest.raises(SignatureInvalid):
        verify(SPEC_SECRET, received, SPEC_BODY + b" ", now=SPEC_TIMESTAMP)
    with pytest.raises(SignatureInvalid):  # a replay, long after
        verify(SPEC_SECRET, received, SPEC_BODY, now=SPEC_TIMESTAMP + 3600)


@pytest.mark.parametrize(
    "url",
    [
        "http://platform.example/hook",
        "ftp://platform.example/hook",
        "https:///hook",
        "https://user:pw@platform.example/hook",
        "https://platform.example/hook#x",
        "https://platform.example:99999/hook",
        "not a url",
        "https://platform.example/" + "a" * 2048,
    ],
)
def test_a_webhook_url_is_https_and_nothing_else(url: str) -> None:
    with pytest.raises(ApiKeyError):
        check_webhook_url(url)
    assert check_webhook_url(" https://platform.example/hook ") == "https://platform.example/hook"


def test_a_withdrawal_is_pushed_signed_and_retried_with_backoff(
    db: Database, receiver: Receiver
) -> None:
    key_id = _platform_key(db)
    secret = _set(db, key_id, receiver.url)
    assert secret.startswith("whsec_")
    item_id, pdq = _item(db)
    sender = _sender(db, receiver)
    assert sender.deliver().handled == 0  # adding an item is not a withdrawal
    _withdraw(db, item_id)

    receiver.answers = [500]
    now = utcnow()
    first = sender.deliver(now=now)
    assert (first.delivered, first.retrying) == (0, 1) and first.errors == ["HTTP 500"]
    assert sender.deliver(now=now + BACKOFF[0] - timedelta(seconds=1)).handled == 0  # waits
    second = sender.deliver(now=now + BACKOFF[0])
    assert (second.delivered, second.retrying) == (1, 0)
    assert sender.deliver(now=now + timedelta(days=2)).handled == 0  # delivered once only

    assert len(receiver.received) == 2
    (h1, b1), (h2, b2) = receiver.received
    assert h1["webhook-id"] == h2["webhook-id"] and h1["webhook-id"].startswith("msg_")
    assert b1 == b2  # the same message on every try
    for headers, body in receiver.received:
        assert headers["webhook-signature"] == _own_signature(secret, headers, body)
        assert headers["content-type"] == "application/json"
        verify(secret, headers, body, now=int(time.time()))
    message = json.loads(b1)
    assert message["type"] == "item.withdrawn"
    data = message["data"]
    assert data["item_id"] == item_id and data["deleted"] is True
    assert data["status"] == "withdrawn"
    assert data["signals"] == [{"type": "pdq", "value": pdq, "quality": 100}]
    with db.read_session() as session:  # the checkpoint is the feed's tombstone
        item = session.get(ContentItem, item_id)
        assert item is not None and data["checkpoint"] == str(item.change_seq)
        organisation_id = session.get(ApiKey, key_id).organisation_id  # type: ignore[union-attr]
        log = webhook_log(session, organisation_id)
    assert [(a.attempt, a.outcome, a.status_code) for a in log] == [
        (2, "delivered", 200),
        (1, "retrying", 500),
    ]


def test_queued_in_the_withdrawals_transaction_only_for_live_feed_keys_with_a_webhook(
    db: Database, receiver: Receiver
) -> None:
    wanted = _platform_key(db, "PhotoShare")
    _set(db, wanted, receiver.url)
    no_feed = _platform_key(db, "ClipShare", ("match",))
    _platform_key(db, "NoHook")  # feed scope, no webhook
    revoked = _platform_key(db, "Gone")
    _set(db, revoked, receiver.url)
    with db.session() as session:
        key = session.get(ApiKey, revoked)
        assert key is not None
        revoke(session, key)
        with pytest.raises(ApiKeyError):  # webhooks carry the feed: a match-only key has none
            set_webhook(session, session.get(ApiKey, no_feed), receiver.url)  # type: ignore[arg-type]

    item_id, _ = _item(db)
    with pytest.raises(RuntimeError), db.session() as session:  # rolled back: nothing queued
        row = session.get(ContentItem, item_id)
        assert row is not None
        set_status(session, row, ItemStatus.WITHDRAWN, "withdrawn")
        raise RuntimeError("the transaction fails after the withdrawal")
    with db.read_session() as session:
        assert session.scalars(select(WebhookDelivery)).all() == []

    _withdraw(db, item_id)
    _withdraw(db, item_id, ItemStatus.DISABLED)  # already a tombstone: not pushed again
    with db.read_session() as session:
        rows = session.scalars(select(WebhookDelivery)).all()
    assert [row.api_key_id for row in rows] == [wanted]


def test_gives_up_after_the_last_try_and_says_so_in_the_audit_trail(
    db: Database, receiver: Receiver
) -> None:
    key_id = _platform_key(db)
    _set(db, key_id, receiver.url)
    item_id, _ = _item(db)
    _withdraw(db, item_id)
    receiver.answers = [503] * MAX_ATTEMPTS
    sender, now = _sender(db, receiver), utcnow()
    outcomes = []
    for attempt in range(MAX_ATTEMPTS):
        got = sender.deliver(now=now)
        outcomes.append((got.retrying, got.given_up))
        if attempt < len(BACKOFF):
            now += BACKOFF[attempt]
    assert outcomes == [(1, 0)] * (MAX_ATTEMPTS - 1) + [(0, 1)]
    assert sender.deliver(now=now + timedelta(days=7)).handled == 0
    assert len(receiver.received) == MAX_ATTEMPTS
    with db.read_session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert SystemAction.WEBHOOK_GIVEN_UP.value in actions
    assert StaffAction.WEBHOOK_SET.value in actions


def test_refuses_addresses_that_are_not_public_and_drops_messages_for_removed_webhooks(
    db: Database, receiver: Receiver
) -> None:
    key_id = _platform_key(db)
    _set(db, key_id, receiver.url)
    item_id, _ = _item(db)
    _withdraw(db, item_id)
    strict = WebhookSender(db, ssl_context=receiver.client_context)  # as servers run it
    got = strict.deliver()
    assert got.retrying == 1 and got.errors == ["address not public"]
    assert receiver.received == []

    with db.session() as session:  # the platform stops its webhook: nothing more is sent
        key = session.get(ApiKey, key_id)
        assert key is not None
        assert set_webhook(session, key, "") is None
    got = _sender(db, receiver).deliver(now=utcnow() + timedelta(hours=1))
    assert got.dropped == 1 and receiver.received == []


def test_the_platforms_admin_sets_the_webhook_and_reads_the_log_on_the_keys_page(
    client: TestClient, staff: Staff, app_db: Database, receiver: Receiver
) -> None:
    key_id = _platform_key(app_db)
    other = _platform_key(app_db, "ClipShare")
    staff.create("admin@photoshare.example", org="PhotoShare")
    staff.sign_in(client, "admin@photoshare.example")

    token = csrf(client, "/staff/api-keys")
    refused = client.post(
        f"/staff/api-keys/{key_id}/webhook",
        data={"url": "http://photoshare.example/hook", "csrf_token": token},
    )
    assert refused.status_code == 400 and "https://" in refused.text
    assert (
        client.post(
            f"/staff/api-keys/{other}/webhook", data={"url": receiver.url, "csrf_token": token}
        ).status_code
        == 404
    )  # another platform's key does not exist here
    page = client.post(
        f"/staff/api-keys/{key_id}/webhook", data={"url": receiver.url, "csrf_token": token}
    )
    assert page.status_code == 200
    secret = page.text.split('data-testid="new-webhook-secret">')[1].split("<")[0]
    assert secret.startswith("whsec_")
    assert secret not in client.get("/staff/api-keys").text  # shown once

    # The app's own sender (public addresses only) would race this test's loopback one.
    services_of(client.app).webhook_sender.stop(timeout=30)  # type: ignore[arg-type]
    item_id, _ = _item(app_db)
    _withdraw(app_db, item_id)
    receiver.answers = [502]
    now = utcnow()
    sender = _sender(app_db, receiver)
    sender.deliver(now=now)
    sender.deliver(now=now + BACKOFF[0])
    headers, body = receiver.received[-1]
    assert headers["webhook-signature"] == _own_signature(secret, headers, body)

    log = client.get("/staff/api-keys").text
    assert "Delivery log" in log and headers["webhook-id"] in log
    assert "delivered" in log and "retrying" in log and "HTTP 502" in log

    stopped = client.post(
        f"/staff/api-keys/{key_id}/webhook",
        data={"url": "", "csrf_token": csrf(client, "/staff/api-keys")},
        follow_redirects=False,
    )
    assert stopped.status_code == 303
    with app_db.read_session() as session:
        key = session.get(ApiKey, key_id)
        assert key is not None and key.webhook_url is None


def test_the_sender_thread_wakes_when_a_withdrawal_commits(
    db: Database, receiver: Receiver
) -> None:
    key_id = _platform_key(db)
    _set(db, key_id, receiver.url)
    item_id, _ = _item(db)
    sender = WebhookSender(
        db, interval=3600, ssl_context=receiver.client_context, allow_private_addresses=True
    )
    sender.start()
    try:
        _withdraw(db, item_id)  # the commit wakes it: no waiting an hour for the next round
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sender.stop(timeout=30)
    assert len(receiver.received) == 1
    assert json.loads(receiver.received[0][1])["data"]["item_id"] == item_id
