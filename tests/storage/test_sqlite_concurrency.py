"""The embedded SQLite default stays correct when many requests write at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, text

from reclaim.accounts.models import Organisation
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record, verify_chain
from reclaim.storage.database import Database


def test_pragmas(db: Database) -> None:
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_read_modify_write_loses_nothing(db: Database) -> None:
    """Each writer reads the audit head then appends: the classic lost-update race."""

    def write(i: int) -> None:
        with db.session() as session:
            session.add(Organisation(name=f"School {i}", kind="school"))
            record(session, CaseAction.LINK_MOVED, object_id=i)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(write, range(120)))
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 120
        verdict = verify_chain(session)
    assert verdict.ok and verdict.checked == 240


def test_read_sessions_run_while_a_writer_holds_the_lock(db: Database) -> None:
    with db.session() as writer:
        writer.add(Organisation(name="Writer", kind="school"))
        writer.flush()
        with db.read_session() as reader:
            assert reader.scalar(select(func.count()).select_from(Organisation)) == 0
