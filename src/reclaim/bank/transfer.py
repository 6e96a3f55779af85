"""Importing hash list files into a list, and exporting the active set."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.bank.files import ExportItem, ParsedItem, Rejected
from reclaim.bank.items import (
    BankError,
    ItemStatus,
    Provenance,
    add_item,
    get_or_create_list,
    keepable,
    signal_dict,
)
from reclaim.bank.models import ContentItem, HashList
from reclaim.bank.signals import SignalType

if TYPE_CHECKING:
    from reclaim.storage import Database


@dataclass(slots=True)
class ImportReport:
    added: int = 0
    already_present: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    #: Lines stored without some of their signals (a PDQ too plain to match), and why.
    notes: list[Rejected] = field(default_factory=list)


EXACT_NAMES = {SignalType.SHA256: "SHA-256", SignalType.MD5: "MD5"}


def import_items(
    session: Session, hash_list: HashList, parsed: Iterable[ParsedItem | Rejected], *, source: str
) -> ImportReport:
    """Add every valid line; re-importing the same file adds nothing."""
    report = ImportReport()
    for entry in parsed:
        if isinstance(entry, Rejected):
            report.rejected.append(entry)
            continue
        kept, left_out = keepable(hash_list, entry.signals)
        if left_out and not kept:
            report.rejected.append(Rejected(entry.line, " ".join(left_out)))
            continue
        if left_out:
            exact = " and ".join(EXACT_NAMES[s.type] for s in kept if s.type in EXACT_NAMES)
            kept_words = f"its {exact} were kept" if exact else "its other hashes were kept"
            report.notes.append(
                Rejected(entry.line, f"{' '.join(left_out)} (On this line {kept_words}.)")
            )
        try:
            with session.begin_nested():
                result = add_item(
                    session,
                    hash_list,
                    kept,
                    provenance=Provenance.IMPORTED,
                    provenance_ref=source[:200],
                    categories=entry.categories,
                )
        except BankError as exc:
            report.rejected.append(Rejected(entry.line, str(exc)))
            continue
        if result.created:
            report.added += 1
        else:
            report.already_present += 1
    return report


#: Lines per transaction in :func:`import_in_batches`: small enough that the write lock is
#: held for a fraction of a second (reports and matches go on meanwhile), large enough that
#: commits are a small part of the time.
BATCH_LINES = 500


def import_in_batches(
    db: Database,
    list_name: str,
    parsed: Iterable[ParsedItem | Rejected],
    *,
    source: str,
    batch_lines: int = BATCH_LINES,
    after_line: int = 0,
    committed: Callable[[int, ImportReport], None] | None = None,
) -> ImportReport:
    """:func:`import_items` in transactions of ``batch_lines`` lines, each committed on its own,
    so the database's write lock is never held for long and a killed import keeps every batch
    committed before it. Lines up to ``after_line`` are skipped (resuming). After each commit
    ``committed(last line, totals so far)`` is called (progress, a resume marker)."""
    report = ImportReport()
    batch: list[ParsedItem | Rejected] = []

    def flush() -> None:
        with db.session() as session:
            part = import_items(
                session, get_or_create_list(session, list_name), batch, source=source
            )
        report.added += part.added
        report.already_present += part.already_present
        report.rejected.extend(part.rejected)
        report.notes.extend(part.notes)
        if committed is not None:
            committed(batch[-1].line, report)
        batch.clear()

    for entry in parsed:
        if entry.line <= after_line:
            continue
        batch.append(entry)
        if len(batch) >= batch_lines:
            flush()
    if batch:
        flush()
    return report


def active_items(session: Session, list_names: list[str] | None = None) -> Iterator[ExportItem]:
    query = select(ContentItem).where(ContentItem.status == ItemStatus.ACTIVE.value)
    if list_names:
        query = query.join(HashList).where(HashList.name.in_(list_names))
    for item in session.scalars(query.order_by(ContentItem.id).execution_options(yield_per=500)):
        yield ExportItem(
            item.id,
            item.hash_list.name,
            tuple(item.categories or ()),
            tuple(signal_dict(s) for s in item.signals),
        )
