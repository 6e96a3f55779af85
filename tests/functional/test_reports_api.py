"""The reports API as a young person's page (or a partner site) uses it: make a report with
hashes only, check it with reference + PIN, see platform feedback, withdraw, delete everything."""

from __future__ import annotations

import math
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.audit.models import AuditEvent
from reclaim.audit.recorder import verify_chain
from reclaim.notify import ReportOutbox
from reclaim.reports.models import Report, ReportUrl
from reclaim.reports.proof import solve
from reclaim.reports.references import ALPHABET, ENTROPY_BITS, normalise_reference
from reclaim.storage.database import Database
from reclaim.takedown import PlaceStatus, move
from reclaim.takedown.models import Place
from reclaim.web.app import create_app
from reclaim.web.routes.reports_api import MAX_BODY_BYTES
from tests.conftest import BASE_URL, make_settings


def plausible_pdq() -> str:
    """A random PDQ with the shape every real one has: 128 of its 256 bits set (PDQ sets the
    bits of the DCT values above their median)."""
    bits = [1] * 128 + [0] * 128
    secrets.SystemRandom().shuffle(bits)
    return f"{int(''.join(map(str, bits)), 2):064x}"


def image_hashes(quality: int = 90) -> dict[str, Any]:
    return {
        "kind": "image",
        "pdq": plausible_pdq(),
        "quality": quality,
        "sha256": secrets.token_hex(32),
        "md5": secrets.token_hex(16),
    }


def proof(client: TestClient) -> dict[str, str]:
    challenge = client.get("/api/v1/reports/challenge").json()
    return {
        "challenge": challenge["challenge"],
        "nonce": solve(challenge["challenge"], challenge["bits"]),
    }


def make(client: TestClient, **fields: Any) -> Any:
    body = {"age_group": "under18", "country": "GB", "files": [image_hashes()], **fields}
    body.setdefault("proof", proof(client))
    return client.post("/api/v1/reports", json=body)


def pin_header(pin: str) -> dict[str, str]:
    return {"X-Reclaim-PIN": pin}


@pytest.fixture
def platform(app_db: Database) -> str:
    with app_db.session() as session:
        return issue(session, create_organisation(session, "PhotoShare", "platform"), "k").token


def test_reference_and_pin_carry_at_least_60_bits() -> None:
    assert ENTROPY_BITS >= 60
    assert not set("01OIL") & set(ALPHABET)
    assert normalise_reference("abc-def-ghj") == "ABCDEFGHJ"
    assert normalise_reference("ABC DEF GH") is None


