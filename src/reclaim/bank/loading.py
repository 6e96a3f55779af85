"""Loading the matcher when a server process starts: snapshot first, then the newer changes."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from reclaim.bank.matcher import Matcher
from reclaim.matching import SnapshotError, warm_up
from reclaim.storage.database import Database

log = logging.getLogger("reclaim.bank")


def snapshot_dir(data_dir: Path) -> Path:
    return data_dir / "index"


def load_matcher(db: Database, directory: Path) -> Matcher:
    """A ready matcher: from the snapshot in ``directory`` if there is a usable one, then
    brought up to date from the database (a missing or unusable snapshot means a full build)."""
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

    def __init__(self, db: Database, directory: Path) -> None:
        self.db, self.directory = db, directory
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
