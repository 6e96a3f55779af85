"""Telling a young person there is news about their report, by email, when they asked for it;
alerting staff (on-call lists, acknowledgement and escalation, web push) and task reminders.
What routes and the CLI may use is listed here."""

from reclaim.notify.alerts import (
    AlertError,
    AlertKind,
    AlertView,
    OnCallEntry,
    acknowledge,
    acknowledge_subject,
    cancel_reminders,
    oncall_list,
    open_alerts,
    open_alerts_count,
    push_subscriptions_of,
    queue_staff_alerts,
    raise_alert,
    remind,
    set_oncall,
    staff_told_about_report,
    subscribe_push,
    unsubscribe_push,
)
from reclaim.notify.mail import looks_like_email
from reclaim.notify.outbox import (
    NewsCounts,
    ReportOutbox,
    news_counts,
    queue_blocked_news,
)
from reclaim.notify.sender import NotificationSender, NotificationsOff, Notifier

__all__ = [
    "AlertError",
    "AlertKind",
    "AlertView",
    "NewsCounts",
    "NotificationSender",
    "NotificationsOff",
    "Notifier",
    "OnCallEntry",
    "ReportOutbox",
    "acknowledge",
    "acknowledge_subject",
    "cancel_reminders",
    "looks_like_email",
    "news_counts",
    "oncall_list",
    "open_alerts",
    "open_alerts_count",
    "push_subscriptions_of",
    "queue_blocked_news",
    "queue_staff_alerts",
    "raise_alert",
    "remind",
    "set_oncall",
    "staff_told_about_report",
    "subscribe_push",
    "unsubscribe_push",
]
