"""The hash chain, as pure functions (no database): canonical JSON in, SHA-256 hex out.

Each event's hash covers its public fields, the previous event's hash, and a digest of its
personal fields (client address and detail). Erasure may blank the personal fields; the digest
stays, so the chain still verifies while the personal data is gone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same bytes for the same value, everywhere."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def canonical_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def personal_digest(client_address: str | None, detail: Mapping[str, Any] | None) -> str:
    payload = {"client_address": client_address, "detail": detail}
    return hashlib.sha256(canonical_json(payload)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainLink:
    """The fields an event's hash is computed over."""

    seq: int
    occurred_at: datetime
    actor: str
    organisation_id: int | None
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str | None
    personal_digest: str
    prev_hash: str

    def body(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "occurred_at": canonical_time(self.occurred_at),
            "actor": self.actor,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "request_id": self.request_id,
            "personal_digest": self.personal_digest,
            "prev_hash": self.prev_hash,
        }

    def digest(self) -> str:
        return hashlib.sha256(canonical_json(self.body())).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from storage, for verification."""

    link: ChainLink
    hash: str
    client_address: str | None
    detail: Mapping[str, Any] | None
    redacted: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.checked} events, chain intact"
        return (
            f"BROKEN at event {self.broken_seq}: {self.reason} ({self.checked} checked before it)"
        )


def verify(events: Iterable[StoredEvent]) -> Verdict:
    """Walk events in sequence order; report the first link that does not hold."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in events:
        link = event.link
        if link.seq != expected_seq:
            return Verdict(False, checked, link.seq, f"expected event {expected_seq} (missing?)")
        if link.prev_hash != expected_prev:
            return Verdict(False, checked, link.seq, "previous-hash does not match")
        if not event.redacted:
            actual = personal_digest(event.client_address, event.detail)
            if actual != link.personal_digest:
                return Verdict(False, checked, link.seq, "detail or client address was altered")
        if link.digest() != event.hash:
            return Verdict(False, checked, link.seq, "event hash does not match its fields")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    return Verdict(True, checked)
