"""Telling a young person there is news about their report, by email, when they asked for it;
and alerting staff to an urgent report. What routes and the CLI may use is listed here."""

from reclaim.notify.mail import looks_like_email
from reclaim.notify.outbox import (
    NewsCounts,
    ReportOutbox,
    news_counts,
    queue_blocked_news,
    queue_staff_alerts,
)
from reclaim.notify.sender import NotificationSender, NotificationsOff, Notifier

__all__ = [
    "NewsCounts",
    "NotificationSender",
    "NotificationsOff",
    "Notifier",
    "ReportOutbox",
    "looks_like_email",
    "news_counts",
    "queue_blocked_news",
    "queue_staff_alerts",
]
