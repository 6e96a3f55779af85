"""What the reports context needs from whoever tells young people there is news.

The outbox lives in :mod:`reclaim.notify`, which reads reports to find who asked for news; so
reports never import notify (no cycle). Commands that make news take a :class:`ReportNews`
(the app passes :class:`reclaim.notify.ReportOutbox`).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session


class ReportNews(Protocol):
    def queue_link_news(self, session: Session, report_id: int) -> bool:
        """A link moved on (sent to the website, removed): news, if they asked for it."""
        ...

    def forget(self, session: Session, report_id: int) -> int:
        """Erasure: every message for this report goes, sent or not."""
        ...
