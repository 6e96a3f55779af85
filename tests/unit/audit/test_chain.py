from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from reclaim.audit.chain import (
    GENESIS,
    ChainLink,
    StoredEvent,
    canonical_json,
    personal_digest,
    verify,
)


def _chain(n: int) -> list[StoredEvent]:
    events, prev = [], GENESIS
    for i in range(1, n + 1):
        detail = {"n": i}
        link = ChainLink(
            i,
            datetime(2026, 1, 1, tzinfo=UTC),
            "user:1",
            1,
            "case:url:added",
            "url",
            str(i),
            "r",
            personal_digest("127.0.0.1", detail),
            prev,
        )
        events.append(StoredEvent(link, link.digest(), "127.0.0.1", detail, False))
        prev = link.digest()
    return events


def test_canonical_json_is_stable() -> None:
    assert (
        canonical_json({"b": 1, "a": "é"})
        == canonical_json({"a": "é", "b": 1})
        == '{"a":"é","b":1}'.encode()
    )


def test_intact_chain_verifies() -> None:
    verdict = verify(_chain(5))
    assert verdict.ok and verdict.checked == 5
    assert str(verdict).startswith("OK")


def test_altered_field_is_found() -> None:
    events = _chain(5)
    events[2] = replace(events[2], link=replace(events[2].link, action="case:url:removed"))
    verdict = verify(events)
    assert not verdict.ok and verdict.broken_seq == 3


def test_altered_detail_is_found() -> None:
    events = _chain(4)
    events[1] = replace(events[1], detail={"n": 99})
    assert verify(events).broken_seq == 2


def test_deleted_event_is_found() -> None:
    events = _chain(5)
    del events[3]
    assert verify(events).broken_seq == 5


def test_redacted_event_still_verifies() -> None:
    events = _chain(3)
    events[1] = replace(events[1], client_address=None, detail=None, redacted=True)
    assert verify(events).ok
