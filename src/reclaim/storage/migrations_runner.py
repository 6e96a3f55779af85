"""Applying and inspecting migrations (Alembic), without an alembic.ini to keep in step."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from reclaim.storage.database import Database

_SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["engine"] = db.engine
    return config


def head_revision() -> str:
    heads = ScriptDirectory(str(_SCRIPTS)).get_heads()
    return heads[0] if heads else ""


def known_revision(revision: str) -> bool:
    """Whether this code has a migration called ``revision``."""
    return ScriptDirectory(str(_SCRIPTS)).get_revision(revision) is not None if revision else False


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema up to ``revision``; returns (before, after). Safe to run repeatedly."""
    before = current_revision(db)
    command.upgrade(alembic_config(db), revision)
    return before, current_revision(db)


def is_current(db: Database) -> bool:
    return current_revision(db) == head_revision()


def readiness(db: Database) -> tuple[bool, str]:
    """For ``/readyz``: whether the database answers and its migrations are current."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return False, f"database unreachable ({type(exc).__name__})"
    current, head = current_revision(db), head_revision()
    if current != head:
        return (
            False,
            f"migrations not current ({current or 'none'} != {head}): run `reclaim db upgrade`",
        )
    return True, "ok"
