"""Hash lists: signals grouped into content items, with provenance, status, feedback and a feed.
What routes and the CLI may use is listed in ``__all__``."""

from reclaim.bank import feed
from reclaim.bank.feedback import FeedbackStatus, blocked_count, record_feedback
from reclaim.bank.files import export_lines
from reclaim.bank.items import BankError, ItemStatus, Provenance
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
    "Matcher",
    "MatcherLoader",
    "PlatformFeedbackRow",
    "Provenance",
    "Signal",
    "SignalRejected",
    "SignalType",
    "active_items",
    "blocked_count",
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
