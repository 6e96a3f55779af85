"""The audit trail on both databases: automatic events, chain verification, tamper detection."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DatabaseError

from reclaim.accounts.models import Organisation
from reclaim.audit.actions import CaseAction
from reclaim.audit.chain import GENESIS, ChainLink, canonical_json, canonical_time
from reclaim.audit.models import AuditEvent
from reclaim.audit.recorder import (
    AuditChainError,
    _stored,
    acting_as,
    anchor,
    head_problem,
    record,
    redact,
    take_checkpoint,
    verify_chain,
)
from reclaim.storage.database import Database


def _events(db: Database) -> list[AuditEvent]:
    with db.read_session() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_create_update_delete_are_recorded_automatically(any_db: Database) -> None:
    with (
        acting_as(actor="user:7", request_id="req-123", client_address="127.0.0.1"),
        any_db.session() as session,
    ):
        org = Organisation(name="Hillside", kind="school")
        session.add(org)
        session.flush()
        org.name = "Hillside Academy"
        session.flush()
        session.delete(org)
    events = _events(any_db)
    assert [e.action for e in events] == [
        "staff:organisation:created",
        "staff:organisation:updated",
        "staff:organisation:deleted",
    ]
    assert events[1].detail == {"fields": ["name"]}
    assert {e.actor for e in events} == {"user:7"}
    assert {e.request_id for e in events} == {"req-123"}
    assert events[0].object_type == "organisation" and events[0].object_id == str(org.id)


def test_a_failed_transaction_leaves_no_event(any_db: Database) -> None:
    with pytest.raises(RuntimeError), any_db.session() as session:
        session.add(Organisation(name="Gone", kind="school"))
        session.flush()
        raise RuntimeError("boom")
    assert _events(any_db) == []


def _fill(db: Database, n: int = 5) -> None:
    with db.session() as session:
        for i in range(n):
            record(
                session,
                CaseAction.LINK_MOVED,
                object_type="url",
                object_id=i,
                detail={"url": f"https://example.org/{i}"},
            )


def test_intact_chain_verifies(any_db: Database) -> None:
    _fill(any_db)
    with any_db.read_session() as session:
        verdict = verify_chain(session)
    assert verdict.ok and verdict.checked == 5


def test_the_database_refuses_updates_and_deletes(any_db: Database) -> None:
    _fill(any_db, 2)
    for statement in (
        "UPDATE audit_event SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_event WHERE seq = 2",
    ):
        with pytest.raises(DatabaseError, match="append-only"), any_db.session() as session:
            session.execute(text(statement))
    assert len(_events(any_db)) == 2


def test_postgres_refuses_truncate(any_db: Database) -> None:
    if any_db.dialect != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _fill(any_db, 1)
    with pytest.raises(DatabaseError, match="append-only"), any_db.session() as session:
        session.execute(text("TRUNCATE audit_event"))


def _tamper(db: Database, statement: str) -> None:
    """What someone with the database owner's rights could still do: bypass the guard."""
    with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            connection.execute(text(statement))
            connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
            connection.execute(text("DROP TRIGGER audit_event_no_delete"))
            connection.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "broken"),
    [
        ("UPDATE audit_event SET action = 'case:url:viewed' WHERE seq = 3", 3),
        (
            'UPDATE audit_event SET detail = \'{"url": "https://elsewhere.example/"}\' WHERE seq = 2',
            2,
        ),
        ("UPDATE audit_event SET actor = 'user:99' WHERE seq = 4", 4),
        ("DELETE FROM audit_event WHERE seq = 3", 4),
        ("DELETE FROM audit_event WHERE seq = 5", None),
    ],
)
def test_tampering_is_detected_at_the_first_broken_link(
    any_db: Database, statement: str, broken: int | None
) -> None:
    _fill(any_db, 5)
    _tamper(any_db, statement)
    with any_db.read_session() as session:
        verdict = verify_chain(session)
    if broken is None:
        # Cutting the newest events leaves a shorter, valid chain: the count shows it.
        assert verdict.ok and verdict.checked == 4
    else:
        assert not verdict.ok and verdict.broken_seq == broken
        assert f"BROKEN at event {broken}" in str(verdict)


def test_redaction_blanks_personal_fields_and_the_chain_still_verifies(any_db: Database) -> None:
    with acting_as(client_address="127.0.0.9"):
        _fill(any_db, 3)
    with any_db.session() as session:
        assert redact(session, object_type="url", object_id="1") == 1
    events = _events(any_db)
    assert events[1].redacted and events[1].detail is None and events[1].client_address is None
    assert events[0].client_address == "127.0.0.9"
    with any_db.read_session() as session:
        assert verify_chain(session).ok


