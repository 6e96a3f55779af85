"""`reclaim backup create` and `reclaim backup restore`: consistent backups that restore safely.

Heavy imports happen inside the commands, so `reclaim --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Back up and restore the database and the matching index.")


@app.command("create")
def create_command(
    path: Annotated[Path, typer.Argument(help="A new (or empty) directory for the backup.")],
    index: Annotated[
        bool, typer.Option(help="Include a matching index snapshot (servers start faster).")
    ] = True,
) -> None:
    """Write a consistent copy of the database (SQLite's online backup API, or pg_dump), a
    matching index snapshot and manifest.json (versions, digests, a MAC). Never any key:
    keep RECLAIM_SECRET_KEY and RECLAIM_FIELD_ENCRYPTION_KEY somewhere else."""
    import platform
    from importlib.metadata import version

    from reclaim.audit.recorder import AuditChainError, take_checkpoint
    from reclaim.bank.loading import load_matcher, snapshot_dir
    from reclaim.bank.match_changes import newest_change
    from reclaim.cli.common import database, fail, out
    from reclaim.storage.backup import BackupError, dump_database, write_manifest
    from reclaim.storage.encryption import field_cipher
    from reclaim.storage.instance import instance_id
    from reclaim.storage.migrations_runner import current_revision

    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise fail(f"{path} exists and is not an empty directory; give a new one.")
    with database() as db:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info: dict[str, Any] = {}
        try:
            if index:  # first, so its position is never ahead of the database copy
                matcher = load_matcher(db, snapshot_dir(db.settings.data_dir))
                with db.read_session() as session:
                    matcher.save(path / "index", session)
            with db.read_session() as session:
                try:
                    head = take_checkpoint(session)
                except AuditChainError as exc:
                    raise fail(f"Not backing up: {exc}") from None
                audit = {"events": head.seq, "head": head.hash}
                info.update(
                    database_instance=instance_id(session),
                    feed_position=newest_change(session),
                    audit=audit,
                )
            info.update(dump_database(db, path))
        except BackupError as exc:
            raise fail(str(exc)) from None
        info.update(
            reclaim_version=version("reclaim"),
            python=platform.python_version(),
            schema_revision=current_revision(db),
            field_key_id=field_cipher().key_id,
        )
        write_manifest(path, info, db.settings)
    out.print(
        f"Backed up to {path}: {info['dialect']} database (feed position "
        f"{info['feed_position']}, {info['audit']['events']} audit events)"
        + (", matching index" if index else "")
        + ". The keys are not in it: keep them apart."
    )


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="A directory written by `reclaim backup create`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing.")] = False,
) -> None:
    """Check a backup, then put it in place of the current database (stop servers first).

    Before anything is replaced: the manifest's MAC and every file's digest, the restored
    database's integrity, its audit chain, and that RECLAIM_FIELD_ENCRYPTION_KEY decrypts a
    sample of its encrypted fields. The database it replaces is kept under a new name."""
    from datetime import UTC, datetime

    from reclaim.audit.chain import Checkpoint
    from reclaim.audit.recorder import verify_chain
    from reclaim.bank.loading import snapshot_dir
    from reclaim.cli.common import err, fail, out, settings_or_exit
    from reclaim.storage.backup import (
        BackupError,
        discard,
        put_in_place,
        read_manifest,
        replace_directory,
        stage,
    )
    from reclaim.storage.field_keys import undecryptable
    from reclaim.storage.instance import instance_id
    from reclaim.storage.migrations_runner import current_revision, head_revision, known_revision

    settings = settings_or_exit()
    try:
        manifest = read_manifest(path, settings)
    except BackupError as exc:
        raise fail(f"Not restoring: {exc}") from None
    revision = manifest.get("schema_revision")
    if revision and not known_revision(revision):
        raise fail(
            f"Not restoring: the backup's schema ({revision}) is newer than this Reclaim; "
            "install the version that made it (manifest: reclaim_version)."
        )
    try:
        staged = stage(settings, path, manifest)
    except BackupError as exc:
        raise fail(f"Not restoring: {exc}") from None
    try:
        staged_db = staged.open()
        try:
            with staged_db.read_session() as session:
                audit = manifest.get("audit") or {}
                pins = (
                    [Checkpoint(int(audit["events"]), str(audit["head"]), datetime.now(UTC))]
                    if audit.get("events")
                    else []
                )
                verdict = verify_chain(session, pins)
                if not verdict.ok:
                    raise BackupError(f"the restored audit trail does not verify: {verdict}")
                problem = undecryptable(session)
                if problem:
                    raise BackupError(problem)
                if instance_id(session) != manifest.get("database_instance"):
                    raise BackupError(
                        "the database in the backup is not the one the manifest names"
                    )
            restored_revision = current_revision(staged_db)
        finally:
            staged_db.dispose()
    except BackupError as exc:
        discard(staged)
        raise fail(f"Not restoring (nothing was replaced): {exc}") from None
    except BaseException:
        discard(staged)
        raise
    out.print(
        f"The backup checks out: {verdict}; the field key decrypts it; feed position "
        f"{manifest.get('feed_position')}."
    )
    if not yes and not typer.confirm(
        "Replace the current database with it? (the current one is kept, renamed)"
    ):
        discard(staged)
        raise fail("Not restored.", 1)
    try:
        kept = put_in_place(staged)
    except BackupError as exc:
        discard(staged)
        raise fail(str(exc)) from None
    replace_directory(path / "index", snapshot_dir(settings.data_dir))
    _record_restore(path, manifest, kept)
    out.print(
        "Restored. "
        + (f"The database it replaced is kept as {kept}. " if kept else "")
        + "Servers started now discard any index snapshot newer than this database."
    )
    if restored_revision != head_revision():
        err.print("Run `reclaim db upgrade` before `reclaim serve`: the backup's schema is older.")


def _record_restore(path: Path, manifest: dict[str, Any], kept: str | None) -> None:
    """The restore's own event, the first in the restored chain after the backup's: who put
    which backup in place, and where the replaced database went. (The audit table is the same
    in every schema revision, so this works before `reclaim db upgrade` too.)"""
    from reclaim.audit.actions import StaffAction
    from reclaim.audit.recorder import record
    from reclaim.cli.common import database

    audit = manifest.get("audit") or {}
    with database() as db, db.session() as session:
        record(
            session,
            StaffAction.BACKUP_RESTORED,
            object_type="backup",
            detail={
                "backup": path.name,
                "reclaim_version": manifest.get("reclaim_version"),
                "feed_position": manifest.get("feed_position"),
                "events_in_backup": audit.get("events"),
                "schema_revision": manifest.get("schema_revision"),
                "replaced_database_kept_as": str(kept) if kept else None,
            },
        )
