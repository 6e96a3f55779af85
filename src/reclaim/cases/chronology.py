"""The chronology: append-only entries, corrections that point at what they correct.

Nothing here updates an entry. A flush that changes one is refused outright, so the only way
to put something right is a new entry (``kind="correction"``) pointing at the old one, which
stays as it was. Entries go only with their case (retention, erasure).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases.models import Case, ChronologyEntry
from reclaim.storage.base import utcnow


class EntryChanged(RuntimeError):
    """Someone tried to change a chronology entry in place."""


@event.listens_for(ChronologyEntry, "before_update")
def _refuse_updates(_mapper: Any, _connection: Any, target: ChronologyEntry) -> None:
    raise EntryChanged(
        f"chronology entry {target.id} cannot be changed; add a correction that points at it"
    )


def write(
    session: Session,
    case: Case,
    kind: str,
    text: str,
    *,
    by: int | None,
    occurred_at: datetime | None = None,
    corrects: ChronologyEntry | None = None,
) -> ChronologyEntry:
    """Append one entry. ``occurred_at``: when it happened, if that was earlier."""
    now = utcnow()
    if occurred_at is not None and abs((now - occurred_at).total_seconds()) < 60:
        occurred_at = None  # written down as it happened: one time is enough
    entry = ChronologyEntry(
        case=case,
        kind=kind,
        text=text,
        occurred_at=occurred_at,
        recorded_at=now,
        recorded_by=by,
        corrects_id=corrects.id if corrects is not None else None,
    )
    session.add(entry)
    session.flush()
    return entry


def correct(
    session: Session,
    case: Case,
    wrong: ChronologyEntry,
    text: str,
    *,
    by: int | None,
    occurred_at: datetime | None = None,
) -> ChronologyEntry:
    """A correction of ``wrong``: a new entry; the old one stays, marked as corrected."""
    entry = write(session, case, "correction", text, by=by, occurred_at=occurred_at, corrects=wrong)
    record(
        session,
        CaseAction.ENTRY_CORRECTED,
        object_type="case",
        object_id=case.id,
        detail={"entry": entry.id, "corrects": wrong.id},
    )
    return entry
