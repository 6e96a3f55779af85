"""The member URL list: places assessed in scope and not yet removed, as a delta feed with
tombstones (like the hash feed) and as a versioned export.

Each change to whether a place is listed gets the next ``list_seq``. A client starts with no
checkpoint, applies each record (``deleted: false``: block this URL; ``deleted: true``: stop,
keyed by ``id``), stores ``next_checkpoint`` and asks again; replaying from the start ends
with exactly the listed set. An erased place's tombstone carries no URL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.takedown.models import Place

__all__ = [
    "MAX_PAGE",
    "ListPage",
    "export_lines",
    "list_page",
    "list_version",
    "member_list_lines",
]

MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class ListPage:
    records: list[dict[str, Any]]
    next_checkpoint: str
    has_more: bool


def _record(place: Place) -> dict[str, Any]:
    listed = place.listed and place.erased_at is None
    return {
        "id": place.id,
        "url": place.url if place.erased_at is None else None,
        "host": place.host if place.erased_at is None else None,
        "registered_domain": place.registered_domain if place.erased_at is None else None,
        "platform": place.platform,
        "status": place.status,
        "deleted": not listed,
        "updated_at": place.updated_at.isoformat(),
        "checkpoint": str(place.list_seq),
    }


def _filtered(query: Any, domain: str, platform: str) -> Any:
    if domain:
        query = query.where(Place.registered_domain == domain.lower())
    if platform:
        query = query.where(Place.platform == platform)
    return query


def list_page(
    session: Session, checkpoint: int, limit: int, *, domain: str = "", platform: str = ""
) -> ListPage:
    """Changes after ``checkpoint``, in order, at most ``limit`` (1..1000)."""
    limit = max(1, min(limit, MAX_PAGE))
    query = _filtered(
        select(Place).where(Place.list_seq.is_not(None), Place.list_seq > checkpoint),
        domain,
        platform,
    )
    places = list(session.scalars(query.order_by(Place.list_seq).limit(limit + 1)))
    has_more = len(places) > limit
    places = places[:limit]
    records = [_record(p) for p in places]
    next_checkpoint = str(places[-1].list_seq) if places else str(checkpoint)
    return ListPage(records, next_checkpoint, has_more)


def list_version(session: Session) -> int:
    """The newest change's number: an export at this version plus the feed from here on is
    the list at any later moment."""
    return int(session.scalar(select(func.max(Place.list_seq))) or 0)


def export_lines(
    session: Session, fmt: str, *, domain: str = "", platform: str = ""
) -> Iterator[str]:
    """The listed URLs now, as ``csv`` or ``jsonl`` lines."""
    query = _filtered(
        select(Place).where(Place.listed.is_(True), Place.erased_at.is_(None)), domain, platform
    )
    places = session.scalars(query.order_by(Place.id))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["id", "url", "registered_domain", "platform", "status"])
        yield buffer.getvalue()
        for place in places:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(
                [place.id, place.url, place.registered_domain, place.platform or "", place.status]
            )
            yield buffer.getvalue()
        return
    for place in places:
        yield json.dumps(_record(place), sort_keys=True) + "\n"


#: The name the takedown package exports it by (``reclaim.bank`` has an ``export_lines`` too).
member_list_lines = export_lines
