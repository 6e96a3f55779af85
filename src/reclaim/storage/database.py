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
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from reclaim.audit.chain import SESSION_KEYS, ChainKeys
from reclaim.config import Settings
from reclaim.storage.encryption import configure_field_cipher

_READ_ONLY = "reclaim_read_only"
_WRITE_TURN = "reclaim_write_turn"

#: How long a SQLite writer waits its turn for the write lock before giving up. Write
#: transactions are short (no hashing, no network inside them; imports commit in batches), so
#: a wait this long means something holds the lock far too long: the caller is told to retry.
BUSY_TIMEOUT_MS = 15_000


class DatabaseBusy(RuntimeError):
    """The database stayed locked by another writer for longer than :data:`BUSY_TIMEOUT_MS`
    (SQLite's "database is locked"). Nothing was written; the request can be retried: the
    web answers 503 with ``Retry-After``, never 500."""


def _busy(exc: OperationalError) -> bool:
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return "database is locked" in text or "database table is locked" in text


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
    pool: dict[str, Any] = {}
    if parsed.database and parsed.database != ":memory:":
        _private_sqlite_files(Path(parsed.database))
        # One connection per thread-pool worker that may need one (FastAPI runs synchronous
        # routes on up to 40 threads), so a burst waits on SQLite's lock, not on the pool.
        pool = {"pool_size": 10, "max_overflow": 40, "pool_timeout": BUSY_TIMEOUT_MS / 1000}
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}, **pool
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    # This process's writers take turns on a Python lock before BEGIN IMMEDIATE, from it to
    # their COMMIT or ROLLBACK. A writer that finds SQLite's lock taken sleeps and tries again
    # (up to 100 ms between tries), so under a queue of writers (reports arriving together)
    # the lock sat free while they slept and reports waited seconds behind one another. A
    # Python lock hands over at once. Other processes (workers, the CLI) still meet at SQLite's
    # own lock, through busy_timeout. Taken at BEGIN, not when a session opens: a route may
    # open its write session, do slow work (a PIN check) and only then write.
    turn = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_READ_ONLY):
            conn.exec_driver_sql("BEGIN")
            return
        if not conn.info.get(_WRITE_TURN):  # a connection that begins again keeps its turn
            if not turn.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
                raise DatabaseBusy("other writes in this process held the database too long")
            conn.info[_WRITE_TURN] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    # Given back when the connection goes back to the pool (after its COMMIT or ROLLBACK has
    # finished, so the next writer finds SQLite's lock free), or is thrown away.
    @event.listens_for(engine.pool, "checkin")
    @event.listens_for(engine.pool, "invalidate")
    def _on_return(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
        if record is not None and record.info.pop(_WRITE_TURN, False):
            turn.release()

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
        """A transaction that may write; commits on success, rolls back on error. Keep it
        short: on SQLite it holds the one write lock from its first statement to its end.
        Raises :class:`DatabaseBusy` if the lock never came."""
        try:
            with self._writer() as session, session.begin():
                yield session
        except OperationalError as exc:
            if _busy(exc):
                raise DatabaseBusy(str(exc.orig)) from exc
            raise
        except PoolTimeout as exc:
            raise DatabaseBusy("no database connection came free") from exc

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A transaction that only reads (it must not write: SQLite would refuse)."""
        try:
            with self._reader() as session, session.begin():
                yield session
        except OperationalError as exc:
            if _busy(exc):
                raise DatabaseBusy(str(exc.orig)) from exc
            raise
        except PoolTimeout as exc:
            raise DatabaseBusy("no database connection came free") from exc

    def dispose(self) -> None:
        self.engine.dispose()
