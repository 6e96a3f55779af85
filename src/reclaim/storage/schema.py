"""The schema as an operator sees it: its revision, and upgrading it with a plain error."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import current_revision, head_revision, upgrade

__all__ = ["DatabaseUnreachable", "current_revision", "head_revision", "upgrade_schema"]


class DatabaseUnreachable(Exception):
    """The database could not be reached; the message is the driver's reason."""


def upgrade_schema(db: Database) -> tuple[str | None, str | None]:
    """Apply every pending migration; returns (before, after). Safe to run again."""
    try:
        return upgrade(db)
    except OperationalError as exc:
        raise DatabaseUnreachable(str(exc.orig)) from exc
