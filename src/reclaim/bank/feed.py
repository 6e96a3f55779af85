"""The delta feed: every change to a list, in order, with tombstones for what must be deleted.

A client starts with no checkpoint, applies each record (``active`` means upsert the item's
signals, anything else means delete them), stores ``next_checkpoint``, and asks again. Replaying
the feed from the start ends with exactly the active set (StopNCII's Withdrawn/Deleted semantics).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.bank.items import signal_dict
from reclaim.bank.models import ContentItem

MAX_PAGE = 1000


class CheckpointInvalid(ValueError):
    pass


def parse_checkpoint(value: str | None) -> int:
    if value is None or value == "":
        return 0
    if not value.isdigit() or len(value) > 18:
        raise CheckpointInvalid(
            "checkpoint is the `next_checkpoint` of a previous page (a whole number); "
            "leave it out to start from the beginning."
        )
    return int(value)


@dataclass(frozen=True, slots=True)
class FeedPage:
    records: list[dict[str, Any]]
    next_checkpoint: str
    has_more: bool


def page(
    session: Session, checkpoint: int, limit: int, *, list_ids: list[int] | None = None
) -> FeedPage:
    limit = max(1, min(limit, MAX_PAGE))
    query = select(ContentItem).where(ContentItem.change_seq > checkpoint)
    if list_ids is not None:
        query = query.where(ContentItem.list_id.in_(list_ids))
    items = list(session.scalars(query.order_by(ContentItem.change_seq).limit(limit + 1)))
    has_more = len(items) > limit
    items = items[:limit]
    records = [
        {
            "item_id": item.id,
            "list_name": item.hash_list.name,
            "status": item.status,
            "deleted": item.status != "active",
            "categories": item.categories,
            "signals": [signal_dict(s) for s in item.signals],
            "updated_at": item.updated_at.isoformat(),
            "checkpoint": str(item.change_seq),
        }
        for item in items
    ]
    next_checkpoint = str(items[-1].change_seq) if items else str(checkpoint)
    return FeedPage(records, next_checkpoint, has_more)
