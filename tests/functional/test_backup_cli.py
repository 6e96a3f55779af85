"""`reclaim backup create` / `restore`, field-key checks at start, and `reclaim admin
rotate-field-key`, on SQLite and PostgreSQL, through the real command line."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from reclaim.config import new_field_key
from tests.conftest import _admin_url

SECRET = "k2Jf8sLq0ZxV7mN3pR6tY1wB4cE9gH5dA2sF7jK0lQ8uI3oP"


@pytest.fixture
def run(cli, any_db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RECLAIM_DATABASE_URL", any_db_url)
    monkeypatch.setenv("RECLAIM_SECRET_KEY", SECRET)
    monkeypatch.setenv("RECLAIM_FIELD_ENCRYPTION_KEY", FIELD_KEY)
    yield cli
    if any_db_url.startswith("postgresql"):  # databases a restore kept aside
        url = make_url(any_db_url)
        admin = _admin_url(url.set(database="postgres").render_as_string(hide_password=False))
        with psycopg.connect(admin, autocommit=True) as conn:
            kept = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (f"{url.database}_%",),
            ).fetchall()
            for (name,) in kept:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


FIELD_KEY = new_field_key()


def said(result) -> str:  # type: ignore[no-untyped-def]
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def _seed(run, n: int = 1, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, start + n):
        result = run("admin", "create-org", "--name", f"School {i}", "--kind", "school")
        assert result.exit_code == 0, result.output
        result = run(
            "admin", "create-user", "--org", f"School {i}", "--username", f"dsl{i}@school.example",
            "--role", "dsl", "--email", f"dsl{i}@school.example", "--password-stdin",
            stdin="tulip kettle river\n",
        )  # fmt: skip
        assert result.exit_code == 0, result.output


def _orgs(run) -> int:  # type: ignore[no-untyped-def]
    from reclaim.cli.common import database

    with database() as db, db.read_session() as session:
        from sqlalchemy import func, select

        from reclaim.accounts.models import Organisation

        return int(session.scalar(select(func.count(Organisation.id))) or 0)


def test_backup_then_restore_puts_back_exactly_what_was_backed_up(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("db", "upgrade").exit_code == 0
    _seed(run, 2)
    backup = tmp_path / "backup"
    made = run("backup", "create", str(backup))
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["audit"]["events"] > 0 and manifest["schema_revision"]
    assert set(manifest["files"]) >= {"index/state.json", "index/pdq.index"}
    for path in backup.rglob("*"):  # never the keys
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and FIELD_KEY.encode() not in data
    _seed(run, 1, start=2)  # after the backup: the restore takes it away
    monkeypatch.setenv("RECLAIM_ARGON2_MEMORY_KIB", "8192")
    restored = run("backup", "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "The backup checks out" in said(restored) and "Restored" in said(restored)
    reset = _orgs(run)
    assert reset == 2
    # The restore left its own trace at the end of the restored chain, which still verifies.
    from reclaim.audit.models import AuditEvent
    from reclaim.cli.common import database

    with database() as db, db.read_session() as session:
        from sqlalchemy import select

        newest = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert newest is not None and newest.action == "staff:backup:restored"
    assert newest.seq == manifest["audit"]["events"] + 1 and newest.actor.startswith("cli:")
    assert newest.detail and newest.detail["feed_position"] == manifest["feed_position"]
    verify = run("audit", "verify")
    assert verify.exit_code == 0 and "OK" in verify.output


def test_restore_refuses_a_changed_backup_and_replaces_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    _seed(run, 1)
    backup = tmp_path / "backup"
    assert run("backup", "create", str(backup)).exit_code == 0
    _seed(run, 1, start=1)
    name = json.loads((backup / "manifest.json").read_text())["file"]
    with (backup / name).open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00tampered\x00")
    result = run("backup", "restore", str(backup), "--yes")
    assert result.exit_code != 0 and "does not match its digest" in said(result)
    assert _orgs(run) == 2  # nothing replaced


def test_restore_refuses_a_backup_the_field_key_cannot_read(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("db", "upgrade")
    _seed(run, 1)
    backup = tmp_path / "backup"
    assert run("backup", "create", str(backup)).exit_code == 0
    _seed(run, 1, start=1)
    monkeypatch.setenv("RECLAIM_FIELD_ENCRYPTION_KEY", new_field_key())
    result = run("backup", "restore", str(backup), "--yes")
    assert result.exit_code != 0
    assert "does not decrypt" in said(result) and "nothing was replaced" in said(result)
    monkeypatch.setenv("RECLAIM_FIELD_ENCRYPTION_KEY", FIELD_KEY)
    assert _orgs(run) == 2


def test_serve_refuses_to_start_with_a_field_key_that_does_not_decrypt(  # type: ignore[no-untyped-def]
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("db", "upgrade")
    _seed(run, 1)
    monkeypatch.setenv("RECLAIM_FIELD_ENCRYPTION_KEY", new_field_key())
    result = run("serve", "--port", "1")
    assert result.exit_code == 2
    assert "does not decrypt the values stored in staff_user." in said(result)


def test_a_plain_copy_of_the_backup_file_is_a_consistent_database(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    _seed(run, 1)
    backup = tmp_path / "backup"
    assert run("backup", "create", str(backup), "--no-index").exit_code == 0
    manifest = json.loads((backup / "manifest.json").read_text())
    assert "index/state.json" not in manifest["files"]
    if manifest["dialect"] == "sqlite":
        with sqlite3.connect(backup / "reclaim.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert oct(os.stat(backup / "reclaim.db").st_mode & 0o777) == "0o600"
    else:
        assert manifest["tool"].startswith("pg_dump")
