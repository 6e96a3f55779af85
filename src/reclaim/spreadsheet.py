"""Cells that a spreadsheet will not run as formulas (OWASP "CSV injection").

A CSV that a DSL, an analyst or a platform opens in Excel, LibreOffice or Google Sheets treats a
cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a
formula: ``=HYPERLINK(...)`` in a list name or a category could send data elsewhere or run a
command. Every CSV Reclaim writes passes its free-text cells through :func:`safe_cell`, which
prefixes such a cell with a single quote, as OWASP advises. Hashes, numbers and dates are written
as they are: they cannot start with those characters, and platforms parse them exactly.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "safe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``value``, made inert for spreadsheets if it could start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
