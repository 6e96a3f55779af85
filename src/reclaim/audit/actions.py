"""Every audit action Reclaim records, one enum per source, ``source:subject:action`` (as
pypi/warehouse's ``EventTag``). :func:`reclaim.audit.recorder.record` takes only these (typed,
and checked at run time); ``docs/audit-actions.md`` lists each with its meaning (made by
:mod:`reclaim.audit.action_docs`), and ``tests/unit/audit/test_actions.py`` keeps the two in
step and finds any other action name in ``src/``.

The meaning of each action is its member's comment: one line, written for an auditor.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from reclaim.audit.chain import ANCHOR_ACTION


class StaffAction(StrEnum):
    """Source ``staff``: a staff member signing in and out, and reading the audit trail."""

    STAFF_LOGIN_SUCCEEDED = "staff:session:login"  # signed in with the right password
    STAFF_LOGIN_FAILED = "staff:session:login-failed"  # a wrong password for an existing account
    STAFF_LOGIN_LOCKED = "staff:session:locked-out"  # sign-in paused after too many failures
    STAFF_MFA_SUCCEEDED = "staff:session:mfa-passed"  # the second factor was accepted
    STAFF_MFA_FAILED = "staff:session:mfa-failed"  # a wrong authenticator or recovery code
    STAFF_RECOVERY_CODE_USED = "staff:session:recovery-code-used"  # a recovery code was spent
    STAFF_LOGOUT = "staff:session:logout"  # signed out
    STAFF_SESSION_EXPIRED = "staff:session:expired"  # a session ended by its idle/absolute limit
    STAFF_TOTP_ENROLLED = "staff:user:totp-enrolled"  # set up an authenticator app
    REPORTS_LISTED = "staff:reports:listed"  # opened the dashboard's list of reports (count)
    AUDIT_VIEWED = "staff:audit:viewed"  # opened the audit viewer (with its filters)
    AUDIT_VERIFIED = "staff:audit:verified"  # the operator checked the chain
    AUDIT_CHECKPOINTED = "staff:audit:checkpointed"  # the operator took a signed checkpoint
    AUDIT_CHAIN_ANCHORED = ANCHOR_ACTION  # the chain moved to the current key (after a rotation)
    BACKUP_RESTORED = "staff:backup:restored"  # the operator put a backup in place (its manifest)
    ALERT_ACKNOWLEDGED = "staff:alert:acknowledged"  # acknowledged an alert (it stops escalating)
    ONCALL_CHANGED = "staff:oncall:changed"  # set the organisation's on-call list (its order)
    PUSH_SUBSCRIBED = "staff:push:subscribed"  # a browser subscribed to web push alerts
    PUSH_UNSUBSCRIBED = "staff:push:unsubscribed"  # stopped web push alerts on a browser
    SHARE_CODE_REGENERATED = "staff:share-code:regenerated"  # a new share code; the old one ends
    PLACE_MOVED = "staff:place:moved"  # moved a takedown link's status (who, when, why)
    PLACE_ASSIGNED = "staff:place:assigned"  # gave a takedown link to an analyst (or nobody)
    TAKEDOWN_QUEUE_VIEWED = "staff:takedown:queue-viewed"  # opened the takedown queue (filters)
    PLACE_VIEWED = "staff:place:viewed"  # opened a link's takedown record
    NOTICE_RECORDED = "staff:notice:recorded"  # a notice sent by a host's form or hotline
    NOTICE_QUEUED = "staff:notice:queued"  # wrote a notice to email to a host (sent after commit)
    TAKEDOWN_IMPORTED = "staff:takedown:imported"  # imported links into the takedown queue (counts)
    TAKEDOWN_FIGURES_VIEWED = "staff:takedown:figures-viewed"  # opened or downloaded the figures
    WEBHOOK_SET = "staff:api-key:webhook-set"  # a key's withdrawal webhook set (host), new secret
    WEBHOOK_REMOVED = "staff:api-key:webhook-removed"  # a key's withdrawal webhook stopped


#: The name the staff enum had when it was the only one (the CLI uses it).
AuditAction = StaffAction


class PublicAction(StrEnum):
    """Source ``public``: what a young person did with their report (no account)."""

    REPORT_MADE = "public:report:made"  # a report was made (counts of files and links)
    REPORT_VIEWED = "public:report:viewed"  # opened with the right reference and PIN
    REPORT_WITHDRAWN = "public:report:withdrawn"  # withdrew some or all of its hashes
    REPORT_ERASED = "public:report:erased"  # deleted everything (the trail is redacted)
    PIN_LOCKED = "public:report:pin-locked"  # checking the reference paused after wrong PINs
    REPORT_SHARED = "public:report:shared"  # shared the report with an organisation's code
    SHARING_STOPPED = "public:report:sharing-stopped"  # stopped sharing with an organisation
    PLACE_ERASED = "public:place:erased"  # a link's only report was deleted: its record is blanked


class CaseAction(StrEnum):
    """Source ``case``: staff reading or handling a young person's report, and safeguarding
    cases (:mod:`reclaim.cases`; filed with ``object_type="case"`` and the case's row number,
    whatever part of the case they touch, the part's own number in the detail)."""

    REPORT_VIEWED = "case:report:viewed"  # a staff member opened the report
    URGENT_SEEN = "case:report:urgent-seen"  # marked an urgent report seen (it stays urgent)
    LINK_MOVED = "case:url:status-changed"  # moved a link along (sent, removed)
    SHARED_LISTED = "case:shared-reports:listed"  # opened the reports shared with them (count)
    SHARED_VIEWED = "case:shared-report:viewed"  # opened a report a young person shared
    VIEWED = "case:case:viewed"  # opened a safeguarding case (its page, review or summary)
    LISTED = "case:cases:listed"  # opened a list of cases or of their tasks (count)
    EXPORTED = "case:case:exported"  # exported a case's chronology (PDF or CSV)
    OPENED = "case:case:opened"  # opened a safeguarding case (where the concern came from)
    ASSIGNED = "case:case:assigned"  # gave a case to a colleague, or to nobody
    CHILD_ADDED = "case:child:added"  # added a child involved, with their role
    STEP_ANSWERED = "case:step:answered"  # answered a step of the initial review
    MADE_URGENT = "case:case:made-urgent"  # a review answer called for an immediate referral
    ON_CALL_ALERTED = "case:on-call:alerted"  # an urgent case raised an on-call alert (its id)
    EMERGENCY_CALL = "case:emergency-call:recorded"  # recorded who called 999, and when
    PLACE_ADDED = "case:place:added"  # recorded where the image is or who has it
    PLACE_UPDATED = "case:place:updated"  # recorded what was done about a place, its status
    TAKEDOWN_PLACE_ERASED = "case:takedown-place:erased"  # a deleted case's own link: blanked
    REFERRAL_ADDED = "case:referral:added"  # recorded a referral to an agency
    REFERRAL_UPDATED = "case:referral:updated"  # a referral's outcome, reference or follow-up
    TASK_ADDED = "case:task:added"  # added a task (owner, due time)
    TASK_MOVED = "case:task:moved"  # moved a task's due time
    TASK_DONE = "case:task:done"  # marked a task done
    TASK_HANDED_OVER = "case:task:handed-over"  # gave an open task to another owner
    REPORT_LINKED = "case:report:linked"  # linked a report a young person shared (its share)
    REPORT_UNLINKED = "case:report:unlinked"  # took the shared report's link off a case
    ENTRY_ADDED = "case:entry:added"  # wrote a note (or Reclaim an event) in the chronology
    ENTRY_CORRECTED = "case:entry:corrected"  # corrected a chronology entry (a new entry)
    DECISION_RECORDED = "case:decision:recorded"  # recorded a decision and its rationale
    CLOSED = "case:case:closed"  # closed a case, with the rationale
    REOPENED = "case:case:reopened"  # reopened a closed case, with the reason
    LEGAL_HOLD_SET = "case:legal-hold:set"  # put a case on legal hold (nothing deletes it)
    LEGAL_HOLD_LIFTED = "case:legal-hold:lifted"  # lifted a case's legal hold
    ERASED = "case:case:erased"  # deleted a case on request (its events are redacted)
    PURGED = "case:case:purged"  # deleted a closed case past retention (events redacted)
    PATHWAYS_CHANGED = "case:pathways:changed"  # changed the organisation's local pathways
    PLAN_VIEWED = "case:safety-plan:viewed"  # opened a child's safety plan (a version of it)
    PLAN_COPY_VIEWED = "case:safety-plan:copy-viewed"  # opened the child's printable copy
    PLAN_SAVED = "case:safety-plan:saved"  # made or changed a child's safety plan (a new version)
    PLAN_CONSENT_GIVEN = "case:safety-plan:consent-given"  # the child agreed to see it online
    PLAN_CONSENT_WITHDRAWN = "case:safety-plan:consent-withdrawn"  # off their status page again
    NO_PLAN_REASON = "case:safety-plan:reason-recorded"  # why a child has no safety plan yet
    PLAN_SHOWN = "case:safety-plan:shown"  # the child's status page showed their plan
    PLAN_ACTION_ADDED = "case:plan-action:added"  # added an action to the multi-agency plan
    PLAN_ACTION_UPDATED = "case:plan-action:updated"  # an action's status, due date or owner
    PLAN_REVIEW_SCHEDULED = "case:plan-review:scheduled"  # set the plan's next review date
    PLAN_REVIEW_RECORDED = "case:plan-review:recorded"  # recorded a plan review: what changed
    PLAN_GP_REASON = "case:plan-gp:reason-recorded"  # recorded why the GP is not in the plan


class BankAction(StrEnum):
    """Source ``bank``: staff reading the hash lists."""

    LIST_SEARCHED = "bank:list:searched"  # searched the lists for a hash
    ITEM_VIEWED = "bank:item:viewed"  # opened a content item


class ReportsAction(StrEnum):
    """Source ``reports``: the service itself, about reports."""

    ASSIGNED = "reports:report:assigned"  # reports without an owner given to the intake org


class SystemAction(StrEnum):
    """Source ``system``: background work (the notification sender, alerts, reminders)."""

    NOTIFICATION_SENT = "system:notification:sent"  # news emailed to a young person
    NOTIFICATION_GIVEN_UP = "system:notification:given-up"  # a message that was never delivered
    STAFF_ALERT_SENT = "system:staff-alert:sent"  # alerts sent to a staff member (email, push)
    STAFF_REMINDER_SENT = "system:staff-reminder:sent"  # a task reminder emailed to its owner
    ALERT_RAISED = "system:alert:raised"  # an alert: the first on-call contact (or all) told
    ALERT_ESCALATED = "system:alert:escalated"  # nobody acknowledged: the next contact told
    PUSH_GONE = "system:push:subscription-gone"  # the push service said a browser is gone
    REMINDER_SET = "system:reminder:set"  # a task reminder was set for a staff member
    REMINDER_QUEUED = "system:reminder:queued"  # a task reminder came due and was queued
    FIELD_KEY_ROTATED = "system:field-key:rotated"  # encrypted fields re-encrypted under a new key
    PLACE_RECORDED = "system:place:recorded"  # a link joined the takedown queue
    PLACE_SOURCE_ADDED = "system:place:source-added"  # a queued link was named again
    PLACE_ESCALATED = "system:place:escalated"  # a takedown notice passed its deadline (escalated)
    NOTICE_SENT = "system:notice:sent"  # a takedown notice was emailed to a host
    NOTICE_GIVEN_UP = "system:notice:given-up"  # a takedown notice email never delivered
    LIVENESS_CHECKED = "system:place:liveness-checked"  # the optional liveness check (HEAD only)
    WEBHOOK_GIVEN_UP = "system:webhook:given-up"  # a withdrawal webhook never taken (see the feed)


class RowAction(StrEnum):
    """Automatic: every create, update and delete of an audited row (see
    :func:`reclaim.audit.recorder.install_row_auditing`), ``<subject>:<change>``."""

    BANK_LIST_CREATED = "bank:list:created"  # a hash list was made
    BANK_LIST_UPDATED = "bank:list:updated"  # a hash list's settings changed (field names)
    BANK_LIST_DELETED = "bank:list:deleted"  # a hash list was deleted
    BANK_ITEM_CREATED = "bank:item:created"  # a content item was added to a list
    BANK_ITEM_UPDATED = "bank:item:updated"  # an item changed (status, reason: field names)
    BANK_ITEM_DELETED = "bank:item:deleted"  # a content item was deleted
    BANK_FEEDBACK_CREATED = "bank:feedback:created"  # a platform first said what it did
    BANK_FEEDBACK_UPDATED = "bank:feedback:updated"  # a platform changed what it said
    BANK_FEEDBACK_DELETED = "bank:feedback:deleted"  # a platform's feedback was deleted
    REPORT_CREATED = "reports:report:created"  # a report row was stored
    REPORT_UPDATED = "reports:report:updated"  # a report changed (field names only)
    REPORT_DELETED = "reports:report:deleted"  # a report row was deleted
    URL_CREATED = "reports:url:created"  # a link of a report was stored
    URL_UPDATED = "reports:url:updated"  # a link changed (its place in the takedown queue)
    URL_DELETED = "reports:url:deleted"  # a link was deleted (erasure)
    SHARE_CODE_CREATED = "reports:share-code:created"  # an organisation's share code was made
    SHARE_CODE_UPDATED = "reports:share-code:updated"  # a share code was replaced
    SHARE_CODE_DELETED = "reports:share-code:deleted"  # a share code was deleted
    ORGANISATION_CREATED = "staff:organisation:created"  # an organisation was made
    ORGANISATION_UPDATED = "staff:organisation:updated"  # an organisation changed
    ORGANISATION_DELETED = "staff:organisation:deleted"  # an organisation was deleted
    USER_CREATED = "staff:user:created"  # a staff account was made
    USER_UPDATED = "staff:user:updated"  # a staff account changed (field names only)
    USER_DELETED = "staff:user:deleted"  # a staff account was deleted
    API_KEY_CREATED = "staff:api-key:created"  # a platform API key was issued
    API_KEY_UPDATED = "staff:api-key:updated"  # a key changed (revoked, last used)
    API_KEY_DELETED = "staff:api-key:deleted"  # a key was deleted
    ONCALL_CREATED = "staff:oncall:created"  # a staff member was put on the on-call list
    ONCALL_UPDATED = "staff:oncall:updated"  # an on-call contact's place in the list changed
    ONCALL_DELETED = "staff:oncall:deleted"  # a staff member was taken off the on-call list
    CASE_CREATED = "case:case:created"  # a safeguarding case row was stored
    CASE_UPDATED = "case:case:updated"  # a case changed (field names only)
    CASE_DELETED = "case:case:deleted"  # a case was deleted (erasure, retention)
    CASE_POLICY_CREATED = "case:policy:created"  # an organisation set its own case settings
    CASE_POLICY_UPDATED = "case:policy:updated"  # an organisation's case settings changed
    CASE_POLICY_DELETED = "case:policy:deleted"  # an organisation's case settings were deleted
    TAKEDOWN_PLACE_CREATED = "takedown:place:created"  # a link's takedown record was stored
    TAKEDOWN_PLACE_UPDATED = "takedown:place:updated"  # a takedown record changed (field names)
    TAKEDOWN_PLACE_DELETED = "takedown:place:deleted"  # a takedown record was deleted
    TAKEDOWN_NOTICE_CREATED = "takedown:notice:created"  # a takedown notice was stored
    TAKEDOWN_NOTICE_UPDATED = "takedown:notice:updated"  # a notice changed (sent, retried, failed)
    TAKEDOWN_NOTICE_DELETED = "takedown:notice:deleted"  # a takedown notice was deleted


#: What :func:`reclaim.audit.recorder.record` accepts: a member of one of these.
Action = (
    StaffAction | PublicAction | CaseAction | BankAction | ReportsAction | SystemAction | RowAction
)
SOURCES: Final = (
    StaffAction,
    PublicAction,
    CaseAction,
    BankAction,
    ReportsAction,
    SystemAction,
    RowAction,
)


class UnregisteredAction(ValueError):
    """An audit action that is not in :mod:`reclaim.audit.actions`."""


def registered(action: object) -> Action:
    """``action`` itself if it is registered, else :class:`UnregisteredAction`."""
    if isinstance(action, SOURCES):
        return action
    raise UnregisteredAction(
        f"{action!r} is not a registered audit action: add it to reclaim.audit.actions "
        "(and docs/audit-actions.md)"
    )


def row_action(subject: str, change: str) -> RowAction:
    """The automatic event for a change to an audited row, e.g. ``staff:user:created``."""
    return RowAction(f"{subject}:{change}")
