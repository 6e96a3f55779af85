"""Audit action names, ``source:subject:action`` (as in pypi/warehouse)."""

from __future__ import annotations

from enum import StrEnum

from reclaim.audit.chain import ANCHOR_ACTION


class AuditAction(StrEnum):
    STAFF_LOGIN_SUCCEEDED = "staff:session:login"
    STAFF_LOGIN_FAILED = "staff:session:login-failed"
    STAFF_LOGIN_LOCKED = "staff:session:locked-out"
    STAFF_MFA_SUCCEEDED = "staff:session:mfa-passed"
    STAFF_MFA_FAILED = "staff:session:mfa-failed"
    STAFF_RECOVERY_CODE_USED = "staff:session:recovery-code-used"
    STAFF_LOGOUT = "staff:session:logout"
    STAFF_SESSION_EXPIRED = "staff:session:expired"
    STAFF_TOTP_ENROLLED = "staff:user:totp-enrolled"
    AUDIT_VIEWED = "staff:audit:viewed"
    REPORTS_LISTED = "staff:reports:listed"
    LIST_SEARCHED = "bank:list:searched"
    ITEM_VIEWED = "bank:item:viewed"
    AUDIT_VERIFIED = "staff:audit:verified"
    AUDIT_CHECKPOINTED = "staff:audit:checkpointed"
    AUDIT_CHAIN_ANCHORED = ANCHOR_ACTION


def row_action(subject: str, change: str) -> str:
    """Name of an automatic create/update/delete event, e.g. ``staff:user:created``."""
    return f"{subject}:{change}"
