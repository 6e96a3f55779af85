"""Restore never resurrects or forgets: an index snapshot that does not belong to the database
as it is now (another database, or a later state of this one than a restored backup) is
discarded and the index rebuilt, with a log line saying why. On SQLite and PostgreSQL, through
the same backup and restore mechanics `reclaim backup` uses."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.loading import load_matcher
from reclaim.bank.matcher import Matcher
from reclaim.bank.models import ContentItem
from reclaim.bank.signals import make_signal
from reclaim.config import Settings
from reclaim.storage.backup import dump_database, put_in_place, stage
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from tests.conftest import _admin_url, make_settings


def _add(db: Database, pdq: str) -> int:
    with db.session() as session:
        made = [make_signal("pdq", pdq, 100)]
        return add_item(
            session, get_or_create_list(session), made, provenance=Provenance.IMPORTED
        ).item.id


def _withdraw(db: Database, item_id: int) -> None:
    with db.session() as session:
        item = session.get(ContentItem, item_id)
        assert item is not None
        set_status(session, item, ItemStatus.WITHDRAWN, "test")


def _matched(matcher: Matcher, pdqs: list[str]) -> list[bool]:
    return [bool(hits) for hits in matcher.match([make_signal("pdq", p, 100) for p in pdqs])]


def _reasons(caplog: pytest.LogCaptureFixture) -> str:
    return " | ".join(f"{r.getMessage()}: {getattr(r, 'reason', '')}" for r in caplog.records)


def _restore(settings: Settings, db: Database, backup: Path) -> Database:
    """Put the backup in place of the live database, as `reclaim backup restore` does."""
    db.dispose()
    kept = put_in_place(stage(settings, backup, {"dialect": db.dialect}))
    if db.dialect == "postgresql" and kept:
        url = make_url(db.url)
        with psycopg.connect(
            _admin_url(url.set(database="postgres").render_as_string(False)), autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{kept}" WITH (FORCE)')
    return Database(settings)


@pytest.fixture
def live(any_db_url: str, tmp_path: Path) -> tuple[Settings, Database]:
    settings = make_settings(tmp_path, database_url=any_db_url)
    db = Database(settings)
    upgrade(db)
    return settings, db


def _pdqs(n: int) -> list[str]:
    return [secrets.token_hex(32) for _ in range(n)]


def test_a_snapshot_ahead_of_a_restored_database_is_discarded(
    live: tuple[Settings, Database], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings, db = live
    before = _pdqs(10)
    ids = [_add(db, p) for p in before]
    backup = tmp_path / "backup"
    backup.mkdir()
    dump_database(db, backup)
    lost = _pdqs(48)  # added after the backup: the restore loses them
    for p in lost:
        _add(db, p)
    snapshots = tmp_path / "index"
    running = load_matcher(db, snapshots)
    with db.read_session() as session:
        running.save(snapshots, session)
    assert all(_matched(running, lost))

    db = _restore(settings, db, backup)
    try:
        after = _pdqs(5)  # reports made after the restore
        for p in after:
            _add(db, p)
        for item_id in ids[:3]:  # withdrawn after the restore
            _withdraw(db, item_id)

        # A process that was running across the restore rebuilds on its next sync.
        with caplog.at_level(logging.WARNING, logger="reclaim.bank"), db.read_session() as s:
            running.sync(s)
        assert "the database went back in time" in caplog.text
        assert _matched(running, lost) == [False] * 48

        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="reclaim.bank"):
            matcher = load_matcher(db, snapshots)
        assert "index snapshot discarded" in _reasons(caplog)
        assert "ahead of the database" in _reasons(caplog)
        for m in (matcher, running):
            assert _matched(m, lost) == [False] * 48  # never resurrected
            assert _matched(m, after) == [True] * 5  # never forgotten
            assert _matched(m, before) == [False] * 3 + [True] * 7  # withdrawals hold
    finally:
        db.dispose()


def test_a_snapshot_of_a_restored_database_that_moved_on_is_discarded(
    live: tuple[Settings, Database], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """After the restore, more changes than were lost: the positions line up again, with other
    hashes behind them (even the same item ids). The fingerprint of the change tells."""
    settings, db = live
    before = _pdqs(3)
    for p in before:
        _add(db, p)
    backup = tmp_path / "backup"
    backup.mkdir()
    dump_database(db, backup)
    lost = _pdqs(6)
    for p in lost:
        _add(db, p)
    snapshots = tmp_path / "index"
    with db.read_session() as session:
        load_matcher(db, snapshots).save(snapshots, session)
    db = _restore(settings, db, backup)
    try:
        after = _pdqs(8)  # more than were lost: the database is past the snapshot again
        for p in after:
            _add(db, p)
        with caplog.at_level(logging.WARNING, logger="reclaim.bank"):
            matcher = load_matcher(db, snapshots)
        assert "has changed since" in _reasons(caplog)
        assert _matched(matcher, lost) == [False] * 6
        assert _matched(matcher, after + before) == [True] * 11
    finally:
        db.dispose()


def test_a_snapshot_of_another_database_is_discarded(
    live: tuple[Settings, Database], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _settings, db = live
    other = Database(make_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'other.db'}"))
    upgrade(other)
    try:
        theirs = _pdqs(4)
        for p in theirs:
            _add(other, p)
        snapshots = tmp_path / "index"
        with other.read_session() as session:
            load_matcher(other, snapshots).save(snapshots, session)
        ours = _pdqs(2)
        for p in ours:
            _add(db, p)
        with caplog.at_level(logging.WARNING, logger="reclaim.bank"):
            matcher = load_matcher(db, snapshots)
        assert "taken from another database" in _reasons(caplog)
        assert _matched(matcher, theirs + ours) == [False] * 4 + [True] * 2
    finally:
        other.dispose()
        db.dispose()


def test_a_snapshot_that_belongs_is_used(live: tuple[Settings, Database], tmp_path: Path) -> None:
    _settings, db = live
    pdqs = _pdqs(3)
    for p in pdqs:
        _add(db, p)
    snapshots = tmp_path / "index"
    with db.read_session() as session:
        load_matcher(db, snapshots).save(snapshots, session)
    late = _pdqs(1)
    _add(db, late[0])
    matcher = load_matcher(db, snapshots)
    assert matcher.origin is not None  # loaded from the snapshot, then caught up
    assert _matched(matcher, pdqs + late) == [True] * 4
    db.dispose()
