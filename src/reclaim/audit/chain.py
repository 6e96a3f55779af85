"""The hash chain, as pure functions (no database): canonical JSON in, HMAC-SHA-256 hex out.

Each event's hash covers its public fields, the previous event's hash, and a digest of its
personal fields (client address and detail). Erasure may blank the personal fields; the digest
stays, so the chain still verifies while the personal data is gone.

The hash is keyed (HMAC-SHA-256 with a key derived from the installation's secret key, which
is not in the database), so someone who can write to the database but does not hold the key
cannot re-hash the chain after altering or removing events. Events written before keyed
hashing (plain SHA-256) still verify, but only as a prefix followed by keyed events, and the
newest event must be keyed with the current key. Checkpoints (the head's position and hash,
MACed, kept outside the database) catch what a key alone cannot: a cut tail, and a rewrite by
someone who holds the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
# The event that moves the chain to a newer key (or from unkeyed hashing to keyed), written
# only by an operator (`reclaim audit anchor`); any other change of key is a break.
ANCHOR_ACTION = "staff:audit:chain-anchored"

CHECKPOINT_FORMAT = "reclaim-audit-checkpoint/1"
_CHAIN_LABEL = b"reclaim/audit-chain/v1"
_CHECKPOINT_LABEL = b"reclaim/audit-checkpoint/v1"

# Where a session carries the chain keys (the Database puts them in every session it makes).
SESSION_KEYS = "reclaim_audit_keys"


def _derive(secret: bytes, label: bytes) -> bytes:
    return hmac.new(secret, label, hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class ChainKeys:
    """The key events are hashed with now, and earlier ones (oldest first) that still verify.

    Derived from the secret key and its previous values; never stored in the database.
    """

    current: bytes
    previous: tuple[bytes, ...] = ()

    @classmethod
    def from_secrets(cls, current: bytes, previous: Sequence[bytes] = ()) -> ChainKeys:
        return cls(
            _derive(current, _CHAIN_LABEL), tuple(_derive(p, _CHAIN_LABEL) for p in previous)
        )

    @property
    def epochs(self) -> tuple[bytes | None, ...]:
        """None (unkeyed, from before keyed hashing), then each key in the order used."""
        return (None, *self.previous, self.current)

    def checkpoint_keys(self) -> tuple[bytes, ...]:
        """Checkpoint MAC keys, current first (derived from the chain keys, another label)."""
        return tuple(_derive(k, _CHECKPOINT_LABEL) for k in (self.current, *self.previous))


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

    def digest(self, key: bytes | None) -> str:
        """HMAC-SHA-256 of the canonical body; plain SHA-256 with no key (events from before
        keyed hashing, checked only as the prefix of a keyed chain)."""
        body = canonical_json(self.body())
        if key is None:
            return hashlib.sha256(body).hexdigest()
        return hmac.new(key, body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from storage, for verification."""

    link: ChainLink
    hash: str
    client_address: str | None
    detail: Mapping[str, Any] | None
    redacted: bool


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at one moment: kept outside the database, it pins everything up to it."""

    seq: int
    hash: str
    made_at: datetime

    def body(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "made_at": canonical_time(self.made_at),
        }

    def dumps(self, keys: ChainKeys) -> str:
        """One line of JSON with a MAC, to append to a file the operator keeps elsewhere."""
        mac = hmac.new(keys.checkpoint_keys()[0], canonical_json(self.body()), hashlib.sha256)
        return canonical_json({**self.body(), "mac": mac.hexdigest()}).decode()


class CheckpointError(ValueError):
    """A checkpoint line that is not one, or whose MAC no key of this installation makes."""


def load_checkpoint(line: str, keys: ChainKeys) -> Checkpoint:
    try:
        value = json.loads(line)
    except ValueError:
        raise CheckpointError("not a checkpoint (not JSON)") from None
    if not isinstance(value, dict) or value.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"not a checkpoint (expected format {CHECKPOINT_FORMAT!r})")
    try:
        seq, head, mac = value["seq"], value["hash"], value["mac"]
        made_at = datetime.fromisoformat(value["made_at"])
    except (KeyError, TypeError, ValueError):
        raise CheckpointError("checkpoint is missing seq, hash, made_at or mac") from None
    if not (isinstance(seq, int) and seq >= 0 and isinstance(head, str) and isinstance(mac, str)):
        raise CheckpointError("checkpoint has a malformed seq, hash or mac")
    checkpoint = Checkpoint(seq, head, made_at)
    body = canonical_json(checkpoint.body())
    if not any(
        hmac.compare_digest(hmac.new(k, body, hashlib.sha256).hexdigest(), mac)
        for k in keys.checkpoint_keys()
    ):
        raise CheckpointError(
            f"checkpoint for event {seq} was altered, or made with a key this installation "
            "does not have"
        )
    return checkpoint


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    unkeyed: int = 0

    def __str__(self) -> str:
        if self.ok:
            note = (
                f" (the first {self.unkeyed} from before keyed hashing, pinned by the anchor "
                "event after them)"
                if self.unkeyed
                else ""
            )
            return f"OK: {self.checked} events, chain intact{note}"
        return (
            f"BROKEN at event {self.broken_seq}: {self.reason} ({self.checked} checked before it)"
        )


def key_epoch(link: ChainLink, stored_hash: str, keys: ChainKeys, at_least: int = 0) -> int | None:
    """Index in ``keys.epochs`` of the key this event was hashed with (None: no key makes it)."""
    epochs = keys.epochs
    for index in range(len(epochs) - 1, at_least - 1, -1):
        if hmac.compare_digest(link.digest(epochs[index]), stored_hash):
            return index
    return None


def verify(
    events: Iterable[StoredEvent],
    keys: ChainKeys,
    checkpoints: Sequence[Checkpoint] = (),
    require_current_head: bool = True,
) -> Verdict:
    """Walk events in sequence order; report the first link that does not hold.

    Keys only move forward along ``keys.epochs`` (unkeyed, then each previous key, then the
    current one), the newest event must be hashed with the current key, and every checkpoint
    must name an event that exists with the hash it recorded. ``require_current_head=False``
    is for the check before an anchor event moves the chain to the current key.
    """
    pinned = {c.seq: c for c in checkpoints if c.seq > 0}
    current = len(keys.epochs) - 1
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    unkeyed = 0
    epoch = 0
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
        found = key_epoch(link, event.hash, keys, epoch)
        if found is None:
            return Verdict(
                False,
                checked,
                link.seq,
                "event hash does not match its fields (altered and re-hashed without the key, "
                "or hashed with a key this installation does not have)",
            )
        if found > epoch and checked and link.action != ANCHOR_ACTION:
            return Verdict(
                False,
                checked,
                link.seq,
                "hashed with a newer key than the event before it, without an anchor event "
                "(`reclaim audit anchor`)",
            )
        if found == 0:
            unkeyed += 1
        epoch = found
        checkpoint = pinned.get(link.seq)
        if checkpoint is not None and not hmac.compare_digest(checkpoint.hash, event.hash):
            return Verdict(
                False,
                checked,
                link.seq,
                f"differs from the checkpoint of {canonical_time(checkpoint.made_at)}: "
                "events up to here were rewritten, or removed and others written since",
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    if checked and epoch != current and require_current_head:
        return Verdict(
            False,
            checked,
            # Unkeyed from the start: the whole chain is suspect, so name the first event.
            1 if epoch == 0 else expected_seq - 1,
            "the newest event is not hashed with the current key: newer events may have been "
            "removed and the chain re-hashed (after upgrading to keyed hashing or rotating "
            "RECLAIM_SECRET_KEY, run `reclaim audit anchor` once)",
        )
    beyond = [c for c in pinned.values() if c.seq >= expected_seq]
    if beyond:
        newest = max(beyond, key=lambda c: c.seq)
        return Verdict(
            False,
            checked,
            expected_seq,
            f"the chain ends at event {expected_seq - 1}, but the checkpoint of "
            f"{canonical_time(newest.made_at)} shows event {newest.seq}: events were removed",
        )
    return Verdict(True, checked, unkeyed=unkeyed)
