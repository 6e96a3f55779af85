"""A case's chronology as CSV and PDF, with the audit chain's digest for the case's events.

Each export lists every audit event filed under the case (its number in the chain, time,
action and hash), the chain's head when the export was made, and a checkpoint line (the head,
MACed with this installation's key). A reader who keeps the export can later ask the operator
to run ``reclaim audit verify --checkpoint FILE`` with that line saved in FILE: "OK" means the
chain up to the head, and so every event listed, is still there and unchanged. See
docs/cases.md.

The PDF is rendered by WeasyPrint from HTML made here; it fetches nothing (every URL fetch is
refused), so a web address in the record is printed, never opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.audit.chain import Checkpoint
from reclaim.audit.models import AuditEvent
from reclaim.audit.recorder import keys_of
from reclaim.cases.review import DEVICE_HANDLING, NEVER_VIEW
from reclaim.cases.views import CaseView
from reclaim.spreadsheet import safe_cell
from reclaim.storage.base import utcnow

Formatter = Callable[[datetime | None], str]


@dataclass(frozen=True, slots=True)
class ChainEvent:
    seq: int
    at: datetime
    action: str
    hash: str


@dataclass(frozen=True, slots=True)
class AuditDigest:
    events: list[ChainEvent]
    head_seq: int
    head_hash: str
    checkpoint: str
    made_at: datetime


def audit_digest(session: Session, case_id: int) -> AuditDigest:
    """The case's audit events and the chain's head now (call after recording the export)."""
    session.flush()
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.action, AuditEvent.hash)
        .where(AuditEvent.object_type == "case", AuditEvent.object_id == str(case_id))
        .order_by(AuditEvent.seq)
    ).all()
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, digest = (int(head[0]), str(head[1])) if head else (0, "0" * 64)
    now = utcnow()
    return AuditDigest(
        events=[ChainEvent(int(s), at, str(a), str(h)) for s, at, a, h in rows],
        head_seq=seq,
        head_hash=digest,
        checkpoint=Checkpoint(seq, digest, now).dumps(keys_of(session)),
        made_at=now,
    )


def chronology_csv(view: CaseView, digest: AuditDigest, when: Formatter) -> str:
    """One row per chronology entry, then the audit events and the chain's head."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["record", "number", "recorded_at", "occurred_at", "kind", "by", "text", "corrects"]
    )
    writer.writerow(
        [
            "case",
            view.number,
            when(digest.made_at),
            when(view.opened_at),
            view.status,
            "",
            safe_cell(f"Case {view.number}, {view.organisation}. Exported {when(digest.made_at)}."),
            "",
        ]
    )
    for entry in view.entries:
        writer.writerow(
            [
                "entry",
                entry.number,
                when(entry.recorded_at),
                when(entry.occurred_at) if entry.occurred_at else "",
                entry.kind,
                safe_cell(entry.recorded_by),
                safe_cell(entry.text),
                entry.corrects or "",
            ]
        )
    for event in digest.events:
        writer.writerow(
            ["audit_event", event.seq, when(event.at), "", event.action, "", event.hash, ""]
        )
    writer.writerow(
        ["chain_head", digest.head_seq, when(digest.made_at), "", "", "", digest.head_hash, ""]
    )
    writer.writerow(["checkpoint", digest.head_seq, "", "", "", "", digest.checkpoint, ""])
    return out.getvalue()


_env = Environment(
    loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def _import_weasyprint() -> Any:
    """WeasyPrint, imported without its side effect: importing it sets Pillow's process-wide
    ``ImageFile.LOAD_TRUNCATED_IMAGES``, which would make the hashing engine accept truncated
    images (``reclaim.hashing`` refuses them) in the same process after a PDF export."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint  # slow to import; only exports need it
        import weasyprint.urls
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def _refusing_fetcher() -> Any:
    """A WeasyPrint URL fetcher that fetches nothing, ever."""
    URLFetcher = _import_weasyprint().urls.URLFetcher  # noqa: N806

    class Refusing(URLFetcher):  # type: ignore[misc,valid-type]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            raise ValueError(f"Reclaim fetches nothing while making a PDF ({url[:40]})")

    return Refusing()


def chronology_html(view: CaseView, digest: AuditDigest, when: Formatter) -> str:
    return _env.get_template("chronology.html").render(
        case=view, digest=digest, when=when, never_view=NEVER_VIEW, devices=DEVICE_HANDLING
    )


def chronology_pdf(view: CaseView, digest: AuditDigest, when: Formatter) -> bytes:
    """The case record as a PDF: facts, review, places, referrals, tasks, chronology, digest."""
    document = _import_weasyprint().HTML(
        string=chronology_html(view, digest, when), url_fetcher=_refusing_fetcher()
    )
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
