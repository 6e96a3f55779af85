"""The platform API as a trust & safety engineer uses it: key, match, feedback, feed, export."""

from __future__ import annotations

import json
import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.models import ContentItem
from reclaim.bank.signals import make_signal
from reclaim.storage.database import Database


def random_pdq() -> str:
    return secrets.token_hex(32)


def flip(hex_hash: str, bits: int) -> str:
    value = int(hex_hash, 16)
    for bit in range(bits):
        value ^= 1 << (bit * 7 % 256)
    return f"{value:064x}"


@pytest.fixture
def platform(app_db: Database) -> dict[str, str]:
    with app_db.session() as session:
        org = create_organisation(session, "PhotoShare", "platform")
        other = create_organisation(session, "ClipHost", "platform")
        return {
            "all": issue(session, org, "scanner").token,
            "feed_only": issue(session, org, "sync", ["feed"]).token,
            "other": issue(session, other, "scanner").token,
        }


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add(db: Database, pdq: str | None = None, *, sha: str | None = None, quality: int = 100) -> int:
    signals = []
    if pdq:
        signals.append(make_signal("pdq", pdq, quality))
    if sha:
        signals.append(make_signal("sha256", sha))
    with db.session() as session:
        return add_item(
            session,
            get_or_create_list(session),
            signals,
            provenance=Provenance.SELF_REPORT,
            provenance_ref="case:ABC",
        ).item.id


def test_keys_are_required_and_scoped(client: TestClient, platform: dict[str, str]) -> None:
    body = {"signals": [{"type": "md5", "value": "b" * 32}]}
    missing = client.post("/api/v1/match", json=body)
    assert (
        missing.status_code == 401 and missing.headers["content-type"] == "application/problem+json"
    )
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert client.post("/api/v1/match", json=body, headers=auth("rk_nope_nope")).status_code == 401
    scoped = client.post("/api/v1/match", json=body, headers=auth(platform["feed_only"]))
    assert scoped.status_code == 403 and "match" in scoped.json()["detail"]
    assert client.post("/api/v1/match", json=body, headers=auth(platform["all"])).status_code == 200


