"""Takedown: where an image appears, as URLs; the analyst's queue, notices to hosts and
hotlines, status until removed, the member URL list and the figures. URLs are recorded, never
fetched for their content (an optional liveness check sends HEAD requests only; off by
default).

Pure parts (no web, no database): :mod:`.canonical` (validation and the canonical form),
:mod:`.status` (the status machine and its clocks), :mod:`.hosts` (the host data file),
:mod:`.urgency`, :mod:`.notice` (notice text), :mod:`.wording`, :mod:`.charts`.
Commands and queries take the caller's ``Session``.
"""

from __future__ import annotations

from reclaim.takedown.actions import TakedownAction
from reclaim.takedown.canonical import CanonicalUrl, UrlRejected, canonical, registered_domain
from reclaim.takedown.figures import Figures, figures, figures_csv
from reclaim.takedown.importing import ImportResult, import_csv
from reclaim.takedown.memberlist import export_lines as member_list_lines
from reclaim.takedown.memberlist import list_page, list_version
from reclaim.takedown.notices import Channel, escalate_overdue, plan_notice, send_notice
from reclaim.takedown.places import (
    SourceKind,
    assign,
    clocks_from,
    find_place,
    forget_report,
    move,
    note_liveness,
    record_place,
)
from reclaim.takedown.queue import (
    PlaceView,
    QueueFilters,
    QueuePage,
    link_statuses,
    place_for_staff,
    place_view,
    queue,
)
from reclaim.takedown.status import Clocks, PlaceStatus, TransitionRefused
from reclaim.takedown.urgency import Urgency

__all__ = [
    "CanonicalUrl",
    "Channel",
    "Clocks",
    "Figures",
    "ImportResult",
    "PlaceStatus",
    "PlaceView",
    "QueueFilters",
    "QueuePage",
    "SourceKind",
    "TakedownAction",
    "TransitionRefused",
    "Urgency",
    "UrlRejected",
    "assign",
    "canonical",
    "clocks_from",
    "escalate_overdue",
    "figures",
    "figures_csv",
    "find_place",
    "forget_report",
    "import_csv",
    "link_statuses",
    "list_page",
    "list_version",
    "member_list_lines",
    "move",
    "note_liveness",
    "place_for_staff",
    "place_view",
    "plan_notice",
    "queue",
    "record_place",
    "registered_domain",
    "send_notice",
]
