"""Loading the matcher when a server process starts: snapshot first, then the newer changes."""

from __future__ import annotations

import gc
import logging
import threading
import time
from pathlib import Path

from sqlalchemy.orm import Session

from reclaim.bank.match_changes import change_fingerprint, newest_change
from reclaim.bank.matcher import SETTLE_AFTER_CHANGES, Matcher, settle_heap
from reclaim.matching import SnapshotError, warm_up
from reclaim.storage.database import Database
from reclaim.storage.instance import instance_id

log = logging.getLogger("reclaim.bank")


def snapshot_dir(data_dir: Path) -> Path:
    return data_dir / "index"


def foreign_snapshot(session: Session, matcher: Matcher) -> str | None:
    """Why a loaded snapshot does not belong to this database as it is now (None: it does).

    A snapshot holds the database's state at one feed position. Used with another database,
    or with this one restored from a backup older than the snapshot, it would match hashes the
    database no longer holds, and miss the reports and withdrawals made since the restore
    (they take feed positions the snapshot believes it has already applied).
    """
    origin = matcher.origin
    if origin is None:
        return "it does not say which database it was taken from"
    here = instance_id(session)
    if here is None or origin.instance != here:
        return (
            f"it was taken from another database (instance {origin.instance[:12] or 'unknown'}, "
            f"this one is {(here or 'unknown')[:12]})"
        )
    newest = newest_change(session)
    if origin.position > newest:
        return (
            f"it is ahead of the database (feed position {origin.position}, the database is at "
            f"{newest}): the database was restored from an older backup"
        )
    if origin.head is not None:
        here_now = change_fingerprint(session, origin.position)
        if here_now is not None and here_now != origin.head:
            return (
                f"the change at feed position {origin.position} is not the one the snapshot "
                "saw: the database was restored from an older backup and has changed since"
            )
    return None


def load_matcher(db: Database, directory: Path) -> Matcher:
    """A ready matcher: from the snapshot in ``directory`` if there is a usable one that belongs
    to this database, then brought up to date from the database (a missing, unusable or
    foreign snapshot means a full build, with a log line saying why)."""
    started = time.perf_counter()
    source = "database"
    matcher = Matcher()
    if (directory / "state.json").exists():
        try:
            matcher = Matcher.load(directory)
            source = "snapshot"
        except SnapshotError as exc:
            log.warning("index snapshot not used", extra={"reason": str(exc)})
    backend = db.settings.match_backend
    if backend != "local":  # the PDQ index sharded over Dask workers (docs/scale.md)
        from reclaim.scale.sharded import DaskPdqIndex

        snapshot = directory / "pdq.index" if source == "snapshot" else None
        matcher.use_pdq_index(DaskPdqIndex.from_backend(backend, snapshot))
        source += f" + {backend}"
    with db.read_session() as session:
        if source == "snapshot":
            reason = foreign_snapshot(session, matcher)
            if reason is not None:
                log.warning(
                    "index snapshot discarded, rebuilding from the database",
                    extra={"reason": reason, "snapshot": str(directory)},
                )
                matcher, source = Matcher(), "database"
        changed = matcher.sync(session)
    matcher.ready = True
    log.info(
        "index loaded",
        extra={
            "source": source,
            "items": matcher.size,
            "applied_changes": changed,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return matcher


class MatcherLoader:
    """Loads in a background thread so the process answers /healthz at once."""

    def __init__(self, db: Database, directory: Path, *, settle: bool = False) -> None:
        """``settle``: freeze the loaded index out of the garbage collector's reach, and
        again after each large catch-up (:func:`settle_heap`; the server's setting
        ``gc_freeze``)."""
        self.db, self.directory, self.settle = db, directory, settle
        self.matcher = Matcher()
        self.error: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="reclaim-index-loader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            matcher = load_matcher(self.db, self.directory)
            warm_up()  # compile or load the search kernels now, not on the first request
            if self.settle:  # the index, modules and kernels live as long as the process
                gc.collect()  # not ready yet: a last full collection costs no request anything
                settle_heap()
                matcher.settle_after = SETTLE_AFTER_CHANGES
            self.matcher = matcher
        except Exception as exc:  # reported by /readyz; the process stays up to say so
            self.error = type(exc).__name__
            log.error("index failed to load", exc_info=exc)

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def readiness(self) -> tuple[bool, str]:
        if self.error:
            return False, f"index failed to load ({self.error}); see the logs"
        if not self.matcher.ready:
            return False, "index loading"
        return True, f"ok ({self.matcher.size} items)"
