"""Matching signals against the active hash lists, in memory, kept in step with the database.

Each process holds one :class:`Matcher`, made of three parts: reading the changes from the
database (``match_changes``), the tables searches read (``match_state``), and snapshots
(``match_snapshot``). Before answering, a request calls :meth:`Matcher.sync`: it applies every
change whose feed position is newer than the last one applied (one indexed query when nothing
changed), so a withdrawal stops matching on the very next request in every process, with no
rebuild. Searches take no lock and run concurrently with each other and with a sync; syncs and
snapshots take turns on one lock.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Sequence
from pathlib import Path
from threading import Lock

from sqlalchemy.orm import Session

from reclaim.bank.match_changes import change_fingerprint, newest_change, read_changes
from reclaim.bank.match_snapshot import (
    SNAPSHOT_FORMAT,
    SnapshotOrigin,
    load_state,
    read_origin,
    save_state,
)
from reclaim.bank.match_state import Match, MatchState, pdq_bytes
from reclaim.bank.signals import Signal
from reclaim.storage.instance import instance_id

PdqIndexLike = object  # anything with PdqIndex's search / add / remove / save

__all__ = ["SNAPSHOT_FORMAT", "Match", "Matcher", "SnapshotOrigin", "pdq_bytes"]

log = logging.getLogger("reclaim.bank")

#: A catch-up that applies at least this many changes settles the heap (:func:`settle_heap`).
SETTLE_AFTER_CHANGES = 10_000


def settle_heap() -> None:
    """Take every object alive now out of the cyclic garbage collector's reach.

    The index's entries are a few Python objects per item, alive for the life of the process.
    Left to the collector, each full collection walks all of them while holding the GIL: 200
    ms with 100,000 items, seconds with a million, during which no request in the process
    moves (the soak saw a 207 ms full collection shed 18 matches). ``gc.freeze`` moves them to
    a generation the collector never scans (CPython's advice for long-lived servers); they are
    still freed by reference counting when an item is withdrawn. Objects made later are
    collected as usual.
    """
    gc.freeze()


class Matcher:
    def __init__(self, state: MatchState | None = None) -> None:
        self._writer = Lock()  # one sync or snapshot at a time; searches never take it
        self._state = state or MatchState()
        self.ready = False  # set once the first load (snapshot and/or database) is done
        self.origin: SnapshotOrigin | None = None  # where a loaded snapshot came from
        #: A catch-up of at least this many changes ends with :func:`settle_heap` (None: never;
        #: the server's loader sets it when ``gc_freeze`` is on).
        self.settle_after: int | None = None

    @property
    def applied_seq(self) -> int:
        return self._state.applied_seq

    @property
    def size(self) -> int:
        return len(self._state.items)

    def sync(self, session: Session) -> int:
        """Apply every change newer than the last applied; returns how many items changed.

        When it returns, every change up to the newest the session sees is in place (applied
        by this call, or by the one it waited for), so any search started after it sees them.
        """
        newest = newest_change(session)
        if newest == self._state.applied_seq:
            return 0
        with self._writer:
            if newest < self._state.applied_seq:
                # The database is behind what this process applied: it was restored from a
                # backup underneath a running server. Nothing applied since that backup can be
                # trusted (hashes it no longer holds, withdrawals it will number again): start
                # again from the database.
                log.warning(
                    "index rebuilt: the database went back in time",
                    extra={"applied_seq": self._state.applied_seq, "database_seq": newest},
                )
                self._state = MatchState()
            elif newest == self._state.applied_seq:  # applied while this call waited
                return 0
            batch = read_changes(session, self._state.applied_seq)
            self._state.apply(batch)
            if self.settle_after is not None and len(batch.changes) >= self.settle_after:
                settle_heap()
            return len(batch.changes)

    def use_pdq_index(self, index: PdqIndexLike) -> None:
        """Search and update ``index`` (e.g. one sharded over Dask) instead of the in-process
        PDQ index; call before the first sync."""
        with self._writer:
            self._state.index = index  # type: ignore[assignment]

    def match(
        self, signals: Sequence[Signal], variants: Sequence[Sequence[str]] = ()
    ) -> list[list[Match]]:
        """For each signal, every active item it matches, nearest first.

        ``variants`` (optional, per signal) are the 8 dihedral PDQ hashes of the same picture
        (rotations and mirror images), as ``reclaim hash --dihedral`` prints them.
        """
        return self._state.match(signals, variants)

    def save(self, directory: Path, session: Session) -> Path:
        """Write the state to ``directory`` (PDQ index snapshot + a JSON sidecar), atomically,
        with its origin: this database's id (read with ``session``) and the position applied."""
        with self._writer:
            position = self._state.applied_seq
            origin = SnapshotOrigin(
                instance_id(session) or "",
                position,
                change_fingerprint(session, position) if position else None,
            )
            return save_state(self._state, directory, origin)

    @classmethod
    def load(cls, directory: Path) -> Matcher:
        """Open a saved state; raises :class:`SnapshotError` if it is missing or unusable."""
        origin = read_origin(directory)
        matcher = cls(load_state(directory))
        matcher.origin = origin
        return matcher
