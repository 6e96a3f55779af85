"""The outbox: one row per piece of news, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from reclaim.storage.base import Base, utcnow


class Notification(Base):
    """News for one report. Holds no address and no content: the contact stays encrypted on
    the report and is read only when the message is sent; the message says only that there is
    news. A staff alert ("urgent") names the staff member instead; its email says only that an
    urgent report is waiting."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for an alert about a safeguarding case (``case_id`` then says which).
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    # No foreign key (notify does not depend on cases): deleting a case deletes its alerts
    # (reclaim.cases.records).
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(String(16))  # blocked, link, urgent, urgent-case
    # For "urgent": the staff member to alert (their email, not the report's contact).
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    # For "blocked": the platform, so that each platform's first block is news only once.
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    # The kind of failure only (an SMTP code, an exception name): never a server's words,
    # which can quote the address.
    last_error: Mapped[str | None] = mapped_column(String(120))
