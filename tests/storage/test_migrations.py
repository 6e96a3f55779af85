"""Migrations on both databases: up from empty, idempotent, and matching the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from reclaim.storage.database import Database
from reclaim.storage.metadata import metadata
from reclaim.storage.migrations_runner import current_revision, head_revision, is_current, upgrade
from tests.conftest import make_settings

TABLES = {
    "organisation",
    "staff_user",
    "recovery_code",
    "staff_session",
    "lockout",
    "audit_event",
}


def test_upgrade_from_empty_creates_every_table(any_db_url: str, tmp_path: Path) -> None:
    db = Database(make_settings(tmp_path, database_url=any_db_url))
    assert current_revision(db) is None
    before, after = upgrade(db)
    assert (None, head_revision()) == (before, after)
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    db.dispose()


def test_upgrade_is_idempotent(any_db: Database) -> None:
    assert is_current(any_db)
    assert upgrade(any_db) == (head_revision(), head_revision())
    assert is_current(any_db)


def test_migrations_match_the_models(any_db: Database) -> None:
    with any_db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == [], f"models and migrations disagree; write a migration: {diff}"
