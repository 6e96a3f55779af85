"""Reading the audit trail, for the staff audit viewer: one organisation's events, newest
first, filtered, a page at a time (``before`` a sequence number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reclaim.audit.models import AuditEvent


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the viewer was asked for; empty means any."""

    action: str = ""  # a prefix: "case:" finds every case event
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None  # inclusive: the whole day
    before: int | None = None  # sequence numbers below this (the next page)


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str | None
    redacted: bool


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: list[AuditRow]
    more: bool  # there are older events past this page


def audit_page(
    session: Session, organisation_id: int, wanted: AuditFilter, size: int = 50
) -> AuditPage:
    """One page of the organisation's events that match, newest first."""
    query = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if wanted.action:
        query = query.where(AuditEvent.action.startswith(wanted.action.strip(), autoescape=True))
    if wanted.actor:
        query = query.where(AuditEvent.actor == wanted.actor.strip())
    if wanted.object_type:
        query = query.where(AuditEvent.object_type == wanted.object_type.strip())
    if wanted.object_id:
        query = query.where(AuditEvent.object_id == wanted.object_id.strip())
    if wanted.since:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(wanted.since, time.min, UTC))
    if wanted.until:
        end = datetime.combine(wanted.until + timedelta(days=1), time.min, UTC)
        query = query.where(AuditEvent.occurred_at < end)
    if wanted.before:
        query = query.where(AuditEvent.seq < wanted.before)
    events = list(session.scalars(query.order_by(AuditEvent.seq.desc()).limit(size + 1)))
    rows = [
        AuditRow(
            e.seq,
            e.occurred_at,
            e.actor,
            e.action,
            e.object_type,
            e.object_id,
            e.request_id,
            e.redacted,
        )
        for e in events[:size]
    ]
    return AuditPage(rows, more=len(events) > size)
