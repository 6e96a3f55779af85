"""Every audit action a case writes, ``source:subject:action`` (one registry of names).

Events about a case are filed with ``object_type="case"`` and the case's row number as
``object_id``, whatever part of the case they touch (a child, a place, a referral ...); the
part's own number goes in the detail. So "the case's events" is one query, and an export can
list them with their chain hashes (see reclaim.cases.export).
"""

from __future__ import annotations

from enum import StrEnum


class CaseAction(StrEnum):
    # Written automatically by the row auditing (reclaim.audit.recorder) for Case rows.
    CREATED = "case:case:created"
    UPDATED = "case:case:updated"
    DELETED = "case:case:deleted"
    # Reads: every look at case data.
    VIEWED = "case:case:viewed"
    LISTED = "case:cases:listed"
    EXPORTED = "case:case:exported"
    # What people do on a case.
    OPENED = "case:case:opened"
    ASSIGNED = "case:case:assigned"
    CHILD_ADDED = "case:child:added"
    STEP_ANSWERED = "case:step:answered"
    MADE_URGENT = "case:case:made-urgent"
    EMERGENCY_CALL = "case:emergency-call:recorded"
    PLACE_ADDED = "case:place:added"
    PLACE_UPDATED = "case:place:updated"
    REFERRAL_ADDED = "case:referral:added"
    REFERRAL_UPDATED = "case:referral:updated"
    TASK_ADDED = "case:task:added"
    TASK_DONE = "case:task:done"
    ENTRY_ADDED = "case:entry:added"
    ENTRY_CORRECTED = "case:entry:corrected"
    DECISION_RECORDED = "case:decision:recorded"
    CLOSED = "case:case:closed"
    REOPENED = "case:case:reopened"
    LEGAL_HOLD_SET = "case:legal-hold:set"
    LEGAL_HOLD_LIFTED = "case:legal-hold:lifted"
    ERASED = "case:case:erased"
    PURGED = "case:case:purged"
    ON_CALL_ALERTED = "case:on-call:alerted"
    # The organisation's case settings.
    POLICY_CREATED = "case:policy:created"
    POLICY_UPDATED = "case:policy:updated"
    POLICY_DELETED = "case:policy:deleted"
    PATHWAYS_CHANGED = "case:pathways:changed"
    PATHWAYS_VIEWED = "case:pathways:viewed"
