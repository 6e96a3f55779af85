"""Safeguarding cases: the guidance's steps as a record a DSL keeps, and an inspector or a
court can trust.

A case belongs to one organisation. It holds the children involved (pseudonymous in lists,
personal details encrypted), the initial review in the guidance's order, a register of places
the image is, referrals, tasks, and an append-only chronology; it exports as a PDF and a CSV
carrying the audit chain's digest. Web routes call only what is listed here.
"""

from reclaim.accounts.models import StaffUser as Staff
from reclaim.cases import export
from reclaim.cases.access import CaseAccess, access_to, case_for, leads, may_open, uses_cases
from reclaim.cases.actions import CaseAction
from reclaim.cases.alerts import alert_on_call
from reclaim.cases.chronology import EntryChanged
from reclaim.cases.export import (
    AuditDigest,
    audit_digest,
    chronology_csv,
    chronology_html,
    chronology_pdf,
)
from reclaim.cases.linked import note_blocked
from reclaim.cases.models import (
    Case,
    CasePolicy,
    Child,
    ChronologyEntry,
    Pathway,
    Place,
    Referral,
    ReviewAnswer,
    Task,
)
from reclaim.cases.pathways import Contact, pathways_of, replace_pathways
from reclaim.cases.queries import (
    CaseRow,
    CaseView,
    TaskRow,
    case_view,
    count_open,
    list_cases,
    my_tasks,
    staff_names,
)
from reclaim.cases.records import (
    Removed,
    delete_after,
    erase_case,
    purge_expired,
    retention_years,
    set_legal_hold,
    set_retention,
)
from reclaim.cases.review import DEVICE_HANDLING, NEVER_VIEW, STEPS, Step
from reclaim.cases.service import (
    CaseError,
    NewChild,
    NewPlace,
    NewReferral,
    PlaceUpdate,
    add_child,
    add_note,
    add_place,
    add_referral,
    add_task,
    answer_step,
    assign,
    close_case,
    complete_task,
    correct_entry,
    make_urgent,
    open_case,
    record_emergency_call,
    reopen_case,
    update_place,
    update_referral,
)
from reclaim.cases.wording import AGENCIES, PATHWAYS, PLACE_KINDS, PLACE_STATUSES, ROLES, SOURCES

__all__ = [
    "AGENCIES",
    "DEVICE_HANDLING",
    "NEVER_VIEW",
    "PATHWAYS",
    "PLACE_KINDS",
    "PLACE_STATUSES",
    "ROLES",
    "SOURCES",
    "STEPS",
    "AuditDigest",
    "Case",
    "CaseAccess",
    "CaseAction",
    "CaseError",
    "CasePolicy",
    "CaseRow",
    "CaseView",
    "Child",
    "ChronologyEntry",
    "Contact",
    "EntryChanged",
    "NewChild",
    "NewPlace",
    "NewReferral",
    "Pathway",
    "Place",
    "PlaceUpdate",
    "Referral",
    "Removed",
    "ReviewAnswer",
    "Staff",
    "Step",
    "Task",
    "TaskRow",
    "access_to",
    "add_child",
    "add_note",
    "add_place",
    "add_referral",
    "add_task",
    "alert_on_call",
    "answer_step",
    "assign",
    "audit_digest",
    "case_for",
    "case_view",
    "chronology_csv",
    "chronology_html",
    "chronology_pdf",
    "close_case",
    "complete_task",
    "correct_entry",
    "count_open",
    "delete_after",
    "erase_case",
    "export",
    "leads",
    "list_cases",
    "make_urgent",
    "may_open",
    "my_tasks",
    "note_blocked",
    "open_case",
    "pathways_of",
    "purge_expired",
    "record_emergency_call",
    "reopen_case",
    "replace_pathways",
    "retention_years",
    "set_legal_hold",
    "set_retention",
    "staff_names",
    "update_place",
    "update_referral",
    "uses_cases",
]
