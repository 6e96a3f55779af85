"""Backups of the database: consistent copies, a manifest with digests, staged restores.

A plain file copy of a live SQLite database is not a backup: committed transactions can sit in
the ``-wal`` file, and a copy taken while a writer checkpoints is torn (docs/operations.md).
SQLite is copied with its online backup API (a consistent snapshot while servers keep writing),
PostgreSQL with ``pg_dump`` (one repeatable-read snapshot). A restore is first made beside the
live database and checked there; only then does it take the live database's place, and the
database it replaces is kept, renamed, not deleted.

This module knows files and databases; what is checked inside a restored database (the audit
chain, the field key, the index snapshot) is decided by the ``reclaim backup`` command.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

from reclaim.config import Settings
from reclaim.storage.database import Database, normalise_url

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
SQLITE_FILE = "reclaim.db"
POSTGRES_FILE = "database.pgdump"


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _manifest_key(secret: bytes) -> bytes:
    return hmac.new(secret, b"reclaim/backup-manifest/v1", hashlib.sha256).digest()


def _mac(body: dict[str, Any], secret: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_manifest_key(secret), canonical, hashlib.sha256).hexdigest()


def file_entries(directory: Path) -> dict[str, dict[str, Any]]:
    """Every file under ``directory`` but the manifest: size and SHA-256."""
    entries = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            name = path.relative_to(directory).as_posix()
            entries[name] = {"bytes": path.stat().st_size, "sha256": _digest(path)}
    return entries


def write_manifest(directory: Path, info: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Write ``manifest.json``: ``info``, every file's digest, and a MAC under a key derived
    from the secret key (so an edited manifest is refused). No key is ever written."""
    body = {"format": MANIFEST_FORMAT, **info, "files": file_entries(directory)}
    document = {**body, "mac": _mac(body, settings.secret_key_bytes())}
    temporary = directory / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, directory / MANIFEST)
    return document


def read_manifest(directory: Path, settings: Settings) -> dict[str, Any]:
    """The manifest, after checking its MAC and every file's size and digest."""
    try:
        document = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{directory} has no {MANIFEST}: it is not a Reclaim backup.") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{directory / MANIFEST} cannot be read ({exc}).") from None
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{directory / MANIFEST}: unknown manifest format.")
    body = {k: v for k, v in document.items() if k != "mac"}
    secrets_ = [settings.secret_key_bytes(), *settings.previous_secret_key_bytes()]
    if not any(hmac.compare_digest(str(document.get("mac", "")), _mac(body, s)) for s in secrets_):
        raise BackupError(
            "The manifest's MAC does not verify: it was changed after the backup was made, or "
            "this installation's RECLAIM_SECRET_KEY is not the one that made it (put the old "
            "value in RECLAIM_PREVIOUS_SECRET_KEYS)."
        )
    files = document.get("files") or {}
    present = file_entries(directory)
    for name, expected in files.items():
        found = present.get(name)
        if found is None:
            raise BackupError(f"{name} is missing from the backup.")
        if found != expected:
            raise BackupError(f"{name} does not match its digest in the manifest: it changed.")
    return document


# --- SQLite -------------------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def sqlite_integrity(path: Path) -> str | None:
    """None if ``PRAGMA integrity_check`` passes, else what it said."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    said = "; ".join(str(r[0]) for r in rows)
    return None if said == "ok" else said


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's online backup API: consistent while others write."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=4096, sleep=0.005)
    finally:
        dst.close()
        src.close()


# --- PostgreSQL ---------------------------------------------------------------------------


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv, no shell)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools "
            "(the same major version as the server)."
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _tool_version(tool: str) -> str:
    try:
        done = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        return "missing"
    return done.stdout.strip()


def _admin(url: URL) -> psycopg.Connection[Any]:
    """A connection to the server's maintenance database, for CREATE/ALTER DATABASE."""
    libpq, env = _libpq(url.set(database="postgres"))
    return psycopg.connect(libpq, password=env.get("PGPASSWORD"), autocommit=True)


# --- Both ---------------------------------------------------------------------------------


