"""Audit action names of the takedown context, ``source:subject:action``."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TakedownAction"]


class TakedownAction(StrEnum):
    PLACE_RECORDED = "system:place:recorded"  # a new place, from a report, a case or an import
    PLACE_SOURCE_ADDED = "system:place:source-added"  # the same place, reported again
    PLACE_MOVED = "staff:place:moved"  # a status change, with who, when and why
    PLACE_ASSIGNED = "staff:place:assigned"
    PLACE_ESCALATED = "system:place:escalated"  # a notice passed its deadline
    PLACE_ERASED = "public:place:erased"  # its only report was deleted
    QUEUE_VIEWED = "staff:takedown:queue-viewed"
    PLACE_VIEWED = "staff:place:viewed"
    NOTICE_RECORDED = "staff:notice:recorded"  # sent through the site's own form, or a hotline
    NOTICE_QUEUED = "staff:notice:queued"  # an email, sent by the outbox after commit
    NOTICE_SENT = "system:notice:sent"
    NOTICE_GIVEN_UP = "system:notice:given-up"
    IMPORTED = "staff:takedown:imported"
    FIGURES_VIEWED = "staff:takedown:figures-viewed"
    LIVENESS_CHECKED = "system:place:liveness-checked"
