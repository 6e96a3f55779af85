"""API keys for platforms: ``rk_<prefix>_<secret>``, shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
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


def authenticate(session: Session, token: str) -> ApiKey | None:
    """The live key for a token, or None. Constant-time on the secret."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "rk" or len(token) > 200:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.digest, _digest(parts[2])):
        return None
    return key


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
