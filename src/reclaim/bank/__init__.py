"""Hash lists: signals grouped into content items, with provenance, status, feedback and a feed.
What routes and the CLI may use is listed in ``__all__``."""

from typing import TYPE_CHECKING

from reclaim.lazy import lazy_exports

if TYPE_CHECKING:  # at run time each name loads on first use (reclaim.lazy)
    from reclaim.bank import feed
    from reclaim.bank.feedback import FeedbackStatus, blocked_count, record_feedback
    from reclaim.bank.files import export_lines
    from reclaim.bank.items import BankError, ItemStatus, Provenance
    from reclaim.bank.lists import ListStatusCount, counts_by_status
    from reclaim.bank.loading import MatcherLoader, snapshot_dir
    from reclaim.bank.matcher import Matcher
    from reclaim.bank.models import ContentItem
    from reclaim.bank.signals import Signal, SignalRejected, SignalType, make_signal, parse_hex
    from reclaim.bank.staff_views import (
        PlatformFeedbackRow,
        feedback_on,
        item_by_id,
        items_by_id,
        list_counts,
    )
    from reclaim.bank.transfer import active_items

__all__ = [
    "BankError",
    "ContentItem",
    "FeedbackStatus",
    "ItemStatus",
    "ListStatusCount",
    "Matcher",
    "MatcherLoader",
    "PlatformFeedbackRow",
    "Provenance",
    "Signal",
    "SignalRejected",
    "SignalType",
    "active_items",
    "blocked_count",
    "counts_by_status",
    "export_lines",
    "feed",
    "feedback_on",
    "item_by_id",
    "items_by_id",
    "list_counts",
    "make_signal",
    "parse_hex",
    "record_feedback",
    "snapshot_dir",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BankError": "reclaim.bank.items",
        "ContentItem": "reclaim.bank.models",
        "FeedbackStatus": "reclaim.bank.feedback",
        "ItemStatus": "reclaim.bank.items",
        "ListStatusCount": "reclaim.bank.lists",
        "Matcher": "reclaim.bank.matcher",
        "MatcherLoader": "reclaim.bank.loading",
        "PlatformFeedbackRow": "reclaim.bank.staff_views",
        "Provenance": "reclaim.bank.items",
        "Signal": "reclaim.bank.signals",
        "SignalRejected": "reclaim.bank.signals",
        "SignalType": "reclaim.bank.signals",
        "active_items": "reclaim.bank.transfer",
        "blocked_count": "reclaim.bank.feedback",
        "counts_by_status": "reclaim.bank.lists",
        "export_lines": "reclaim.bank.files",
        "feed": "reclaim.bank.feed",
        "feedback_on": "reclaim.bank.staff_views",
        "item_by_id": "reclaim.bank.staff_views",
        "items_by_id": "reclaim.bank.staff_views",
        "list_counts": "reclaim.bank.staff_views",
        "make_signal": "reclaim.bank.signals",
        "parse_hex": "reclaim.bank.signals",
        "record_feedback": "reclaim.bank.feedback",
        "snapshot_dir": "reclaim.bank.loading",
    },
)
