"""Checking a password and a second factor, with lockouts that reveal nothing.

Every password attempt costs one Argon2 verification, whether the account exists or not, and
failures are counted per account *name*, so an unknown name is paused exactly like a real one:
the response to a wrong password and to an unknown account is the same, in body, status and
(within noise) time.

Wrong passwords and wrong second-factor codes are counted apart (accounts.lockout), so signing
in again with a known password does not wipe the count of wrong codes; both locks are checked
at every step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.accounts import lockout, totp
from reclaim.accounts.lockout import LockoutPolicy
from reclaim.accounts.models import RecoveryCode, StaffUser
from reclaim.accounts.passwords import PasswordHasher
from reclaim.accounts.staff import normalise_username
from reclaim.audit.actions import StaffAction
from reclaim.audit.recorder import record
from reclaim.storage.base import utcnow


class LoginOutcome(StrEnum):
    OK = "ok"
    REJECTED = "rejected"  # wrong name, password or code: deliberately not told apart
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    #: Wrong passwords for one name: a fixed pause (anyone may type a name, so no doubling).
    password: LockoutPolicy = field(default_factory=LockoutPolicy)
    #: Wrong codes (only someone with the password gets this far): pauses double.
    code: LockoutPolicy = field(
        default_factory=lambda: LockoutPolicy(max_lockout=timedelta(hours=24))
    )


@dataclass(frozen=True, slots=True)
class LoginResult:
    outcome: LoginOutcome
    user: StaffUser | None = None
    locked_until: datetime | None = None


def _keys(username: str) -> tuple[str, str]:
    name = normalise_username(username)
    return lockout.key_for("staff-password", name), lockout.key_for("staff-code", name)


def locked_until(session: Session, username: str, now: datetime) -> datetime | None:
    """Until when signing in as this name is paused (by wrong passwords or wrong codes)."""
    until = [
        found.locked_until
        for found in (lockout.state(session, key) for key in _keys(username))
        if found.paused(now) and found.locked_until is not None
    ]
    return max(until) if until else None


def check_password_login(
    session: Session, hasher: PasswordHasher, policy: LoginPolicy, username: str, password: str
) -> LoginResult:
    now = utcnow()
    password_key, _ = _keys(username)
    user = session.scalar(
        select(StaffUser).where(StaffUser.username == normalise_username(username))
    )
    # Verify first, always, so a locked or unknown account costs the same as a real attempt.
    valid = hasher.verify(user.password_hash if user else None, password)
    paused = locked_until(session, username, now)
    if paused is not None:
        record(
            session,
            StaffAction.STAFF_LOGIN_LOCKED,
            object_type="user",
            object_id=user.id if user else None,
        )
        return LoginResult(LoginOutcome.LOCKED, locked_until=paused)
    if valid and user is not None and user.is_active:
        lockout.clear(session, password_key)
        if hasher.needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        return LoginResult(LoginOutcome.OK, user)
    until = lockout.record_failure(session, password_key, policy.password, now)
    record(
        session,
        StaffAction.STAFF_LOGIN_FAILED,
        object_type="user",
        object_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
    )
    if until is not None:
        return LoginResult(LoginOutcome.LOCKED, locked_until=until)
    return LoginResult(LoginOutcome.REJECTED)


def check_code_login(
    session: Session, policy: LoginPolicy, user: StaffUser, code: str, recovery_key: bytes
) -> LoginResult:
    """The second step: a code, checked only while neither lock is on; counted on its own."""
    now = utcnow()
    paused = locked_until(session, user.username, now)
    if paused is not None:
        record(session, StaffAction.STAFF_LOGIN_LOCKED, object_type="user", object_id=user.id)
        return LoginResult(LoginOutcome.LOCKED, user, paused)
    _, code_key = _keys(user.username)
    if check_second_factor(session, user, code, recovery_key):
        lockout.clear(session, code_key)
        record(session, StaffAction.STAFF_MFA_SUCCEEDED, object_type="user", object_id=user.id)
        return LoginResult(LoginOutcome.OK, user)
    record(session, StaffAction.STAFF_MFA_FAILED, object_type="user", object_id=user.id)
    until = lockout.record_failure(session, code_key, policy.code, now)
    if until is not None:
        return LoginResult(LoginOutcome.LOCKED, user, until)
    return LoginResult(LoginOutcome.REJECTED, user)


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
        record(session, StaffAction.STAFF_RECOVERY_CODE_USED, object_type="user", object_id=user.id)
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
