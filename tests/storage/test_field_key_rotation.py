"""Rotating the field-encryption key: readers keep working throughout, a kill in the middle
loses nothing, and running the command again finishes the job. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from reclaim.accounts.models import StaffUser
from reclaim.accounts.passwords import Argon2Parameters, PasswordHasher
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.config import new_field_key
from reclaim.storage.database import Database
from reclaim.storage.encryption import FieldCipher, FieldKeyError, key_id
from reclaim.storage.field_keys import remaining, rotate, undecryptable
from reclaim.storage.migrations_runner import upgrade
from tests.conftest import make_settings

SECRET = "k2Jf8sLq0ZxV7mN3pR6tY1wB4cE9gH5dA2sF7jK0lQ8uI3oP"
USERS = 24


def _db(tmp_path: Path, url: str, key: str, previous: str = "") -> Database:
    return Database(
        make_settings(
            tmp_path,
            database_url=url,
            secret_key=SECRET,
            field_encryption_key=key,
            previous_field_encryption_keys=previous,
        )
    )


def _people(db: Database) -> dict[str, tuple[str | None, str | None]]:
    with db.read_session() as session:
        return {u.username: (u.display_name, u.email) for u in session.scalars(select(StaffUser))}


def _seed(db: Database) -> dict[str, tuple[str | None, str | None]]:
    hashing = PasswordHasher(Argon2Parameters(1, 8192, 1))
    with db.session() as session:
        org = create_organisation(session, "Hillside Academy", "school")
        for i in range(USERS):
            create_user(
                session, hashing, organisation=org, username=f"person{i}@school.example",
                password="tulip kettle river", role="dsl", display_name=f"Person {i}",
                email=f"person{i}@school.example",
            )  # fmt: skip
    return _people(db)


def test_cipher_reads_old_keys_and_legacy_values_and_writes_the_new_one() -> None:
    old, new = os.urandom(32), os.urandom(32)
    before = FieldCipher(old)
    stored = before.encrypt("Person 1", "staff_user.display_name")
    assert stored.startswith(f"v2.{key_id(old)}.")
    rotating = FieldCipher(new, [old])
    assert rotating.decrypt(stored, "staff_user.display_name") == "Person 1"
    assert not rotating.is_current(stored)
    assert rotating.is_current(rotating.encrypt("x", "c"))
    with pytest.raises(FieldKeyError):
        FieldCipher(new).decrypt(stored, "staff_user.display_name")
    # A value from before key ids ("v1."): every known key is tried.
    legacy = "v1." + stored.split(".", 2)[2]
    assert rotating.decrypt(legacy, "staff_user.display_name") == "Person 1"
    with pytest.raises(FieldKeyError):  # bound to its column
        rotating.decrypt(stored, "staff_user.email")


def test_rotation_survives_a_kill_and_resumes(any_db_url: str, tmp_path: Path) -> None:
    old_key, new_key = new_field_key(), new_field_key()
    db = _db(tmp_path, any_db_url, old_key)
    upgrade(db)
    original = _seed(db)
    db.dispose()

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")},
        "PYTHONPATH": str(Path.cwd() / "src"),
        "RECLAIM_DATA_DIR": str(tmp_path / "var"),
        "RECLAIM_DATABASE_URL": any_db_url,
        "RECLAIM_SECRET_KEY": SECRET,
        "RECLAIM_FIELD_ENCRYPTION_KEY": new_key,
        "RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS": old_key,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "reclaim.cli.main", "admin", "rotate-field-key",
         "--batch-size", "1", "--pause", "0.1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    reader = _db(tmp_path, any_db_url, new_key, old_key)  # a server during the rotation
    try:
        deadline = time.monotonic() + 60
        while True:
            with reader.read_session() as session:
                left = sum(remaining(session).values())
            if left <= USERS * 2 - 6 or process.poll() is not None:
                break
            assert time.monotonic() < deadline, "the rotation did not start"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        with reader.read_session() as session:
            left = sum(remaining(session).values())
        assert 0 < left < USERS * 2, "the kill was meant to land in the middle"
        # Readers with both keys see every value, half rotated or not.
        assert _people(reader) == original
        with reader.read_session() as session:
            assert undecryptable(session) is None

        # Run again: it carries on and finishes.
        result = rotate(reader, batch_size=7)
        assert 0 < result.total == left
        with reader.read_session() as session:
            assert remaining(session) == {}
    finally:
        if process.poll() is None:
            process.kill()
        reader.dispose()

    # The old key can go: the new one alone reads everything.
    only_new = _db(tmp_path, any_db_url, new_key)
    try:
        assert _people(only_new) == original
        with only_new.read_session() as session:
            assert undecryptable(session) is None
        assert rotate(only_new).total == 0  # nothing left to do
    finally:
        only_new.dispose()
    only_old = _db(tmp_path, any_db_url, old_key)
    try:
        with only_old.read_session() as session:
            assert "does not decrypt" in (undecryptable(session) or "")
    finally:
        only_old.dispose()


def test_the_command_says_when_it_is_done(
    cli, any_db_url: str, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    old_key, new_key = new_field_key(), new_field_key()
    db = _db(tmp_path, any_db_url, old_key)
    upgrade(db)
    _seed(db)
    db.dispose()
    monkeypatch.setenv("RECLAIM_DATABASE_URL", any_db_url)
    monkeypatch.setenv("RECLAIM_SECRET_KEY", SECRET)
    monkeypatch.setenv("RECLAIM_FIELD_ENCRYPTION_KEY", new_key)
    without_old = cli("admin", "rotate-field-key")
    assert without_old.exit_code == 1
    assert "RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS" in " ".join(without_old.output.split())
    monkeypatch.setenv("RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS", old_key)
    done = cli("admin", "rotate-field-key", "--batch-size", "10")
    assert done.exit_code == 0, done.output
    assert f"{USERS * 2} values re-encrypted" in " ".join(done.output.split())
    assert cli("audit", "verify").exit_code == 0
