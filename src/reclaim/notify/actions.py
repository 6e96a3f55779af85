"""Audit action names of the notify context, ``source:subject:action``."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["NotifyAction"]


class NotifyAction(StrEnum):
    ALERT_RAISED = "system:alert:raised"
    ALERT_ESCALATED = "system:alert:escalated"
    ALERT_ACKNOWLEDGED = "staff:alert:acknowledged"
    ONCALL_CHANGED = "staff:oncall:changed"
    PUSH_SUBSCRIBED = "staff:push:subscribed"
    PUSH_UNSUBSCRIBED = "staff:push:unsubscribed"
    PUSH_GONE = "system:push:subscription-gone"
    REMINDER_SET = "system:reminder:set"
    REMINDER_QUEUED = "system:reminder:queued"
