"""Adding content items to a list, changing their status, and the order of the delta feed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from reclaim.bank import signals as sig
from reclaim.bank.models import ContentItem, HashList, Signal
from reclaim.bank.names import DEFAULT_LIST as DEFAULT_LIST
from reclaim.matching import PDQ_MATCH_THRESHOLD
from reclaim.matching.video import VpdqFrame
from reclaim.storage.base import utcnow

# Names the lock that keeps feed numbers in commit order on PostgreSQL.
_PG_FEED_LOCK = 0x42414E4B


class Provenance(StrEnum):
    SELF_REPORT = "self_report"
    STAFF_VERIFIED = "staff_verified"
    IMPORTED = "imported"
    FEED = "feed"


class ItemStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # by the young person, or staff on their behalf
    EXPIRED = "expired"
    DISABLED = "disabled"  # by staff (for example a false positive)


class BankError(ValueError):
    """A request about the hash lists that cannot be carried out; the message says why."""


def next_change_seq(session: Session) -> int:
    """The next feed position. Writers are serialised so positions commit in order."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_FEED_LOCK})
    current = session.scalar(select(func.max(ContentItem.change_seq)))
    return int(current or 0) + 1


def value_key(signal: sig.Signal) -> str:
    if signal.type is sig.SignalType.VPDQ:
        return hashlib.sha256(signal.value.encode()).hexdigest()
    return signal.value


def get_or_create_list(session: Session, name: str = DEFAULT_LIST, **fields: object) -> HashList:
    found = session.scalar(select(HashList).where(HashList.name == name))
    if found is not None:
        return found
    max_distance = int(fields.get("max_distance", PDQ_MATCH_THRESHOLD))  # type: ignore[call-overload]
    if not 0 <= max_distance <= 63:
        raise BankError(
            f"A list's match distance is from 0 to 63 ({PDQ_MATCH_THRESHOLD} is PDQ's usual "
            "threshold)."
        )
    hash_list = HashList(
        name=name, description=str(fields.get("description", "")), max_distance=max_distance
    )
    session.add(hash_list)
    session.flush()
    return hash_list


def refusal(hash_list: HashList, signal: sig.Signal) -> str | None:
    """Why ``hash_list`` cannot keep ``signal`` (a PDQ without quality or below its floor)."""
    if signal.type is not sig.SignalType.PDQ:
        return None
    if signal.quality is None:
        return "A PDQ signal needs its quality (0-100)."
    if signal.quality < hash_list.min_quality:
        return (
            f"This PDQ hash has quality {signal.quality}, below {hash_list.min_quality}: "
            "the picture is too plain or too small to match reliably. SHA-256 and MD5 "
            "still match exact copies."
        )
    return None


def keepable(
    hash_list: HashList, signals: Sequence[sig.Signal]
) -> tuple[list[sig.Signal], list[str]]:
    """The signals ``hash_list`` can keep, and why each other one was left out."""
    kept, reasons = [], []
    for signal in signals:
        refused = refusal(hash_list, signal)
        if refused:
            reasons.append(refused)
        else:
            kept.append(signal)
    return kept, reasons


@dataclass(frozen=True, slots=True)
class Added:
    item: ContentItem
    created: bool


def _existing(
    session: Session, hash_list: HashList, signals: Sequence[sig.Signal]
) -> ContentItem | None:
    """An item of this list that already has one of these exact signals (for idempotency)."""
    for signal in signals:
        found = session.scalar(
            select(ContentItem)
            .join(Signal)
            .where(
                ContentItem.list_id == hash_list.id,
                Signal.signal_type == signal.type.value,
                Signal.value_key == value_key(signal),
            )
            .limit(1)
        )
        if found is not None:
            return found
    return None


def add_item(
    session: Session,
    hash_list: HashList,
    signals: Sequence[sig.Signal],
    *,
    provenance: Provenance,
    provenance_ref: str | None = None,
    categories: Sequence[str] = (),
) -> Added:
    """Store one content item with its signals; returns the existing item if already present."""
    if not signals:
        raise BankError("A content item needs at least one signal.")
    for signal in signals:
        refused = refusal(hash_list, signal)
        if refused:
            raise BankError(refused)
    existing = _existing(session, hash_list, signals)
    if existing is not None:
        return Added(existing, False)
    item = ContentItem(
        list_id=hash_list.id,
        provenance=provenance.value,
        provenance_ref=provenance_ref,
        categories=sorted({c.strip().lower() for c in categories if c.strip()}),
        status=ItemStatus.ACTIVE.value,
        change_seq=next_change_seq(session),
    )
    item.signals = [
        Signal(
            signal_type=s.type.value,
            value=s.value,
            value_key=value_key(s),
            quality=s.quality,
            frames=stored_frames(s.frames) if s.frames else None,
        )
        for s in signals
    ]
    session.add(item)
    session.flush()
    return Added(item, True)


def set_status(session: Session, item: ContentItem, status: ItemStatus, reason: str) -> bool:
    """Change an item's status (withdraw, disable, expire, reactivate); False if unchanged.

    Every change needs a reason. Staff change statuses through
    :func:`reclaim.reports.casework.staff_set_item_status`, which also keeps a young person's
    withdrawal or deletion in force."""
    if item.status == status.value:
        return False
    reason = reason.strip()
    if not reason:
        raise BankError("Say why, in a few words: it is kept with the item and in the audit trail.")
    item.status = status.value
    item.status_reason = reason
    item.status_changed_at = utcnow()
    item.change_seq = next_change_seq(session)
    session.flush()
    return True


def signal_dict(signal: Signal) -> dict[str, object]:
    entry: dict[str, object] = {"type": signal.signal_type, "value": signal.value}
    if signal.quality is not None:
        entry["quality"] = signal.quality
    if signal.frames:
        entry["frames"] = [
            {"quality": f.quality, "pdq": f.pdq_hex, "t": f.timestamp}
            for f in frames_of(signal.frames)
        ]
    return entry


def stored_frames(frames: Sequence[VpdqFrame]) -> list[list[object]]:
    """A video's frames as the ``signal.frames`` column holds them: ``[quality, pdq, t]``."""
    return [[f.quality, f.pdq_hex, f.timestamp] for f in frames]


def frames_of(stored: Sequence[Sequence[Any]] | None) -> list[VpdqFrame]:
    """The frames of a ``signal.frames`` column (or of a matcher snapshot), read back."""
    return [VpdqFrame(str(p), int(q), float(t)) for q, p, t in stored or []]


def frames_json(signal: Signal) -> str:
    return json.dumps(signal.frames or [])