def _rewrite(db: Database, statements: list[str]) -> None:
    """The attack of issue 9, item 7, by someone with write access to the database only.

    They know the algorithm (it is open source) but not the secret key: run the statements with
    the guard bypassed, then re-hash every event from the first altered one with SHA-256 over
    the canonical fields, so every link and every previous-hash agrees again.
    """
    with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
            connection.execute(text("DROP TRIGGER audit_event_no_delete"))
        for statement in statements:
            connection.execute(text(statement))
        rows = connection.execute(select(AuditEvent).order_by(AuditEvent.seq)).all()
        prev = GENESIS
        for row in rows:
            body = {
                "seq": row.seq,
                "occurred_at": canonical_time(row.occurred_at),
                "actor": row.actor,
                "organisation_id": row.organisation_id,
                "action": row.action,
                "object_type": row.object_type,
                "object_id": row.object_id,
                "request_id": row.request_id,
                "personal_digest": row.personal_digest,
                "prev_hash": prev,
            }
            new_hash = hashlib.sha256(canonical_json(body)).hexdigest()
            connection.execute(
                update(AuditEvent)
                .where(AuditEvent.seq == row.seq)
                .values(prev_hash=prev, hash=new_hash)
            )
            prev = new_hash
        if db.dialect == "postgresql":
            connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


def test_altering_deleting_the_tail_and_rehashing_without_the_key_is_detected(
    any_db: Database,
) -> None:
    _fill(any_db, 10)
    _rewrite(
        any_db,
        [
            "UPDATE audit_event SET action = 'case:url:viewed' WHERE seq = 3",
            "DELETE FROM audit_event WHERE seq > 5",
        ],
    )
    with any_db.read_session() as session:
        verdict = verify_chain(session)
    assert not verdict.ok, str(verdict)
    assert verdict.broken_seq == 1  # the very first event is no longer keyed


def test_a_checkpoint_detects_a_cut_tail(any_db: Database) -> None:
    _fill(any_db, 10)
    with any_db.read_session() as session:
        checkpoint = take_checkpoint(session)
    assert checkpoint.seq == 10
    _tamper(any_db, "DELETE FROM audit_event WHERE seq > 5")
    with any_db.read_session() as session:
        assert verify_chain(session).ok  # without the checkpoint, nothing shows
        verdict = verify_chain(session, [checkpoint])
    assert not verdict.ok and verdict.broken_seq == 6
    assert "checkpoint" in verdict.reason


def test_a_checkpoint_detects_a_rewrite_before_it_even_with_the_key(any_db: Database) -> None:
    """With the key an attacker can re-hash, but not change the head the checkpoint holds."""
    _fill(any_db, 6)
    with any_db.read_session() as session:
        checkpoint = take_checkpoint(session)
    keys = any_db.audit_keys
    with any_db.engine.begin() as connection:
        if any_db.dialect == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("UPDATE audit_event SET actor = 'user:99' WHERE seq = 2"))
        prev = GENESIS
        rows = connection.execute(select(AuditEvent).order_by(AuditEvent.seq)).all()
        for row in rows:
            link = _stored(row).link
            link = ChainLink(**{**{f: getattr(link, f) for f in link.__slots__}, "prev_hash": prev})
            new_hash = link.digest(keys.current)
            connection.execute(
                update(AuditEvent)
                .where(AuditEvent.seq == row.seq)
                .values(prev_hash=prev, hash=new_hash)
            )
            prev = new_hash
        if any_db.dialect == "postgresql":
            connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    with any_db.read_session() as session:
        assert verify_chain(session).ok  # the key holder re-hashed consistently
        verdict = verify_chain(session, [checkpoint])
    assert not verdict.ok and verdict.broken_seq == 6 and "checkpoint" in verdict.reason


def test_a_chain_from_before_keyed_hashing_is_anchored_once(any_db: Database) -> None:
    _fill(any_db, 3)
    _rewrite(any_db, [])  # what an installation upgraded from unkeyed hashing holds
    with pytest.raises(AuditChainError, match="reclaim audit anchor"), any_db.session() as s:
        record(s, CaseAction.LINK_MOVED)
    with any_db.read_session() as session:
        assert head_problem(session)
        assert not verify_chain(session).ok
        assert verify_chain(session, require_current_head=False).ok
    with any_db.session() as session:
        assert anchor(session) == 4
    with any_db.session() as session:
        assert anchor(session) is None
    _fill(any_db, 1)
    with any_db.read_session() as session:
        verdict = verify_chain(session)
        assert head_problem(session) is None
    assert verdict.ok and verdict.checked == 5 and verdict.unkeyed == 3
    assert _events(any_db)[3].action == "staff:audit:chain-anchored"
