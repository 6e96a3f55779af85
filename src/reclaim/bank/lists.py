"""Read models over hash lists, shared by the staff pages and the command line."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.bank.models import ContentItem, HashList


class ListStatusCount(NamedTuple):
    """How many items of one list have one status (``status`` is None for an empty list)."""

    list_name: str
    status: str | None
    items: int


def counts_by_status(session: Session) -> list[ListStatusCount]:
    """Every list with its item count per status, ordered by list name.

    An empty list appears once, with status None and 0 items."""
    rows = session.execute(
        select(HashList.name, ContentItem.status, func.count(ContentItem.id))
        .join(ContentItem, isouter=True)
        .group_by(HashList.name, ContentItem.status)
        .order_by(HashList.name, ContentItem.status)
    ).all()
    return [ListStatusCount(name, status, count) for name, status, count in rows]
