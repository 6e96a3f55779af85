"""What the takedown context needs from whoever tells young people there is news.

The outbox lives in :mod:`reclaim.notify`, which sits above reports, which sit above takedown;
so takedown never imports notify (no cycle). A move takes a :class:`LinkNews`; a notice, which
may go by email, a :class:`TakedownNews` (the app passes :class:`reclaim.notify.ReportOutbox`
for both).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session


class LinkNews(Protocol):
    def queue_link_news(self, session: Session, report_id: int) -> bool:
        """A link moved on (notice sent, removed): news, if they asked for it."""
        ...


class TakedownNews(LinkNews, Protocol):
    def wake_after_commit(self, session: Session) -> None:
        """Something to send was written (an email notice): wake the senders after commit."""
        ...
