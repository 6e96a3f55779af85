"""Tables of the takedown context: places, where each was reported, each move, each notice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reclaim.storage.base import Base, utcnow
from reclaim.storage.encryption import EncryptedText

_SEQ = BigInteger().with_variant(Integer(), "sqlite")


class Place(Base):
    """One place where an image appears: one canonical URL per organisation, however many
    reports, cases and imports named it. Recorded, never fetched."""

    __tablename__ = "takedown_place"
    __audit_subject__ = "takedown:place"
    __table_args__ = (UniqueConstraint("organisation_id", "url_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The organisation whose analysts work it (the owner of the reports that named it).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(EncryptedText("takedown_place.url"))
    # SHA-256 of the canonical URL: how "the same place" is found without decrypting.
    url_sha256: Mapped[str] = mapped_column(String(64))
    host: Mapped[str] = mapped_column(Text)
    registered_domain: Mapped[str] = mapped_column(String(255), index=True)
    platform: Mapped[str | None] = mapped_column(String(80), index=True)
    flags: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="reported", index=True)
    # The most urgent of its sources (reclaim.takedown.urgency): the queue's first key.
    priority: Mapped[int] = mapped_column(Integer, default=0, index=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("takedown_place.id"))
    assigned_to: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    reported_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    first_action_due: Mapped[datetime] = mapped_column(default=utcnow)
    first_action_at: Mapped[datetime | None]
    recheck_due: Mapped[datetime | None] = mapped_column(index=True)
    removed_at: Mapped[datetime | None]
    # The member URL list: a place is on it while ``listed``; ``list_seq`` orders changes.
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    list_seq: Mapped[int | None] = mapped_column(_SEQ, index=True)
    last_liveness: Mapped[str | None] = mapped_column(String(40))
    last_liveness_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sources: Mapped[list[PlaceSource]] = relationship(
        back_populates="place", order_by="PlaceSource.id", cascade="all, delete-orphan"
    )
    moves: Mapped[list[PlaceMove]] = relationship(
        back_populates="place", order_by="PlaceMove.id", cascade="all, delete-orphan"
    )
    notices: Mapped[list[Notice]] = relationship(
        back_populates="place", order_by="Notice.id", cascade="all, delete-orphan"
    )


class PlaceSource(Base):
    """Who named a place: a young person's report, a case, or a staff import."""

    __tablename__ = "takedown_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("takedown_place.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # report, case, import
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    # A case's id, or the import's "line N" (never personal).
    ref: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place] = relationship(back_populates="sources")


class PlaceMove(Base):
    """One step of the status machine: from, to, who, when, why."""

    __tablename__ = "takedown_move"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("takedown_place.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))  # user:3, apikey:2, system
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(EncryptedText("takedown_move.reason"))
    duplicate_of: Mapped[int | None] = mapped_column(Integer)

    place: Mapped[Place] = relationship(back_populates="moves")


class Notice(Base):
    """A notice to a host (email through the outbox, or its own report form) or to the hotline
    of the hosting country. Holds no image and nothing about the child."""

    __tablename__ = "takedown_notice"
    __audit_subject__ = "takedown:notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("takedown_place.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1, 2 ... per place
    channel: Mapped[str] = mapped_column(String(10))  # email, form, hotline
    recipient: Mapped[str] = mapped_column(String(200))  # the host's or hotline's name
    recipient_email: Mapped[str | None] = mapped_column(
        EncryptedText("takedown_notice.recipient_email")
    )
    form_url: Mapped[str | None] = mapped_column(Text)
    hotline_country: Mapped[str | None] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(EncryptedText("takedown_notice.body"))
    # What the platform's form gave back (its own case number), if anything.
    submitted_ref: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    escalated_at: Mapped[datetime | None]
    # Email delivery (the outbox): claimed, sent, retried, given up.
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(120))

    place: Mapped[Place] = relationship(back_populates="notices")
