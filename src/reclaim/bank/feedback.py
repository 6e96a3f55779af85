"""Platforms say what they did with a match; a young person's status page counts the blocks."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.bank.models import ContentItem, PlatformFeedback


class FeedbackStatus(StrEnum):
    PENDING_REVIEW = "PendingReview"
    BLOCKED = "Blocked"
    NOT_BLOCKED = "NotBlocked"


def record_feedback(
    session: Session,
    item: ContentItem,
    organisation_id: int,
    status: FeedbackStatus,
    tags: Sequence[str] = (),
) -> PlatformFeedback:
    """One row per item and platform: the latest word wins."""
    clean_tags = sorted({t.strip() for t in tags if t.strip()})[:20]
    row = session.scalar(
        select(PlatformFeedback).where(
            PlatformFeedback.item_id == item.id, PlatformFeedback.organisation_id == organisation_id
        )
    )
    if row is None:
        row = PlatformFeedback(
            item_id=item.id, organisation_id=organisation_id, status=status.value, tags=clean_tags
        )
        session.add(row)
    else:
        row.status, row.tags = status.value, clean_tags
    session.flush()
    return row


def blocked_count(session: Session, item_ids: Sequence[int]) -> int:
    """How many different platforms blocked at least one of these items."""
    rows = session.scalars(
        select(PlatformFeedback.organisation_id)
        .where(
            PlatformFeedback.item_id.in_(item_ids),
            PlatformFeedback.status == FeedbackStatus.BLOCKED.value,
        )
        .distinct()
    )
    return len(list(rows))
