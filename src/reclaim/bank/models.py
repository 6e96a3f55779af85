"""Tables: hash lists, content items, their signals, and platforms' feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reclaim.accounts import models as _accounts_tables  # noqa: F401  (tables its keys name)
from reclaim.matching import PDQ_MATCH_THRESHOLD
from reclaim.storage.base import Base, utcnow


class HashList(Base):
    __tablename__ = "hash_list"
    __audit_subject__ = "bank:list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    max_distance: Mapped[int] = mapped_column(Integer, default=PDQ_MATCH_THRESHOLD)
    min_quality: Mapped[int] = mapped_column(Integer, default=50)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentItem(Base):
    """One piece of content (an image or a video) and every signal made from it."""

    __tablename__ = "content_item"
    __audit_subject__ = "bank:item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hash_list.id"), index=True)
    # self_report (a young person's case), staff_verified, imported (a file), feed (another list)
    provenance: Mapped[str] = mapped_column(String(20))
    provenance_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="active", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    # Position in the delta feed: every change takes the next number, in commit order.
    change_seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    signals: Mapped[list[Signal]] = relationship(
        back_populates="item", order_by="Signal.id", lazy="selectin", cascade="all, delete-orphan"
    )
    hash_list: Mapped[HashList] = relationship(lazy="joined")


class Signal(Base):
    __tablename__ = "signal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_item.id", ondelete="CASCADE"), index=True
    )
    signal_type: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(Text)
    # Identity of the value for de-duplication (the value itself, or a digest for vPDQ).
    value_key: Mapped[str] = mapped_column(String(64))
    quality: Mapped[int | None] = mapped_column(Integer)
    frames: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))

    item: Mapped[ContentItem] = relationship(back_populates="signals")

    __table_args__ = (Index("ix_signal_lookup", "signal_type", "value_key"),)


class PlatformFeedback(Base):
    """What a platform did about a matched item: PendingReview, Blocked or NotBlocked."""

    __tablename__ = "platform_feedback"
    __audit_subject__ = "bank:feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_item.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("item_id", "organisation_id"),)


class WebhookDelivery(Base):
    """One withdrawal to push to one platform's webhook (Standard Webhooks). Queued in the
    transaction that makes the tombstone; the body is fixed then, so every retry sends the same
    message with the same ``webhook-id``. Holds hashes, never an image or a report."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_key.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str] = mapped_column(String(40), unique=True)  # webhook-id: msg_...
    event_type: Mapped[str] = mapped_column(String(40))  # item.withdrawn
    item_id: Mapped[int] = mapped_column(Integer)
    checkpoint: Mapped[int] = mapped_column(BigInteger)  # the tombstone's place in the feed
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    """The delivery log: one row per try, shown to the platform's admins on /staff/api-keys."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_key.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempt: Mapped[int] = mapped_column(Integer)  # 1 for the first try
    status_code: Mapped[int | None] = mapped_column(Integer)  # the receiver's HTTP status
    outcome: Mapped[str] = mapped_column(String(16))  # delivered, retrying, given-up
    error: Mapped[str | None] = mapped_column(String(200))  # timeout, refused, http-500 ...
