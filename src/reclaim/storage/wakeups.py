"""Waking a background sender once the transaction that gave it work commits.

The outbox (news, alerts, notices) and the withdrawal webhooks each have a sender thread that
sleeps until there is something to send. A command that queues work calls
:meth:`Wakeup.after_commit` on its session; when that transaction commits, every sender
registered with :meth:`Wakeup.add` in this process is woken at once. A rollback wakes nobody.
One mechanism for every sender, so none of them polls faster than it needs to.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["Wakeup"]


class Wakeup:
    """A named wake-up signal: senders wait on their own ``threading.Event``."""

    _listening: ClassVar[bool] = False
    _all: ClassVar[list[Wakeup]] = []
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, name: str) -> None:
        self._key = f"reclaim_wake_{name}"
        self._events: set[threading.Event] = set()
        self._lock = threading.Lock()
        with Wakeup._guard:
            Wakeup._all.append(self)

    def add(self, wake: threading.Event) -> None:
        """Set ``wake`` whenever a transaction that asked for this wake-up commits."""
        with self._lock:
            self._events.add(wake)
        Wakeup._listen()

    def remove(self, wake: threading.Event) -> None:
        with self._lock:
            self._events.discard(wake)

    def after_commit(self, session: Session) -> None:
        """Wake this signal's senders once ``session``'s transaction commits."""
        session.info[self._key] = True

    def _fire(self, session: Session) -> None:
        if session.info.pop(self._key, False):
            with self._lock:
                events = list(self._events)
            for wake in events:
                wake.set()

    @classmethod
    def _listen(cls) -> None:
        with cls._guard:
            if not cls._listening:
                event.listen(Session, "after_commit", cls._after_commit)
                event.listen(Session, "after_rollback", cls._after_rollback)
                cls._listening = True

    @classmethod
    def _after_commit(cls, session: Session) -> None:
        for wakeup in list(cls._all):
            wakeup._fire(session)

    @classmethod
    def _after_rollback(cls, session: Session, *_: Any) -> None:
        for wakeup in list(cls._all):
            session.info.pop(wakeup._key, None)