def test_match_finds_near_duplicates_exact_copies_and_nothing_else(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    pdq, sha = random_pdq(), secrets.token_hex(32)
    item = add(app_db, pdq, sha=sha)
    response = client.post(
        "/api/v1/match",
        headers=auth(platform["all"]),
        json={
            "signals": [
                {"type": "pdq", "value": flip(pdq, 20), "quality": 90},
                {"type": "pdq", "value": flip(pdq, 40), "quality": 90},
                {"type": "sha256", "value": sha.upper()},
                {"type": "md5", "value": "c" * 32},
            ]
        },
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(m["item_id"], m["distance"]) for m in results[0]["matches"]] == [(item, 20)]
    assert results[0]["matches"][0]["list_name"] == "reclaim"
    assert results[1]["matches"] == []
    assert [m["item_id"] for m in results[2]["matches"]] == [item]
    assert results[3]["matches"] == []


def test_dihedral_variants_match_turned_copies(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    stored, rotated = random_pdq(), random_pdq()
    item = add(app_db, stored)
    plain = {"type": "pdq", "value": rotated}
    with_variants = {**plain, "dihedral": [random_pdq(), flip(stored, 3)]}
    results = client.post(
        "/api/v1/match", headers=auth(platform["all"]), json={"signals": [plain, with_variants]}
    ).json()["results"]
    assert results[0]["matches"] == []
    assert results[1]["matches"][0]["item_id"] == item and results[1]["matches"][0]["distance"] == 3


def test_invalid_signals_get_a_problem_listing_each(
    client: TestClient, platform: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/match",
        headers=auth(platform["all"]),
        json={
            "signals": [
                {"type": "pdq", "value": "xyz"},
                {"type": "md5", "value": "b" * 32},
                {"type": "md5", "value": "short"},
            ]
        },
    )
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["signals.0", "signals.2"]
    too_many = client.post(
        "/api/v1/match",
        headers=auth(platform["all"]),
        json={"signals": [{"type": "md5", "value": "b" * 32}] * 1001},
    )
    assert (
        too_many.status_code == 422
        and too_many.headers["content-type"] == "application/problem+json"
    )


def test_withdrawal_stops_matching_on_the_next_request_and_the_feed_carries_a_tombstone(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    pdq = random_pdq()
    item = add(app_db, pdq)
    query = {"signals": [{"type": "pdq", "value": pdq}]}
    assert client.post("/api/v1/match", headers=auth(platform["all"]), json=query).json()[
        "results"
    ][0]["matches"]
    with app_db.session() as session:
        row = session.get(ContentItem, item)
        assert row is not None
        set_status(session, row, ItemStatus.WITHDRAWN, "withdrawn by the young person")
    assert (
        client.post("/api/v1/match", headers=auth(platform["all"]), json=query).json()["results"][
            0
        ]["matches"]
        == []
    )
    feed = client.get("/api/v1/hashes", headers=auth(platform["feed_only"])).json()
    assert feed["records"][-1]["item_id"] == item and feed["records"][-1]["deleted"] is True
    assert feed["records"][-1]["signals"][0]["value"] == pdq


def test_replaying_the_feed_gives_exactly_the_active_set(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    ids = [add(app_db, random_pdq(), sha=secrets.token_hex(32)) for _ in range(7)]
    with app_db.session() as session:
        for item_id, status in ((ids[1], ItemStatus.WITHDRAWN), (ids[4], ItemStatus.DISABLED)):
            row = session.get(ContentItem, item_id)
            assert row is not None
            set_status(session, row, status, "test")
    ids.append(add(app_db, random_pdq()))
    local: dict[int, list[str]] = {}
    checkpoint = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"checkpoint": checkpoint} if checkpoint else {})
        page = client.get(
            "/api/v1/hashes", params=params, headers=auth(platform["feed_only"])
        ).json()
        pages += 1
        for record in page["records"]:
            if record["deleted"]:
                local.pop(record["item_id"], None)
            else:
                local[record["item_id"]] = [s["value"] for s in record["signals"]]
        checkpoint = page["next_checkpoint"]
        if not page["has_more"]:
            break
    with app_db.read_session() as session:
        active = {
            i.id: [s.value for s in i.signals]
            for i in session.scalars(select(ContentItem).where(ContentItem.status == "active"))
        }
    assert local == active and len(active) == 6 and pages >= 3
    # Nothing new since the last checkpoint: an empty page that keeps the checkpoint.
    again = client.get(
        "/api/v1/hashes", params={"checkpoint": checkpoint}, headers=auth(platform["all"])
    ).json()
    assert again["records"] == [] and again["next_checkpoint"] == checkpoint
    bad = client.get(
        "/api/v1/hashes", params={"checkpoint": "yesterday"}, headers=auth(platform["all"])
    )
    assert bad.status_code == 400 and "next_checkpoint" in bad.json()["detail"]


def test_feedback_is_stored_per_platform(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    from reclaim.bank.feedback import blocked_count

    item = add(app_db, random_pdq())
    for token, status in ((platform["all"], "Blocked"), (platform["other"], "PendingReview")):
        response = client.post(
            "/api/v1/feedback",
            headers=auth(token),
            json={"feedback": [{"item_id": item, "status": status, "tags": ["nudity"]}]},
        )
        assert response.status_code == 200, response.text
    with app_db.read_session() as session:
        assert blocked_count(session, [item]) == 1
    client.post(
        "/api/v1/feedback",
        headers=auth(platform["other"]),
        json={"feedback": [{"item_id": item, "status": "Blocked"}]},
    )
    with app_db.read_session() as session:
        assert blocked_count(session, [item]) == 2
    unknown = client.post(
        "/api/v1/feedback",
        headers=auth(platform["all"]),
        json={"feedback": [{"item_id": 999999, "status": "Blocked"}]},
    )
    assert unknown.status_code == 404 and unknown.json()["unknown"] == [999999]
    bad = client.post(
        "/api/v1/feedback",
        headers=auth(platform["all"]),
        json={"feedback": [{"item_id": item, "status": "Maybe"}]},
    )
    assert bad.status_code == 422


def test_export_downloads_for_platform_keys(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    pdq = random_pdq()
    add(app_db, pdq)
    text = client.get(
        "/api/v1/export", params={"format": "pytx"}, headers=auth(platform["all"])
    ).text
    assert f"pdq {pdq}\n" in text
    csv_text = client.get("/api/v1/export", headers=auth(platform["all"])).text
    assert csv_text.startswith("signal_type,signal_str")
    assert client.get("/api/v1/export", headers=auth(platform["feed_only"])).status_code == 403


def test_low_quality_pdq_is_refused_at_insert(app_db: Database) -> None:
    from reclaim.bank.items import BankError

    with pytest.raises(BankError, match="quality 30"):
        add(app_db, random_pdq(), quality=30)


def test_per_key_rate_limit(client: TestClient, app_db: Database) -> None:
    with app_db.session() as session:
        token = issue(
            session, create_organisation(session, "Tiny", "platform"), "slow", rate_per_minute=2
        ).token
    statuses = [client.get("/api/v1/hashes", headers=auth(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_openapi_documents_the_platform_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/match", "/api/v1/hashes", "/api/v1/feedback", "/api/v1/export"):
        assert path in paths


def test_match_takes_a_pytx_vpdq_signal_string(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    """What pytx's ``VPDQSignal.hash_from_file`` gives: a JSON list of ``pdq,quality,time``."""
    frames = [f"{random_pdq()},{90 - i},{float(i):.3}" for i in range(6)]
    signal_str = json.dumps(frames)
    with app_db.session() as session:
        video = add_item(
            session,
            get_or_create_list(session),
            [make_signal("vpdq", signal_str)],
            provenance=Provenance.IMPORTED,
        ).item.id
    response = client.post(
        "/api/v1/match",
        json={"signals": [{"type": "vpdq", "value": signal_str}]},
        headers=auth(platform["all"]),
    )
    assert response.status_code == 200, response.text
    assert [m["item_id"] for m in response.json()["results"][0]["matches"]] == [video]
    feed = client.get("/api/v1/hashes", headers=auth(platform["all"])).json()
    (record,) = [r for r in feed["records"] if r["item_id"] == video]
    assert [s.split(",")[0] for s in json.loads(record["signals"][0]["value"])] == [
        f.split(",")[0] for f in frames
    ]


def test_feedback_tags_are_bounded(
    client: TestClient, app_db: Database, platform: dict[str, str]
) -> None:
    item = add(app_db, random_pdq())
    for tags in (["x" * 40_000], [f"t{i}" for i in range(21)]):
        response = client.post(
            "/api/v1/feedback",
            json={"feedback": [{"item_id": item, "status": "Blocked", "tags": tags}]},
            headers=auth(platform["all"]),
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
