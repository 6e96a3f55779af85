"""API keys for platforms: ``rk_<prefix>_<secret>``, shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import ApiKey, Organisation
from reclaim.accounts.roles import OrganisationKind
from reclaim.storage.base import utcnow


class Scope(StrEnum):
    MATCH = "match"  # POST /api/v1/match
    FEED = "feed"  # GET /api/v1/hashes (the delta feed)
    FEEDBACK = "feedback"  # POST /api/v1/feedback
    EXPORT = "export"  # GET /api/v1/export
    URLS = "urls"  # GET /api/v1/urls and /api/v1/urls/export (the member URL list)


ALL_SCOPES = tuple(Scope)


class ApiKeyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    token: str  # shown once; never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(
    session: Session,
    organisation: Organisation,
    name: str,
    scopes: Sequence[str] = ALL_SCOPES,
    rate_per_minute: int = 600,
) -> IssuedKey:
    if organisation.kind != OrganisationKind.PLATFORM.value:
        raise ApiKeyError(
            f"{organisation.name!r} is not a platform: API keys are for platform organisations "
            "(create one with `reclaim admin create-org --kind platform`)."
        )
    if not name.strip():
        raise ApiKeyError("Give the key a name that says where it is used, e.g. 'upload scanner'.")
    try:
        scope_values = sorted({Scope(s.strip().lower()).value for s in scopes})
    except ValueError:
        raise ApiKeyError(f"Scopes are: {', '.join(s.value for s in Scope)}.") from None
    if not scope_values:
        raise ApiKeyError("A key needs at least one scope.")
    if not 1 <= rate_per_minute <= 100_000:
        raise ApiKeyError("rate_per_minute is from 1 to 100000.")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        organisation_id=organisation.id,
        name=name.strip(),
        prefix=prefix,
        digest=_digest(secret),
        scopes=scope_values,
        rate_per_minute=rate_per_minute,
    )
    session.add(key)
    session.flush()
    return IssuedKey(key, f"rk_{prefix}_{secret}")


@dataclass(frozen=True, slots=True)
class KeyGrant:
    """What a live key allows, read for one request (a plain value, no ORM object)."""

    id: int
    organisation_id: int
    organisation_name: str
    scopes: tuple[str, ...]
    rate_per_minute: int


_GRANT = (
    select(
        ApiKey.id,
        ApiKey.organisation_id,
        Organisation.name,
        ApiKey.digest,
        ApiKey.scopes,
        ApiKey.rate_per_minute,
    )
    .join(Organisation, Organisation.id == ApiKey.organisation_id)
    .where(ApiKey.revoked_at.is_(None), ApiKey.prefix == bindparam("prefix"))
)


def authenticate(session: Session, token: str) -> KeyGrant | None:
    """The grant of the live key for a token, or None. Constant-time on the secret.

    Read from the database on every call (one indexed row, no ORM object): a key revoked by
    anyone, in any process, stops working on the very next request. The secret is 256 random
    bits, so one SHA-256 is the right cost to check it (a slow password hash would buy nothing
    and cost every platform request milliseconds)."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "rk" or len(token) > 200:
        return None
    # Core on the session's connection: the ORM's statement handling is most of the cost of
    # a one-row read.
    row = session.connection().execute(_GRANT, {"prefix": parts[1]}).first()
    if row is None or not hmac.compare_digest(row.digest, _digest(parts[2])):
        return None
    return KeyGrant(
        id=row.id,
        organisation_id=row.organisation_id,
        organisation_name=row.name,
        scopes=tuple(row.scopes or ()),
        rate_per_minute=row.rate_per_minute,
    )


def revoke(session: Session, key: ApiKey) -> None:
    key.revoked_at = utcnow()
    session.flush()


def keys_of(session: Session, organisation_id: int) -> list[ApiKey]:
    """An organisation's keys, newest first (revoked ones too: the page says so)."""
    return list(
        session.scalars(
            select(ApiKey)
            .where(ApiKey.organisation_id == organisation_id)
            .order_by(ApiKey.id.desc())
        )
    )


def key_of(session: Session, organisation_id: int, key_id: int) -> ApiKey | None:
    """One of the organisation's keys; another organisation's key does not exist here."""
    key = session.get(ApiKey, key_id)
    return key if key is not None and key.organisation_id == organisation_id else None
