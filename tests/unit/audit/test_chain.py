from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from reclaim.audit.chain import (
    ANCHOR_ACTION,
    GENESIS,
    ChainKeys,
    ChainLink,
    Checkpoint,
    CheckpointError,
    StoredEvent,
    canonical_json,
    load_checkpoint,
    personal_digest,
    verify,
)

KEYS = ChainKeys.from_secrets(b"s" * 40)
OLD = b"o" * 40
ROTATED = ChainKeys.from_secrets(b"n" * 40, [OLD])


def _chain(
    n: int,
    key: bytes | None = KEYS.current,
    events: list[StoredEvent] | None = None,
    action: str = "case:url:added",
) -> list[StoredEvent]:
    """``n`` more events hashed with ``key`` (None: unkeyed), appended to ``events``."""
    events = list(events or [])
    prev = events[-1].hash if events else GENESIS
    for i in range(len(events) + 1, len(events) + n + 1):
        detail = {"n": i}
        link = ChainLink(
            i,
            datetime(2026, 1, 1, tzinfo=UTC),
            "user:1",
            1,
            action,
            "url",
            str(i),
            "r",
            personal_digest("127.0.0.1", detail),
            prev,
        )
        events.append(StoredEvent(link, link.digest(key), "127.0.0.1", detail, False))
        prev = link.digest(key)
    return events


def test_canonical_json_is_stable() -> None:
    assert (
        canonical_json({"b": 1, "a": "é"})
        == canonical_json({"a": "é", "b": 1})
        == '{"a":"é","b":1}'.encode()
    )


def test_intact_chain_verifies() -> None:
    verdict = verify(_chain(5), KEYS)
    assert verdict.ok and verdict.checked == 5
    assert str(verdict).startswith("OK")


def test_altered_field_is_found() -> None:
    events = _chain(5)
    events[2] = replace(events[2], link=replace(events[2].link, action="case:url:removed"))
    verdict = verify(events, KEYS)
    assert not verdict.ok and verdict.broken_seq == 3


def test_altered_detail_is_found() -> None:
    events = _chain(4)
    events[1] = replace(events[1], detail={"n": 99})
    assert verify(events, KEYS).broken_seq == 2


def test_deleted_event_is_found() -> None:
    events = _chain(5)
    del events[3]
    assert verify(events, KEYS).broken_seq == 5


def test_redacted_event_still_verifies() -> None:
    events = _chain(3)
    events[1] = replace(events[1], client_address=None, detail=None, redacted=True)
    assert verify(events, KEYS).ok


def test_rehashing_without_the_key_is_found() -> None:
    """The attack of issue 9, item 7: alter, cut the tail, re-hash with plain SHA-256."""
    events = _chain(10)[:5]
    events[2] = replace(events[2], link=replace(events[2].link, action="case:url:removed"))
    rehashed = _chain(0)
    for event in events:
        prev = rehashed[-1].hash if rehashed else GENESIS
        link = replace(event.link, prev_hash=prev)
        rehashed.append(replace(event, link=link, hash=link.digest(None)))
    verdict = verify(rehashed, KEYS)
    assert not verdict.ok and verdict.broken_seq == 1
    # ... and with a key the attacker guessed, every event fails to match.
    guessed = ChainKeys.from_secrets(b"g" * 40)
    rekeyed: list[StoredEvent] = []
    for event in events:
        prev = rekeyed[-1].hash if rekeyed else GENESIS
        link = replace(event.link, prev_hash=prev)
        rekeyed.append(replace(event, link=link, hash=link.digest(guessed.current)))
    assert verify(rekeyed, KEYS).broken_seq == 1


def test_unkeyed_events_verify_as_a_prefix_pinned_by_an_anchor() -> None:
    events = _chain(1, KEYS.current, _chain(3, None), action=ANCHOR_ACTION)
    events = _chain(2, KEYS.current, events)
    verdict = verify(events, KEYS)
    assert verdict.ok and verdict.checked == 6 and verdict.unkeyed == 3
    assert "the first 3 from before keyed hashing" in str(verdict)


def test_an_unkeyed_chain_does_not_verify() -> None:
    verdict = verify(_chain(4, None), KEYS)
    assert not verdict.ok and verdict.broken_seq == 1 and "current key" in verdict.reason
    assert verify(_chain(4, None), KEYS, require_current_head=False).ok


def test_a_change_of_key_without_an_anchor_is_a_break() -> None:
    events = _chain(2, KEYS.current, _chain(3, None))
    verdict = verify(events, KEYS)
    assert not verdict.ok and verdict.broken_seq == 4 and "anchor" in verdict.reason


def test_a_key_never_goes_back() -> None:
    events = _chain(1, None, _chain(2))
    assert verify(events, KEYS).broken_seq == 3


def test_a_rotated_key_verifies_with_the_previous_key_kept() -> None:
    old = ChainKeys.from_secrets(OLD).current
    events = _chain(1, ROTATED.current, _chain(3, old), action=ANCHOR_ACTION)
    assert verify(events, ROTATED).ok
    assert verify(events, ChainKeys.from_secrets(b"n" * 40)).broken_seq == 1
    # Without the anchor after the old-key events, the chain is not current.
    assert verify(_chain(3, old), ROTATED).broken_seq == 3


def test_checkpoints_catch_a_cut_tail_and_a_rewrite() -> None:
    events = _chain(6)
    at = datetime(2026, 2, 1, tzinfo=UTC)
    checkpoint = Checkpoint(6, events[-1].hash, at)
    assert verify(events, KEYS, [checkpoint]).ok
    cut = verify(events[:4], KEYS, [checkpoint])
    assert not cut.ok and cut.broken_seq == 5 and "shows event 6" in cut.reason
    other = verify(_chain(6, KEYS.current, action="case:url:viewed"), KEYS, [checkpoint])
    assert not other.ok and other.broken_seq == 6 and "checkpoint" in other.reason


def test_a_checkpoint_line_round_trips_and_refuses_tampering() -> None:
    checkpoint = Checkpoint(42, "ab" * 32, datetime(2026, 2, 1, 12, tzinfo=UTC))
    line = checkpoint.dumps(KEYS)
    assert load_checkpoint(line, KEYS) == checkpoint
    with pytest.raises(CheckpointError, match="altered"):
        load_checkpoint(line.replace('"seq":42', '"seq":41'), KEYS)
    with pytest.raises(CheckpointError, match="altered"):
        load_checkpoint(line, ChainKeys.from_secrets(b"x" * 40))
    with pytest.raises(CheckpointError, match="not JSON"):
        load_checkpoint("nonsense", KEYS)
    rotated_line = Checkpoint(1, "cd" * 32, checkpoint.made_at).dumps(ChainKeys.from_secrets(OLD))
    assert load_checkpoint(rotated_line, ROTATED).seq == 1