def test_report_status_feedback_withdraw(client: TestClient, platform: str) -> None:
    files = [image_hashes(), image_hashes()]
    made = make(
        client,
        files=files,
        urls=["HTTPS://Example.COM/Photo?id=3&utm_source=x&fbclid=y#top"],
        apps="Snapchat: @someone",
        feels_safe="yes",
    )
    assert made.status_code == 201, made.text
    created = made.json()
    reference, pin = created["reference"], created["pin"]
    assert len(reference) == 9 and len(pin) == 6 and pin.isdigit()
    assert created["help"][0]["phone"] == "999" and "Childline" in created["help"][1]["name"]

    status = client.get(f"/api/v1/reports/{reference.lower()}", headers=pin_header(pin))
    assert status.status_code == 200, status.text
    body = status.json()
    assert [h["status"] for h in body["hashes"]] == ["active", "active"]
    assert body["urls"][0]["url"] == "https://example.com/Photo?id=3"
    assert body["urls"][0]["status"] == "reported"
    assert body["blocked_on"] == 0
    assert status.headers["cache-control"] == "no-store"
    assert status.headers["referrer-policy"] == "no-referrer"

    # A platform matches the first file and says it blocked it.
    auth = {"Authorization": f"Bearer {platform}"}
    match = client.post(
        "/api/v1/match",
        json={"signals": [{"type": "sha256", "value": files[0]["sha256"]}]},
        headers=auth,
    ).json()
    item_id = match["results"][0]["matches"][0]["item_id"]
    posted = client.post(
        "/api/v1/feedback",
        json={"feedback": [{"item_id": item_id, "status": "Blocked"}]},
        headers=auth,
    )
    assert posted.status_code == 200
    body = client.get(f"/api/v1/reports/{reference}", headers=pin_header(pin)).json()
    assert body["blocked_on"] == 1 and body["blocked_text"] == "Found and blocked on 1 service."

    # Withdraw the first file only: it stops matching at once and the feed has a tombstone.
    first = body["hashes"][0]["id"]
    withdrawn = client.post(
        f"/api/v1/reports/{reference}/withdraw", json={"hash_ids": [first]}, headers=pin_header(pin)
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert [h["status"] for h in withdrawn.json()["hashes"]] == ["withdrawn", "active"]
    again = client.post(
        "/api/v1/match",
        json={"signals": [{"type": "sha256", "value": files[0]["sha256"]}]},
        headers=auth,
    ).json()
    assert again["results"][0]["matches"] == []
    feed = client.get("/api/v1/hashes", headers=auth).json()["records"]
    assert any(r["item_id"] == item_id and r["deleted"] for r in feed)

    everything = client.post(
        f"/api/v1/reports/{reference}/withdraw", json={"all": True}, headers=pin_header(pin)
    )
    assert [h["status"] for h in everything.json()["hashes"]] == ["withdrawn", "withdrawn"]


def test_urgent_when_not_safe_or_threatened(client: TestClient, app_db: Database) -> None:
    make(client, feels_safe="no")
    make(client, threatened=True)
    make(client, feels_safe="yes")
    with app_db.session() as session:
        flags = sorted(r.urgent for r in session.scalars(select(Report)))
    assert flags == [False, True, True]


def test_low_quality_pdq_keeps_exact_hashes(client: TestClient) -> None:
    made = make(client, files=[image_hashes(quality=20)])
    assert made.status_code == 201, made.text
    assert made.json()["exact_only"] == [1]


def test_video_frames_are_stored_as_vpdq(client: TestClient, platform: str) -> None:
    frames = [{"t": float(i), "quality": 90, "pdq": plausible_pdq()} for i in range(3)]
    video = {"kind": "video", "sha256": secrets.token_hex(32), "md5": secrets.token_hex(16)}
    made = make(client, files=[{**video, "frames": frames}])
    assert made.status_code == 201, made.text
    match = client.post(
        "/api/v1/match",
        json={"signals": [{"type": "vpdq", "value": frames}]},
        headers={"Authorization": f"Bearer {platform}"},
    ).json()
    assert match["results"][0]["matches"]


@pytest.mark.parametrize(
    ("change", "status", "kind"),
    [
        ({"files": [{"kind": "image", "data": "aGVsbG8="}]}, 422, "validation"),
        ({"image": "aGVsbG8="}, 422, "validation"),
        ({"files": [], "urls": []}, 422, "report-invalid"),
        ({"urls": ["javascript:alert(1)"], "files": []}, 422, "report-invalid"),
        ({"age_group": "adult"}, 422, "report-invalid"),
        ({"website": "http://spam.example"}, 400, "bot-guard"),
        ({"proof": None}, 400, "proof-required"),
        ({"proof": {"challenge": "1.12.ab.cd", "nonce": "1"}}, 400, "proof-rejected"),
    ],
)
def test_bad_reports_are_refused_kindly(
    client: TestClient, change: dict[str, Any], status: int, kind: str
) -> None:
    response = make(client, **change)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith(kind)


def test_files_and_big_bodies_are_never_accepted(client: TestClient) -> None:
    multipart = client.post("/api/v1/reports", files={"file": ("a.jpg", b"\xff\xd8" * 10)})
    assert multipart.status_code == 415
    big = client.post(
        "/api/v1/reports",
        content=b'{"x": "' + b"a" * MAX_BODY_BYTES + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413


def test_a_proof_is_used_once(client: TestClient) -> None:
    once = proof(client)
    assert make(client, proof=once).status_code == 201
    assert make(client, proof=once).json()["type"].endswith("proof-rejected")


def test_wrong_pins_lock_kindly_then_unknown_references_say_the_same(
    client: TestClient, app_db: Database
) -> None:
    reference = make(client).json()["reference"]
    wrong = {}
    for _ in range(4):
        wrong = client.get(f"/api/v1/reports/{reference}", headers=pin_header("000000")).json()
        assert wrong["status"] == 404
    locked = client.get(f"/api/v1/reports/{reference}", headers=pin_header("000000"))
    assert locked.status_code == 429 and "paused for 15 minutes" in locked.json()["detail"]
    assert "Your report is still working" in locked.json()["detail"]
    unknown = client.get("/api/v1/reports/ZZZZZZZZZ", headers=pin_header("123456")).json()
    assert unknown["detail"] == wrong["detail"]
    assert client.get(f"/api/v1/reports/{reference}").status_code == 401
    with app_db.session() as session:
        stored = session.scalar(select(Report).where(Report.reference == reference))
        # A keyed hash (HMAC-SHA256 under a key from the secret key, then Argon2id).
        assert stored is not None and stored.pin_hash.startswith("pin1.")
        assert "$argon2id$" in stored.pin_hash


def test_rate_limits_per_client(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, report_rate_per_hour=2, pin_rate_per_minute=3, bot_guard_pow_bits=1
    )
    from reclaim.storage.migrations_runner import upgrade

    db = Database(settings)
    upgrade(db)
    with TestClient(create_app(settings, db), base_url=BASE_URL) as client:
        # Over the hourly budget the proof-of-work grows; past 5 budgets ordinary reports wait.
        assert [make(client).status_code for _ in range(10)] == [201] * 10
        limited = make(client)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert make(client, feels_safe="no").status_code == 201  # danger is never refused
        codes = [
            client.get("/api/v1/reports/ABCDEFGHJ", headers=pin_header("123456")).status_code
            for _ in range(4)
        ]
        assert codes == [404, 404, 404, 429]
    db.dispose()


def test_delete_everything_erases_and_the_chain_verifies(
    client: TestClient, app_db: Database, platform: str
) -> None:
    files = [image_hashes()]
    created = make(
        client,
        files=files,
        urls=["https://example.com/a"],
        apps="Instagram @pat",
        who_has_it="a boy in year 10",
    ).json()
    reference, pin = created["reference"], created["pin"]
    with app_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        report_id = report.id
        place = session.get(Place, session.scalars(select(ReportUrl.place_id)).one())
        assert place is not None
        move(session, place, PlaceStatus.ASSESSED, reason="in scope", news=ReportOutbox())
        move(session, place, PlaceStatus.NOTICE_SENT, reason="notice", news=ReportOutbox())
    erased = client.delete(f"/api/v1/reports/{reference}", headers=pin_header(pin))
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["erased"] and body["urls"] == []
    assert all(h["status"] == "withdrawn" for h in body["hashes"])
    with app_db.session() as session:
        report = session.get(Report, report_id)
        assert report is not None and report.details is None and report.contact is None
        assert session.scalars(select(ReportUrl)).all() == []
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "report", AuditEvent.object_id == str(report_id)
            )
        ).all()
        assert events and all(e.redacted or e.client_address is None for e in events)
        assert verify_chain(session).ok
    match = client.post(
        "/api/v1/match",
        json={"signals": [{"type": "sha256", "value": files[0]["sha256"]}]},
        headers={"Authorization": f"Bearer {platform}"},
    ).json()
    assert match["results"][0]["matches"] == []


def test_the_api_is_documented(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/reports", "/api/v1/reports/{reference}"} <= set(spec["paths"])
    assert "X-Reclaim-PIN" in spec["paths"]["/api/v1/reports/{reference}"]["get"]["summary"]
    assert math.isfinite(ENTROPY_BITS)
