"""The SQLite database holds case data: only Reclaim's own user may read it (issue 9, item 21)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from tests.conftest import make_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_its_wal_and_the_data_dir_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: files would be world-readable by default
    try:
        data_dir = tmp_path / "fresh" / "var"
        settings = make_settings(tmp_path, data_dir=data_dir)
        db = Database(settings)
        upgrade(db)
        with db.engine.connect() as conn:  # keep a connection: -wal and -shm exist meanwhile
            conn.exec_driver_sql("SELECT 1")
            files = [
                data_dir / "reclaim.db",
                data_dir / "reclaim.db-wal",
                data_dir / "reclaim.db-shm",
            ]
            for path in files:
                assert path.exists(), path
                assert _mode(path) == 0o600, (path, oct(_mode(path)))
        db.dispose()
        assert _mode(data_dir) == 0o700, oct(_mode(data_dir))
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    (data_dir / "reclaim.db").touch(mode=0o644)
    os.chmod(data_dir / "reclaim.db", 0o644)
    db = Database(make_settings(tmp_path, data_dir=data_dir))
    upgrade(db)
    db.dispose()
    assert _mode(data_dir / "reclaim.db") == 0o600
