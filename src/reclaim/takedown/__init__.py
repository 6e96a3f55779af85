"""Takedown: where an image appears, as URLs; the analyst's queue, notices to hosts and
hotlines, status until removed, the member URL list and the figures. URLs are recorded, never
fetched for their content (an optional liveness check sends HEAD requests only; off by
default).

Pure parts (no web, no database): :mod:`.canonical` (validation and the canonical form),
:mod:`.status` (the status machine and its clocks), :mod:`.hosts` (the host data file),
:mod:`.urgency`, :mod:`.notice` (notice text), :mod:`.wording`, :mod:`.charts`.
Commands and queries take the caller's ``Session``.

What routes and the CLI may use is listed in ``__all__``; each name loads on first use
(:mod:`reclaim.lazy`), so that ``reclaim url canonical`` loads no SQLAlchemy.
"""

from typing import TYPE_CHECKING

from reclaim.lazy import lazy_exports

if TYPE_CHECKING:  # at run time each name loads on first use (reclaim.lazy)
    from reclaim.takedown.canonical import CanonicalUrl, UrlRejected, canonical, registered_domain
    from reclaim.takedown.importing import ImportResult, import_csv
    from reclaim.takedown.memberlist import list_page, list_version, member_list_lines
    from reclaim.takedown.models import Notice, Place, PlaceMove, PlaceSource
    from reclaim.takedown.news import LinkNews, TakedownNews
    from reclaim.takedown.notices import (
        Channel,
        NoticeDelivery,
        NoticeNotSent,
        deliver_notices,
        escalate_overdue,
        plan_notice,
        send_notice,
    )
    from reclaim.takedown.performance import Figures, figures, figures_csv
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
    from reclaim.takedown.staff_views import (
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
    "LinkNews",
    "Notice",
    "NoticeDelivery",
    "NoticeNotSent",
    "Place",
    "PlaceMove",
    "PlaceSource",
    "PlaceStatus",
    "PlaceView",
    "QueueFilters",
    "QueuePage",
    "SourceKind",
    "TakedownNews",
    "TransitionRefused",
    "Urgency",
    "UrlRejected",
    "assign",
    "canonical",
    "clocks_from",
    "deliver_notices",
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CanonicalUrl": "reclaim.takedown.canonical",
        "Channel": "reclaim.takedown.notices",
        "Clocks": "reclaim.takedown.status",
        "Figures": "reclaim.takedown.performance",
        "ImportResult": "reclaim.takedown.importing",
        "LinkNews": "reclaim.takedown.news",
        "Notice": "reclaim.takedown.models",
        "NoticeDelivery": "reclaim.takedown.notices",
        "NoticeNotSent": "reclaim.takedown.notices",
        "Place": "reclaim.takedown.models",
        "PlaceMove": "reclaim.takedown.models",
        "PlaceSource": "reclaim.takedown.models",
        "PlaceStatus": "reclaim.takedown.status",
        "PlaceView": "reclaim.takedown.staff_views",
        "QueueFilters": "reclaim.takedown.staff_views",
        "QueuePage": "reclaim.takedown.staff_views",
        "SourceKind": "reclaim.takedown.places",
        "TakedownNews": "reclaim.takedown.news",
        "TransitionRefused": "reclaim.takedown.status",
        "Urgency": "reclaim.takedown.urgency",
        "UrlRejected": "reclaim.takedown.canonical",
        "assign": "reclaim.takedown.places",
        "canonical": "reclaim.takedown.canonical",
        "clocks_from": "reclaim.takedown.places",
        "deliver_notices": "reclaim.takedown.notices",
        "escalate_overdue": "reclaim.takedown.notices",
        "figures": "reclaim.takedown.performance",
        "figures_csv": "reclaim.takedown.performance",
        "find_place": "reclaim.takedown.places",
        "forget_report": "reclaim.takedown.places",
        "import_csv": "reclaim.takedown.importing",
        "link_statuses": "reclaim.takedown.staff_views",
        "list_page": "reclaim.takedown.memberlist",
        "list_version": "reclaim.takedown.memberlist",
        "member_list_lines": "reclaim.takedown.memberlist",
        "move": "reclaim.takedown.places",
        "note_liveness": "reclaim.takedown.places",
        "place_for_staff": "reclaim.takedown.staff_views",
        "place_view": "reclaim.takedown.staff_views",
        "plan_notice": "reclaim.takedown.notices",
        "queue": "reclaim.takedown.staff_views",
        "record_place": "reclaim.takedown.places",
        "registered_domain": "reclaim.takedown.canonical",
        "send_notice": "reclaim.takedown.notices",
    },
)
