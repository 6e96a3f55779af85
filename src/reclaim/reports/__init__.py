"""A young person's report: hashes made on their device, where they saw the image, a reference
and PIN to check it, withdrawal and erasure. Reclaim never receives the image itself.

The young person's commands are in :mod:`~reclaim.reports.commands`, what they read in
:mod:`~reclaim.reports.status`; staff read :mod:`~reclaim.reports.staff_views` and act through
:mod:`~reclaim.reports.casework`; sharing a report with a school or service by its code is
:mod:`~reclaim.reports.sharing`. What routes and the CLI may use is listed in ``__all__``.
"""

from reclaim.reports.casework import (
    mark_urgent_seen,
    move_link,
    staff_set_item_status,
    withdrawn_by_owner,
)
from reclaim.reports.commands import (
    Access,
    AgeGroup,
    Created,
    FileHashes,
    NewReport,
    Outcome,
    PinCheck,
    PinPolicy,
    PreparedPin,
    ReportError,
    begin_pin_check,
    create_report,
    erase,
    find_retry,
    finish_pin_check,
    is_urgent,
    open_report,
    prepare_pin,
    report_by_reference,
    valid_idempotency_key,
    withdraw,
)
from reclaim.reports.models import Report
from reclaim.reports.news import ReportNews
from reclaim.reports.ownership import item_reports_for_staff, report_for_staff
from reclaim.reports.pins import PinHasher
from reclaim.reports.proof import ProofOfWork, ProofRejected
from reclaim.reports.references import show_reference
from reclaim.reports.sharing import (
    WHAT_IS_NOT_SHARED,
    WHAT_IS_SHARED,
    SharedReportView,
    SharedSummary,
    ShareInfo,
    ShareTarget,
    SharingError,
    find_organisation_by_code,
    regenerate_share_code,
    share_code_for,
    share_report,
    shared_report_view,
    shared_with,
    shares_of,
    show_code,
    stop_sharing,
)
from reclaim.reports.staff_views import (
    CaseView,
    ReportSummary,
    StaffPage,
    case_for_staff,
    danger_flags,
    reports_for_staff,
    urgent_for_staff,
    urgent_waiting,
)
from reclaim.reports.status import HashState, ReportStatus, UrlState, status_of
from reclaim.reports.urls import UrlRejected

__all__ = [
    "WHAT_IS_NOT_SHARED",
    "WHAT_IS_SHARED",
    "Access",
    "AgeGroup",
    "CaseView",
    "Created",
    "FileHashes",
    "HashState",
    "NewReport",
    "Outcome",
    "PinCheck",
    "PinHasher",
    "PinPolicy",
    "PreparedPin",
    "ProofOfWork",
    "ProofRejected",
    "Report",
    "ReportError",
    "ReportNews",
    "ReportStatus",
    "ReportSummary",
    "ShareInfo",
    "ShareTarget",
    "SharedReportView",
    "SharedSummary",
    "SharingError",
    "StaffPage",
    "UrlRejected",
    "UrlState",
    "begin_pin_check",
    "case_for_staff",
    "create_report",
    "danger_flags",
    "erase",
    "find_organisation_by_code",
    "find_retry",
    "finish_pin_check",
    "is_urgent",
    "item_reports_for_staff",
    "mark_urgent_seen",
    "move_link",
    "open_report",
    "prepare_pin",
    "regenerate_share_code",
    "report_by_reference",
    "report_for_staff",
    "reports_for_staff",
    "share_code_for",
    "share_report",
    "shared_report_view",
    "shared_with",
    "shares_of",
    "show_code",
    "show_reference",
    "staff_set_item_status",
    "status_of",
    "stop_sharing",
    "urgent_for_staff",
    "urgent_waiting",
    "valid_idempotency_key",
    "withdraw",
    "withdrawn_by_owner",
]
