"""The outbox (one row per piece of news, written in the same transaction as the change), and
the staff side's alerts: on-call lists, alerts with their escalation, reminders and web push
subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reclaim.accounts import models as _accounts_tables  # noqa: F401  (tables its keys name)
from reclaim.reports import models as _reports_tables  # noqa: F401  (tables its keys name)
from reclaim.storage.base import Base, utcnow
from reclaim.storage.encryption import EncryptedText


class Notification(Base):
    """News for one report. Holds no address and no content: the contact stays encrypted on
    the report and is read only when the message is sent; the message says only that there is
    news. A staff alert ("urgent") names the staff member instead; its email says only that an
    urgent report is waiting."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for an alert or a reminder that is not about a young person's report.
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16))  # blocked, link, urgent, reminder
    # For "urgent": the alert it tells (an acknowledged alert's unsent rows are not sent).
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert.id", ondelete="CASCADE"), index=True
    )
    # For alerts and reminders: the staff page to open (an opaque id, never personal data).
    subject_url: Mapped[str | None] = mapped_column(String(300))
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


class OnCallContact(Base):
    """One place in an organisation's ordered on-call list: who is alerted first, then next."""

    __tablename__ = "oncall_contact"
    __table_args__ = (UniqueConstraint("organisation_id", "staff_user_id"),)
    __audit_subject__ = "staff:oncall"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)


class Alert(Base):
    """Something the organisation's on-call staff must hear about at once (an urgent report or
    case). Holds no personal data: a kind and a staff URL. Unacknowledged, it moves down the
    on-call list every few minutes, and finally to everyone who can view cases."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # urgent-report, urgent-case
    subject_url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # 0: the first on-call contact; n: the (n+1)th; past the list: everyone (final).
    level: Mapped[int] = mapped_column(Integer, default=0)
    level_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )


class Reminder(Base):
    """A task's owner is emailed once when it falls due (the task itself lives elsewhere)."""

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    subject_url: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime] = mapped_column(index=True)
    queued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(Base):
    """A staff member's browser that asked for web push alerts. The endpoint is encrypted at
    rest; its SHA-256 keeps one row per browser."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(EncryptedText("push_subscription.endpoint"))
    endpoint_digest: Mapped[str] = mapped_column(String(64), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
