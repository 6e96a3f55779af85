"""What staff read about hash lists: counts per list and status, one item with what platforms
said about it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.accounts.models import Organisation
from reclaim.bank.lists import counts_by_status
from reclaim.bank.models import ContentItem, PlatformFeedback


def list_counts(session: Session) -> dict[str, dict[str, int]]:
    """Each list's items by status (a list with no items: an empty mapping), from
    :func:`reclaim.bank.lists.counts_by_status`, the one query for it (the CLI uses it too)."""
    table: dict[str, dict[str, int]] = {}
    for row in counts_by_status(session):
        counts = table.setdefault(row.list_name, {})
        if row.status:
            counts[row.status] = row.items
    return table


def item_by_id(session: Session, item_id: int) -> ContentItem | None:
    return session.get(ContentItem, item_id)


def items_by_id(session: Session, item_ids: Collection[int]) -> dict[int, ContentItem]:
    """The items with these ids that exist, by id."""
    found = session.scalars(select(ContentItem).where(ContentItem.id.in_(list(item_ids))))
    return {item.id: item for item in found}


class PlatformFeedbackRow(NamedTuple):
    platform: str
    status: str
    tags: list[str]
    updated_at: datetime


def feedback_on(session: Session, item_id: int) -> list[PlatformFeedbackRow]:
    """What each platform said about this item, by platform name."""
    rows = session.execute(
        select(
            Organisation.name,
            PlatformFeedback.status,
            PlatformFeedback.tags,
            PlatformFeedback.updated_at,
        )
        .join(Organisation, Organisation.id == PlatformFeedback.organisation_id)
        .where(PlatformFeedback.item_id == item_id)
        .order_by(Organisation.name)
    )
    return [PlatformFeedbackRow(*row) for row in rows]
