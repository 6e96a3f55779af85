"""Staff import of URLs as CSV text: every good line recorded, every bad line named.

The text is pasted (Reclaim takes no files) or read by the CLI. A header row with a ``url``
column is used when present; otherwise the first column is the URL. Re-importing the same
lines adds nothing (the same place from an import is named once).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reclaim.audit.actions import StaffAction
from reclaim.audit.recorder import record
from reclaim.takedown.canonical import UrlRejected, canonical
from reclaim.takedown.places import SourceKind, find_place, record_place

__all__ = ["ImportResult", "LineError", "import_csv"]

MAX_LINES = 5000


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    message: str


@dataclass(slots=True)
class ImportResult:
    recorded: int = 0  # new places
    again: int = 0  # places already in the queue (a new source, or nothing new)
    errors: list[LineError] = field(default_factory=list)


def import_csv(session: Session, organisation_id: int, text: str) -> ImportResult:
    result = ImportResult()
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        result.errors.append(LineError(0, f"This is not CSV text Reclaim can read ({exc})."))
        return result
    column = 0
    start = 0
    if rows and any(cell.strip().lower() == "url" for cell in rows[0]):
        column = [cell.strip().lower() for cell in rows[0]].index("url")
        start = 1
    if len(rows) - start > MAX_LINES:
        result.errors.append(
            LineError(0, f"At most {MAX_LINES} lines at a time: split the file and import each.")
        )
        return result
    for number, row in enumerate(rows[start:], start + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= column:
            result.errors.append(LineError(number, "This line has no URL column."))
            continue
        try:
            found = canonical(row[column])
        except UrlRejected as exc:
            result.errors.append(LineError(number, str(exc)))
            continue
        known = find_place(session, organisation_id, found.url) is not None
        record_place(session, organisation_id, found, kind=SourceKind.IMPORT, ref="staff import")
        if known:
            result.again += 1
        else:
            result.recorded += 1
    record(
        session,
        StaffAction.TAKEDOWN_IMPORTED,
        object_type="places",
        detail={
            "recorded": result.recorded,
            "again": result.again,
            "errors": len(result.errors),
        },
    )
    return result
