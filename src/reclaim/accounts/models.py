"""Tables for organisations, staff users, their recovery codes, sessions and lockouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reclaim.storage.base import Base, utcnow
from reclaim.storage.encryption import EncryptedText


class Organisation(Base):
    __tablename__ = "organisation"
    __audit_subject__ = "staff:organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def organisation_id(self) -> int:
        return self.id


class StaffUser(Base):
    __tablename__ = "staff_user"
    __audit_subject__ = "staff:user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    username: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(EncryptedText("staff_user.display_name"))
    email: Mapped[str | None] = mapped_column(EncryptedText("staff_user.email"))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("staff_user.totp_secret"))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class RecoveryCode(Base):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class StaffSession(Base):
    """A server-side session. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    # "password" (second factor still to come), "enrol" (must set up 2FA) or "active".
    stage: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # A TOTP secret offered during enrolment, kept server-side until confirmed.
    pending_totp_secret: Mapped[str | None] = mapped_column(
        EncryptedText("staff_session.pending_totp_secret")
    )


class Lockout(Base):
    """Wrong guesses at one secret: a staff name's password, its second-factor codes, or a
    report's PIN. Keyed by a SHA-256 of what was guessed at, existing or not, so an unknown
    name or reference is counted and paused exactly like a real one (see accounts.lockout)."""

    __tablename__ = "lockout"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """A platform's key for the API. Only a SHA-256 of the secret is kept."""

    __tablename__ = "api_key"
    __audit_subject__ = "staff:api-key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=600)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    # Optional push of withdrawals (Standard Webhooks), for platforms that cannot poll the
    # feed: an https URL, and the secret that signs each message (encrypted: it must be read
    # back to sign). Set by the platform's own admins on /staff/api-keys.
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    webhook_secret: Mapped[str | None] = mapped_column(
        EncryptedText("api_key.webhook_secret"), deferred=True
    )

    organisation: Mapped[Organisation] = relationship(lazy="joined")
