"""Names the bank's lists and files use, free of the machinery behind them.

Kept apart so the command line can show them in its help without importing the database
layer or the matching index.
"""

from __future__ import annotations

DEFAULT_LIST = "reclaim"
"""The list items go to when none is named."""

EXPORT_FORMATS = ("csv", "jsonl", "pytx")
IMPORT_FORMATS = ("csv", "jsonl", "pytx", "plain")
