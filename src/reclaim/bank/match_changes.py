"""The matcher's first part: reading the hash-list changes newer than the last one applied.

Only reads the database; :class:`reclaim.bank.match_state.MatchState` applies what it returns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.bank.models import ContentItem, HashList
from reclaim.bank.models import Signal as SignalRow
from reclaim.matching import PDQ_MATCH_THRESHOLD


@dataclass(frozen=True, slots=True)
class SignalRecord:
    signal_id: int
    kind: str
    value: str
    frames: list[Any] | None  # vPDQ frames as stored (see bank.items.frames_of)


@dataclass(slots=True)
class ItemChange:
    """An item's state after its newest change: active with its signals, or gone."""

    item_id: int
    active: bool
    list_name: str = ""
    max_distance: int = PDQ_MATCH_THRESHOLD
    categories: tuple[str, ...] = ()
    signals: list[SignalRecord] = field(default_factory=list)


@dataclass(slots=True)
class ChangeBatch:
    newest_seq: int
    search_radius: int  # the largest distance any list accepts
    changes: list[ItemChange]


_NEWEST = select(func.max(ContentItem.change_seq))


def newest_change(session: Session) -> int:
    """The feed position of the newest change (one indexed query, run before every match:
    Core on the session's connection, which costs a fraction of an ORM statement)."""
    return session.connection().execute(_NEWEST).scalar() or 0


def change_fingerprint(session: Session, position: int) -> str | None:
    """A digest of the change at feed position ``position``: the item, its status and its
    signals (None if no item holds that position any more). Two databases that share a history
    up to a position have the same fingerprint there; one restored from a backup and then
    changed differently does not, even where it numbered its new items the same way."""
    item = session.execute(
        select(ContentItem.id, ContentItem.status).where(ContentItem.change_seq == position)
    ).first()
    if item is None:
        return None
    values = session.scalars(
        select(SignalRow.signal_type + ":" + SignalRow.value)
        .where(SignalRow.item_id == item.id)
        .order_by(SignalRow.id)
    ).all()
    text = "\n".join([f"{item.id}:{item.status}", *values])
    return hashlib.sha256(text.encode()).hexdigest()


def read_changes(session: Session, after_seq: int) -> ChangeBatch:
    """Every item changed after ``after_seq``, in feed order."""
    # One flat query (no ORM objects): the first load of a large list is millions of rows.
    rows = session.execute(
        select(
            ContentItem.id,
            ContentItem.list_id,
            ContentItem.status,
            ContentItem.categories,
            ContentItem.change_seq,
            SignalRow.id,
            SignalRow.signal_type,
            SignalRow.value,
            SignalRow.frames,
        )
        .join(SignalRow, SignalRow.item_id == ContentItem.id)
        .where(ContentItem.change_seq > after_seq)
        .order_by(ContentItem.change_seq, SignalRow.id)
    )
    lists = {h.id: h for h in session.scalars(select(HashList))}
    changes: dict[int, ItemChange] = {}
    newest = after_seq
    for item_id, list_id, status, categories, seq, sid, kind, value, frames in rows:
        newest = max(newest, seq)
        change = changes.get(item_id)
        if change is None:
            if status == "active":
                hash_list = lists[list_id]
                change = ItemChange(
                    item_id,
                    True,
                    hash_list.name,
                    hash_list.max_distance,
                    tuple(categories or ()),
                )
            else:
                change = ItemChange(item_id, False)
            changes[item_id] = change
        if change.active:
            change.signals.append(SignalRecord(sid, kind, value, frames))
    radius = max((h.max_distance for h in lists.values()), default=PDQ_MATCH_THRESHOLD)
    return ChangeBatch(newest, radius, list(changes.values()))
