"""Finding staff accounts and API keys by what an operator types, and listing keys.

Used by the command line (which touches no tables itself) and open to the staff pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.accounts.models import ApiKey, StaffUser
from reclaim.accounts.staff import normalise_username


def find_user(session: Session, username: str) -> StaffUser | None:
    """The staff account signing in as ``username`` (case and spaces ignored), if any."""
    return session.scalar(
        select(StaffUser).where(StaffUser.username == normalise_username(username))
    )


def find_api_key(session: Session, prefix: str) -> ApiKey | None:
    """The API key whose public prefix is ``prefix``, if any."""
    return session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))


@dataclass(frozen=True, slots=True)
class ApiKeySummary:
    """What may be shown about a key: never its secret or digest."""

    prefix: str
    organisation: str
    name: str
    scopes: tuple[str, ...]
    rate_per_minute: int
    revoked_at: datetime | None


def api_key_summaries(session: Session) -> list[ApiKeySummary]:
    """Every key, oldest first."""
    return [
        ApiKeySummary(
            prefix=key.prefix,
            organisation=key.organisation.name,
            name=key.name,
            scopes=tuple(key.scopes),
            rate_per_minute=key.rate_per_minute,
            revoked_at=key.revoked_at,
        )
        for key in session.scalars(select(ApiKey).order_by(ApiKey.id))
    ]
