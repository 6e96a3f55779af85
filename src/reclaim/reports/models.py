"""Tables: reports, the content items (hashes) each one added, and the URLs it recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reclaim.accounts import models as _accounts_tables  # noqa: F401  (tables its keys name)
from reclaim.bank import models as _bank_tables  # noqa: F401  (tables its keys name)
from reclaim.reports.references import new_public_id
from reclaim.storage.base import Base, utcnow
from reclaim.storage.encryption import EncryptedText


class Report(Base):
    """One report. Personal details are encrypted at rest; the PIN is kept only as Argon2id."""

    __tablename__ = "report"
    # A unique index, not a constraint: the migration adds it without rebuilding the table
    # (on SQLite a rebuild would cascade to every row that points at a report).
    __table_args__ = (Index("uq_report_idempotency_digest", "idempotency_digest", unique=True),)
    __audit_subject__ = "reports:report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The id in staff URLs (random, unguessable); the sequential ``id`` opens nothing.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    # The organisation the report belongs to: the intake organisation when it was made. None
    # only while no organisation existed; see reclaim.reports.ownership.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    # under18, adult_taken_under18 or adult
    age_group: Mapped[str] = mapped_column(String(24))
    country: Mapped[str] = mapped_column(String(3))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    threatened: Mapped[bool | None] = mapped_column(Boolean)
    feels_safe: Mapped[str | None] = mapped_column(String(10))  # yes, no, not_sure
    # What they typed: apps and usernames, who has it (JSON, encrypted).
    details: Mapped[str | None] = mapped_column(EncryptedText("report.details"))
    # Decrypted only when read: the notification sender is the one place that reads it.
    contact: Mapped[str | None] = mapped_column(EncryptedText("report.contact"), deferred=True)
    source: Mapped[str] = mapped_column(String(10), default="web")  # web, form, api
    # An adult (parent, carer, teacher) made it for the child, from the device that holds the
    # image, as Take It Down allows. Staff see it; the child's wording changes to the adult's.
    made_by_adult: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Made when one connection had already sent its hour's share of reports (a school network,
    # or someone flooding us): shown to staff, never a reason to refuse or hide a report.
    busy_connection: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An urgent report stays in the staff's "urgent, not yet seen" list until someone with
    # cases:edit marks it seen (who and when are kept here and in the audit trail).
    urgent_seen_at: Mapped[datetime | None]
    urgent_seen_by: Mapped[int | None] = mapped_column(Integer)
    # A retry of the same submission (``Idempotency-Key``, or the no-JavaScript form's token)
    # returns this report instead of making a second one: SHA-256 of the key, and the PIN
    # encrypted so the retry can show it; both are cleared after RETRY_WINDOW (24 h).
    idempotency_digest: Mapped[str | None] = mapped_column(String(64))
    retry_pin: Mapped[str | None] = mapped_column(EncryptedText("report.retry_pin"), deferred=True)
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    hashes: Mapped[list[ReportHash]] = relationship(
        back_populates="report", order_by="ReportHash.id", cascade="all, delete-orphan"
    )
    urls: Mapped[list[ReportUrl]] = relationship(
        back_populates="report", order_by="ReportUrl.id", cascade="all, delete-orphan"
    )


class ReportHash(Base):
    """One file's hashes, as a content item of the hash list."""

    __tablename__ = "report_hash"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_item.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # "photo 1", "video 2" ...
    kind: Mapped[str] = mapped_column(String(8))  # image or video
    # True when the picture was too plain for a reliable PDQ: only exact copies match.
    exact_only: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="hashes")


class ReportUrl(Base):
    """A place the image was seen. Recorded, never fetched."""

    __tablename__ = "report_url"
    __audit_subject__ = "reports:url"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(EncryptedText("report_url.url"))
    host: Mapped[str] = mapped_column(Text)
    # The place in the takedown queue (reclaim.takedown): its status is this link's status.
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("takedown_place.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    report: Mapped[Report] = relationship(back_populates="urls")


class ShareCode(Base):
    """The code a young person types to share their report with this organisation."""

    __tablename__ = "share_code"
    __audit_subject__ = "reports:share-code"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportShare(Base):
    """A young person chose to share their report with an organisation; ``stopped_at`` when
    they stopped. Staff address it by its random ``public_id``."""

    __tablename__ = "report_share"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]


# ReportUrl.place_id refers to the takedown context's table: load it with this one (at the end,
# so that the takedown package, which does not import this module, finds these classes ready).
from reclaim.takedown import models as _takedown_models  # noqa: E402

__all__ = ["Report", "ReportHash", "ReportShare", "ReportUrl", "ShareCode", "_takedown_models"]
