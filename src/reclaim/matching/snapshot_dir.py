"""The matcher's snapshot directory, as files: ``pdq.index`` (a :class:`PdqIndex` snapshot)
beside ``state.json`` (items, lists, exact digests, video frames, the feed position).

``reclaim.bank.match_snapshot`` writes it and reads it back for servers; ``reclaim.scale.bank``
reads it, as files only, for scans. Both take the format numbers from here, so that a new
format cannot leave one of them behind.
"""

from __future__ import annotations

STATE_FILE = "state.json"
INDEX_FILE = "pdq.index"
# 2 added the origin (the database and feed position the state was taken from).
STATE_FORMAT = 2
# Formats whose items a reader of items alone (a scan) can use: 1 and 2 hold the same items.
ITEM_FORMATS = (1, 2)
