"""One lockout for everything that can be guessed: staff passwords, staff second-factor codes
and the PINs of young people's reports.

Each secret has a row keyed by a SHA-256 of what was guessed at (a name, a reference), whether
it exists or not, so an unknown one is counted and paused exactly like a real one. Wrong
guesses are counted until the right answer is given; after ``max_failures`` of them each
further wrong guess pauses checking, for ``lockout`` the first time and twice as long each time
after, up to ``max_lockout``. The count never just runs out with time, so the guesses one
secret can receive in a year are bounded (see docs/security.md for the figures).

Who is limited (the guessing connection, through the one ``reclaim.web.ratelimit.RateLimiter``)
is the web layer's business; this module only keeps the count for the secret.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from reclaim.accounts.models import Lockout


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    #: The longest pause; None: every pause is ``lockout`` long (no doubling).
    max_lockout: timedelta | None = None

    def pause_after(self, failures: int) -> timedelta | None:
        """How long checking pauses after the ``failures``-th wrong guess in a row."""
        if failures < self.max_failures:
            return None
        longest = self.max_lockout or self.lockout
        doublings = failures - self.max_failures
        if doublings >= 30:  # far past any sensible cap; keeps the arithmetic in range
            return longest
        pause: timedelta = self.lockout * (1 << doublings)
        return min(pause, longest)

    def most_guesses(self, period: timedelta) -> int:
        """The most wrong guesses one secret can receive in ``period`` by someone who guesses
        the moment each pause ends."""
        guesses, elapsed = self.max_failures, timedelta(0)
        while True:
            pause = self.pause_after(guesses)
            assert pause is not None
            if elapsed + pause >= period:
                return guesses
            elapsed += pause
            guesses += 1


@dataclass(frozen=True, slots=True)
class LockState:
    failures: int = 0
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None

    def paused(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def key_for(scope: str, subject: str) -> str:
    """The row key for ``subject`` (a normalised name or reference) in ``scope``."""
    return hashlib.sha256(f"{scope}\0{subject}".encode()).hexdigest()


def state(session: Session, key: str) -> LockState:
    row = session.get(Lockout, key)
    if row is None:
        return LockState()
    return LockState(row.failures, row.locked_until, row.last_failure_at)


def record_failure(
    session: Session, key: str, policy: LockoutPolicy, now: datetime
) -> datetime | None:
    """Count one wrong guess; returns until when checking is now paused, if it is."""
    row = session.get(Lockout, key)
    if row is None:
        row = Lockout(key=key, failures=0)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    pause = policy.pause_after(row.failures)
    row.locked_until = now + pause if pause is not None else None
    session.flush()
    return row.locked_until


def clear(session: Session, key: str) -> None:
    """The right answer was given: forget the wrong guesses."""
    row = session.get(Lockout, key)
    if row is not None:
        session.delete(row)
        session.flush()
