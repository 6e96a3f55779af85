"""Which database this is: a random id made when the database was first migrated.

A restored backup keeps its id (it is the same database, at an older position); a database
made afresh gets a new one. Things kept outside the database that describe its content, such as
the matching index snapshot, record the id and the feed position they were taken at, so they
can tell when they no longer belong to the database they are used with.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from reclaim.storage.base import Base, utcnow


class DatabaseInstance(Base):
    """One row: this database's id."""

    __tablename__ = "database_instance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def new_instance_id() -> str:
    return secrets.token_hex(16)


def instance_id(session: Session) -> str | None:
    """This database's id (None only before the migration that makes it has run)."""
    return session.scalar(select(DatabaseInstance.instance_id).order_by(DatabaseInstance.id))


def ensure_instance_id(session: Session) -> str:
    """This database's id, made now if it has none (needs a session that may write)."""
    current = instance_id(session)
    if current is None:
        current = new_instance_id()
        session.add(DatabaseInstance(id=1, instance_id=current))
        session.flush()
    return current
