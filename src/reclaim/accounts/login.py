"""Checking a password and a second factor, with throttling that reveals nothing.

Every attempt costs one Argon2 verification, whether the account exists or not, and failures
are counted per account *name*, so an unknown name is throttled and locked exactly like a real
one: the response to a wrong password and to an unknown account is the same, in body, status
and (within noise) time.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.accounts import totp
from reclaim.accounts.models import LoginThrottle, RecoveryCode, StaffUser
from reclaim.accounts.passwords import PasswordHashing
from reclaim.accounts.staff import normalise_username
from reclaim.audit.actions import AuditAction
from reclaim.audit.recorder import record
from reclaim.storage.base import utcnow


class LoginOutcome(StrEnum):
    OK = "ok"
    REJECTED = "rejected"  # wrong name or password: deliberately not told apart
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class LoginResult:
    outcome: LoginOutcome
    user: StaffUser | None = None


def _throttle_key(username: str) -> str:
    return hashlib.sha256(normalise_username(username).encode()).hexdigest()


def check_password_login(
    session: Session, hashing: PasswordHashing, policy: LoginPolicy, username: str, password: str
) -> LoginResult:
    now = utcnow()
    key = _throttle_key(username)
    throttle = session.get(LoginThrottle, key)
    user = session.scalar(
        select(StaffUser).where(StaffUser.username == normalise_username(username))
    )
    # Verify first, always, so a locked or unknown account costs the same as a real attempt.
    valid = hashing.verify(user.password_hash if user else None, password)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        record(
            session,
            AuditAction.STAFF_LOGIN_LOCKED,
            object_type="user",
            object_id=user.id if user else None,
        )
        return LoginResult(LoginOutcome.LOCKED)
    if valid and user is not None and user.is_active:
        if throttle:
            session.delete(throttle)
        if hashing.needs_rehash(user.password_hash):
            user.password_hash = hashing.hash(password)
        return LoginResult(LoginOutcome.OK, user)
    locked = count_failure(session, username, policy, throttle=throttle)
    record(
        session,
        AuditAction.STAFF_LOGIN_FAILED,
        object_type="user",
        object_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
    )
    return LoginResult(LoginOutcome.LOCKED if locked else LoginOutcome.REJECTED)


def count_failure(
    session: Session, username: str, policy: LoginPolicy, *, throttle: LoginThrottle | None = None
) -> bool:
    """Count a failed attempt (password or second factor) for a name; True if now locked."""
    now = utcnow()
    key = _throttle_key(username)
    throttle = throttle or session.get(LoginThrottle, key)
    if throttle is None:
        throttle = LoginThrottle(key=key, failures=0)
        session.add(throttle)
    if throttle.locked_until and throttle.locked_until <= now:
        throttle.failures, throttle.locked_until = 0, None
    throttle.failures += 1
    throttle.updated_at = now
    if throttle.failures >= policy.max_failures:
        throttle.locked_until = now + policy.lockout
    return throttle.locked_until is not None


def check_second_factor(session: Session, user: StaffUser, code: str, recovery_key: bytes) -> bool:
    """Accept a current TOTP code (once) or an unused recovery code."""
    if user.totp_secret:
        step = totp.matching_step(
            user.totp_secret, code, last_step=user.totp_last_step, now=time.time()
        )
        if step is not None:
            user.totp_last_step = step
            return True
    digest = totp.recovery_digest(code, recovery_key)
    recovery = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.digest == digest,
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is not None:
        recovery.used_at = utcnow()
        record(session, AuditAction.STAFF_RECOVERY_CODE_USED, object_type="user", object_id=user.id)
        return True
    return False


def replace_recovery_codes(session: Session, user: StaffUser, recovery_key: bytes) -> list[str]:
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = totp.new_recovery_codes()
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, digest=totp.recovery_digest(code, recovery_key)))
    session.flush()
    return codes