def dump_database(db: Database, target: Path) -> dict[str, Any]:
    """Write a consistent copy of the database into ``target``; returns the manifest's
    description of it (dialect, file, tool)."""
    url = make_url(db.url)
    if db.dialect == "sqlite":
        _sqlite_copy(sqlite_path(db.url), target / SQLITE_FILE)
        problem = sqlite_integrity(target / SQLITE_FILE)
        if problem:
            raise BackupError(f"The copy failed SQLite's integrity check: {problem}")
        return {
            "dialect": "sqlite",
            "file": SQLITE_FILE,
            "tool": f"sqlite {sqlite3.sqlite_version}",
        }
    libpq, env = _libpq(url)
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target / POSTGRES_FILE}",
            f"--dbname={libpq}",
        ],
        env,
    )
    os.chmod(target / POSTGRES_FILE, 0o600)
    return {"dialect": "postgresql", "file": POSTGRES_FILE, "tool": _tool_version("pg_dump")}


@dataclass(slots=True)
class Staged:
    """A restored copy beside the live database, not yet in its place."""

    settings: Settings  # settings pointing at the staged copy
    live_url: str
    staged_url: str

    def open(self) -> Database:
        return Database(self.settings)


def stage(settings: Settings, backup: Path, manifest: dict[str, Any]) -> Staged:
    """Restore the backup's database beside the live one (nothing live is touched)."""
    live = normalise_url(settings.resolved_database_url)
    dialect = "sqlite" if live.startswith("sqlite") else "postgresql"
    if manifest.get("dialect") != dialect:
        raise BackupError(
            f"The backup is of a {manifest.get('dialect')} database and this installation uses "
            f"{dialect}; restore it with the same kind of database."
        )
    stamp = time.strftime("%Y%m%d%H%M%S")
    if dialect == "sqlite":
        target = sqlite_path(live)
        staged = target.with_name(f"{target.name}.restoring-{stamp}")
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _sqlite_copy(backup / SQLITE_FILE, staged)
        problem = sqlite_integrity(staged)
        if problem:
            staged.unlink()
            raise BackupError(f"The backup's database fails SQLite's integrity check: {problem}")
        staged_url = f"sqlite:///{staged}"
    else:
        url = make_url(live)
        name = f"{url.database}_restoring_{stamp}"
        with _admin(url) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        staged_url = url.set(database=name).render_as_string(hide_password=False)
        libpq, env = _libpq(make_url(staged_url))
        try:
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={libpq}",
                    str(backup / POSTGRES_FILE),
                ],
                env,
            )
        except BackupError:
            discard(Staged(settings, live, staged_url))
            raise
    return Staged(settings.model_copy(update={"database_url": staged_url}), live, staged_url)


def discard(staged: Staged) -> None:
    """Remove a staged copy that was not put in place."""
    if staged.staged_url.startswith("sqlite"):
        path = sqlite_path(staged.staged_url)
        for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            extra.unlink(missing_ok=True)
        return
    url = make_url(staged.staged_url)
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def put_in_place(staged: Staged) -> str:
    """Make the staged copy the live database; the one it replaces is kept under a new name,
    which is returned. Servers must be stopped (PostgreSQL refuses while they are connected)."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    if staged.live_url.startswith("sqlite"):
        live = sqlite_path(staged.live_url)
        copy = sqlite_path(staged.staged_url)
        kept = live.with_name(f"{live.name}.before-restore-{stamp}")
        if live.exists():
            # The -wal holds committed transactions: it moves with its database.
            for suffix in ("", "-wal", "-shm"):
                old = Path(f"{live}{suffix}")
                if old.exists():
                    os.replace(old, Path(f"{kept}{suffix}"))
        for suffix in ("-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        os.replace(copy, live)
        return str(kept)
    live_url, copy_url = make_url(staged.live_url), make_url(staged.staged_url)
    kept_name = f"{live_url.database}_before_restore_{stamp}"
    with _admin(live_url) as admin:
        try:
            admin.execute(f'ALTER DATABASE "{live_url.database}" RENAME TO "{kept_name}"')
        except psycopg.errors.ObjectInUse:
            raise BackupError(
                "The live database is in use: stop every Reclaim server (and other clients), "
                "then run the restore again. Nothing was replaced."
            ) from None
        except psycopg.errors.InvalidCatalogName:
            kept_name = ""
        admin.execute(f'ALTER DATABASE "{copy_url.database}" RENAME TO "{live_url.database}"')
    return kept_name


def replace_directory(source: Path, target: Path) -> None:
    """Put a copy of ``source`` at ``target`` (removing what was there); no-op if no source."""
    if target.exists():
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target)
