"""Queueing news for a report, in the transaction of the change that makes it news.

What is news: a platform says it blocked one of the report's photos or videos (the first time
for each platform), and a link moving on (sent to the website, removed). Staff alerts and task
reminders use the same outbox (one row per staff member to tell; raised by
:mod:`reclaim.notify.alerts`, which builds on this module, never the reverse).
Withdrawing and deleting are not: the person did that themselves, on the page. Only reports
whose owner left a contact get rows; whether one exists is asked of the database, so the
contact itself is not decrypted here.

After a transaction that queued something commits, the senders in this process are woken.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from reclaim.notify.models import Notification
from reclaim.reports.models import Report, ReportHash

_WAKE = "reclaim_notify_wake"


class Reason(StrEnum):
    BLOCKED = "blocked"
    LINK = "link"
    URGENT = "urgent"  # an alert, for a staff member, not the young person
    REMINDER = "reminder"  # a task is due, for its owner


def _wants_news(session: Session, report_ids: Collection[int]) -> set[int]:
    """The reports among these that have a contact and still exist in full."""
    if not report_ids:
        return set()
    return set(
        session.scalars(
            select(Report.id).where(
                Report.id.in_(report_ids),
                Report.contact.is_not(None),
                Report.erased_at.is_(None),
            )
        )
    )


def wake_after_commit(session: Session) -> None:
    """Wake this process's senders once the session's transaction commits."""
    session.info[_WAKE] = True


def _add(session: Session, report_id: int, reason: Reason, organisation_id: int | None) -> None:
    session.add(
        Notification(report_id=report_id, reason=reason.value, organisation_id=organisation_id)
    )
    wake_after_commit(session)


def queue_link_news(session: Session, report_id: int) -> bool:
    """A link's status changed (sent to the website, or removed)."""
    if not _wants_news(session, [report_id]):
        return False
    _add(session, report_id, Reason.LINK, None)
    session.flush()
    return True


def queue_blocked_news(session: Session, item_ids: Collection[int], organisation_id: int) -> int:
    """A platform said Blocked for these items: news for each report holding one of them
    (and not withdrawn), unless this platform's blocks were news for that report already."""
    if not item_ids:
        return 0
    holders = set(
        session.scalars(
            select(ReportHash.report_id).where(
                ReportHash.item_id.in_(list(item_ids)), ReportHash.withdrawn_at.is_(None)
            )
        )
    )
    wanted = _wants_news(session, holders)
    if not wanted:
        return 0
    told = set(
        session.scalars(
            select(Notification.report_id).where(
                Notification.report_id.in_(wanted),
                Notification.reason == Reason.BLOCKED.value,
                Notification.organisation_id == organisation_id,
            )
        )
    )
    fresh = sorted(wanted - told)
    for report_id in fresh:
        _add(session, report_id, Reason.BLOCKED, organisation_id)
    session.flush()
    return len(fresh)


def forget(session: Session, report_id: int) -> int:
    """Erasure: every message for this report goes, sent or not."""
    result = session.execute(delete(Notification).where(Notification.report_id == report_id))
    return int(getattr(result, "rowcount", 0) or 0)


class ReportOutbox:
    """The outbox as the reports and takedown contexts need it
    (:class:`reclaim.reports.news.ReportNews`, :class:`reclaim.takedown.news.TakedownNews`):
    handed to the commands that make news, so that neither imports notify."""

    def queue_link_news(self, session: Session, report_id: int) -> bool:
        return queue_link_news(session, report_id)

    def forget(self, session: Session, report_id: int) -> int:
        return forget(session, report_id)

    def wake_after_commit(self, session: Session) -> None:
        wake_after_commit(session)


@dataclass(frozen=True, slots=True)
class NewsCounts:
    """What was sent to the person about one report, and what waits (staff see the counts,
    never the address)."""

    sent: int
    waiting: int


def news_counts(session: Session, report_id: int) -> NewsCounts:
    """Messages for this report sent and waiting (given-up ones are neither)."""
    counts: dict[bool, int] = {
        bool(sent): int(n)
        for sent, n in session.execute(
            select(Notification.sent_at.is_not(None), func.count())
            .where(Notification.report_id == report_id, Notification.failed_at.is_(None))
            .group_by(Notification.sent_at.is_not(None))
        )
    }
    return NewsCounts(sent=counts.get(True, 0), waiting=counts.get(False, 0))


# Waking the senders after commit ------------------------------------------------------------

_wakers: set[threading.Event] = set()
_lock = threading.Lock()
_installed = False


def add_waker(wake: threading.Event) -> None:
    """Set ``wake`` whenever a transaction that queued news commits (in this process)."""
    global _installed
    with _lock:
        _wakers.add(wake)
        if not _installed:
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_rollback", _after_rollback)
            _installed = True


def remove_waker(wake: threading.Event) -> None:
    with _lock:
        _wakers.discard(wake)


def _after_commit(session: Session) -> None:
    if session.info.pop(_WAKE, False):
        with _lock:
            wakers = list(_wakers)
        for wake in wakers:
            wake.set()


def _after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(_WAKE, None)
