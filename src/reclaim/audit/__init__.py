"""The audit trail: append-only, hash-chained events for everything that touches case data.
What routes and the CLI may use is listed in ``__all__``."""

from reclaim.audit.actions import (
    Action,
    AuditAction,
    BankAction,
    CaseAction,
    PublicAction,
    ReportsAction,
    RowAction,
    StaffAction,
    SystemAction,
    UnregisteredAction,
)
from reclaim.audit.recorder import (
    AuditChainError,
    acting_as,
    current_context,
    fresh_context,
    install_row_auditing,
    record,
    verify_chain,
)
from reclaim.audit.viewer import AuditFilter, AuditPage, AuditRow, audit_page

__all__ = [
    "Action",
    "AuditAction",
    "AuditChainError",
    "AuditFilter",
    "AuditPage",
    "AuditRow",
    "BankAction",
    "CaseAction",
    "PublicAction",
    "ReportsAction",
    "RowAction",
    "StaffAction",
    "SystemAction",
    "UnregisteredAction",
    "acting_as",
    "audit_page",
    "current_context",
    "fresh_context",
    "install_row_auditing",
    "record",
    "verify_chain",
]
