"""Server-side staff sessions: a random token in the cookie, its SHA-256 in the database.

A new token is issued at every change of privilege (password accepted, second factor passed),
so a token seen before login is worthless after it. Sessions end after an idle period, after an
absolute lifetime, at logout, and when the account is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffSession, StaffUser
from reclaim.storage.base import utcnow

# Password accepted; second factor still to come. (A stage name, not a secret.)
STAGE_PASSWORD = "password"  # noqa: S105
STAGE_ENROL = "enrol"  # password accepted; two-factor must be set up first
STAGE_ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    # Half-logged-in sessions (between password and code) are short.
    pending: timedelta = timedelta(minutes=10)


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: StaffUser, stage: str, policy: SessionPolicy) -> str:
    """Create a session; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = policy.absolute if stage == STAGE_ACTIVE else policy.pending
    session.add(
        StaffSession(
            id=token_id(token),
            user_id=user.id,
            stage=stage,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def rotate(session: Session, old: StaffSession, stage: str, policy: SessionPolicy) -> str:
    """Replace a session with a fresh token (and stage); the old token stops working."""
    user = session.get(StaffUser, old.user_id)
    assert user is not None
    session.delete(old)
    session.flush()
    return start(session, user, stage, policy)


def resolve(
    session: Session, token: str | None, policy: SessionPolicy
) -> tuple[StaffSession, StaffUser] | None:
    """The live session and its user for a cookie token, or None (and expired ones are removed)."""
    if not token or len(token) > 100:
        return None
    found = session.get(StaffSession, token_id(token))
    if found is None:
        return None
    now = utcnow()
    user = session.get(StaffUser, found.user_id)
    if (
        user is None
        or not user.is_active
        or found.expires_at <= now
        or now - found.last_seen_at > policy.idle
    ):
        session.delete(found)
        return None
    # Avoid a write on every request: idle time is measured to the minute.
    if now - found.last_seen_at > timedelta(seconds=60):
        found.last_seen_at = now
    return found, user


def end(session: Session, token: str | None) -> bool:
    if not token:
        return False
    result = session.execute(delete(StaffSession).where(StaffSession.id == token_id(token)))
    return bool(getattr(result, "rowcount", 0))
