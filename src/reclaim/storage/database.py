"""The engine and sessions, with the discipline that keeps SQLite safe under concurrency.

SQLite allows one writer at a time. A transaction that starts as a reader and later writes can
fail with "database is locked" no matter how long it waits, so every SQLite transaction that
may write begins with ``BEGIN IMMEDIATE`` (it takes the write lock up front and waits its turn
through ``busy_timeout``), and read-only sessions begin deferred so readers never queue behind
writers (WAL). PostgreSQL needs none of this.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from reclaim.audit.chain import SESSION_KEYS, ChainKeys
from reclaim.config import Settings
from reclaim.storage.encryption import configure_field_cipher

_READ_ONLY = "reclaim_read_only"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whichever spelling the operator wrote."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _private_sqlite_files(database: Path) -> None:
    """The database file (and so its -wal and -shm, which SQLite creates with the file's own
    mode) readable by this user only; its directory too, when Reclaim creates it."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & 0o700)
        except FileNotFoundError:
            pass


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        _private_sqlite_files(Path(parsed.database))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """One per process: the engine plus session factories for writes and reads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = normalise_url(settings.resolved_database_url)
        configure_field_cipher(settings.field_key_bytes(), settings.previous_field_key_bytes())
        if self.url.startswith("sqlite"):
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_size=10)
        # The audit chain's keys, derived from the secret key (never stored in the database).
        self.audit_keys = ChainKeys.from_secrets(
            settings.secret_key_bytes(), settings.previous_secret_key_bytes()
        )
        info = {SESSION_KEYS: self.audit_keys}
        self._writer = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._reader = sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False, info=info
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that may write; commits on success, rolls back on error."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A transaction that only reads (it must not write: SQLite would refuse)."""
        with self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
