"""Importing hash list files into a list, and exporting the active set."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.bank.files import ExportItem, ParsedItem, Rejected
from reclaim.bank.items import (
    BankError,
    ItemStatus,
    Provenance,
    add_item,
    keepable,
    signal_dict,
)
from reclaim.bank.models import ContentItem, HashList
from reclaim.bank.signals import SignalType


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
