"""Commands on places: record one (from a report, a case or an import), move it through the
status machine, assign it, forget a deleted report. Each takes the caller's ``Session``."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.audit.actions import PublicAction, StaffAction, SystemAction
from reclaim.audit.recorder import current_context, record
from reclaim.config import Settings
from reclaim.storage.base import utcnow
from reclaim.takedown.canonical import CanonicalUrl, canonical
from reclaim.takedown.hosts import host_directory
from reclaim.takedown.models import Place, PlaceMove, PlaceSource
from reclaim.takedown.news import LinkNews
from reclaim.takedown.status import (
    LISTED,
    Clocks,
    PlaceStatus,
    check_move,
    first_action_due,
    recheck_due,
)
from reclaim.takedown.urgency import THREATENED, Urgency, priority

__all__ = [
    "SourceKind",
    "assign",
    "clocks_from",
    "find_place",
    "forget_report",
    "move",
    "note_liveness",
    "record_place",
    "url_digest",
]


class SourceKind:
    REPORT = "report"
    CASE = "case"
    IMPORT = "import"


def clocks_from(settings: Settings) -> Clocks:
    from datetime import timedelta

    return Clocks(
        first_action=timedelta(hours=settings.takedown_first_action_hours),
        first_action_urgent=timedelta(hours=settings.takedown_first_action_urgent_hours),
        notice_deadline=timedelta(hours=settings.takedown_notice_deadline_hours),
        recheck=timedelta(hours=settings.takedown_recheck_hours),
    )


def url_digest(url: str) -> str:
    """How a place is found again without decrypting every URL (SHA-256 of the canonical URL)."""
    return hashlib.sha256(url.encode()).hexdigest()


def _urgent(value: int) -> bool:
    """Threatened or at immediate risk: the report signalled danger."""
    return value >= THREATENED


def _bump_list(session: Session, place: Place) -> None:
    """Keep ``listed`` in step with the status; a change is a new record in the member list."""
    listed = place.status in {s.value for s in LISTED} and place.erased_at is None
    if listed != place.listed or (listed and place.list_seq is None):
        place.listed = listed
        current = session.scalar(select(func.max(Place.list_seq))) or 0
        place.list_seq = int(current) + 1


def find_place(session: Session, organisation_id: int | None, canonical_url: str) -> Place | None:
    """The organisation's place for this canonical URL, if it has one."""
    digest = url_digest(canonical_url)
    owner = (
        Place.organisation_id == organisation_id
        if organisation_id is not None
        else Place.organisation_id.is_(None)
    )
    return session.scalar(select(Place).where(Place.url_sha256 == digest, owner))


def record_place(
    session: Session,
    organisation_id: int | None,
    url: str | CanonicalUrl,
    *,
    kind: str,
    report_id: int | None = None,
    ref: str | None = None,
    urgency: Urgency | None = None,
    clocks: Clocks | None = None,
    now: datetime | None = None,
) -> Place:
    """The place for this URL (canonicalised; raises ``UrlRejected``), created the first time
    it is named, with this source added (once: the same report or ref names it only once)."""
    found = url if isinstance(url, CanonicalUrl) else canonical(url)
    moment, clocks = now or utcnow(), clocks or Clocks()
    weight = priority(urgency or Urgency())
    digest = url_digest(found.url)
    place = find_place(session, organisation_id, found.url)
    if place is None:
        host = host_directory().host_for(found.registered_domain)
        place = Place(
            organisation_id=organisation_id,
            url=found.url,
            url_sha256=digest,
            host=found.host,
            registered_domain=found.registered_domain,
            platform=host.name if host else None,
            flags=",".join(found.flags),
            status=PlaceStatus.REPORTED.value,
            priority=weight,
            reported_at=moment,
            first_action_due=first_action_due(moment, _urgent(weight), clocks),
        )
        session.add(place)
        session.flush()
        record(
            session,
            SystemAction.PLACE_RECORDED,
            object_type="place",
            object_id=place.id,
            detail={"source": kind},
        )
    else:
        for source in place.sources:
            if source.kind == kind and source.report_id == report_id and source.ref == ref:
                return place
        if weight > place.priority:
            place.priority = weight
            due = first_action_due(place.reported_at, _urgent(weight), clocks)
            place.first_action_due = min(place.first_action_due, due)
        record(
            session,
            SystemAction.PLACE_SOURCE_ADDED,
            object_type="place",
            object_id=place.id,
            detail={"source": kind},
        )
    place.sources.append(
        PlaceSource(kind=kind, report_id=report_id, ref=ref, priority=weight, created_at=moment)
    )
    session.flush()
    return place


def move(
    session: Session,
    place: Place,
    to: PlaceStatus,
    *,
    reason: str,
    news: LinkNews,
    staff_user_id: int | None = None,
    duplicate_of: int | None = None,
    clocks: Clocks | None = None,
    now: datetime | None = None,
) -> PlaceMove:
    """One step of the status machine, with who, when and why (raises ``TransitionRefused``).
    A move to "notice sent" or "removed" is news for the young people who asked for it
    (queued through ``news`` in this transaction)."""
    before = PlaceStatus(place.status)
    check_move(before, to, reason=reason, duplicate_of=duplicate_of, place_id=place.id)
    if duplicate_of is not None:
        other = session.get(Place, duplicate_of)
        if other is None or other.organisation_id != place.organisation_id:
            from reclaim.takedown.status import TransitionRefused

            raise TransitionRefused(f"There is no place number {duplicate_of} in your queue.")
    moment, clocks = now or utcnow(), clocks or Clocks()
    actor = current_context().actor
    step = PlaceMove(
        from_status=before.value,
        to_status=to.value,
        actor=actor[:64],
        staff_user_id=staff_user_id,
        at=moment,
        reason=reason.strip()[:2000],
        duplicate_of=duplicate_of if to is PlaceStatus.DUPLICATE else None,
    )
    place.moves.append(step)
    place.status = to.value
    place.duplicate_of = duplicate_of if to is PlaceStatus.DUPLICATE else None
    if place.first_action_at is None:
        place.first_action_at = moment
    if to is PlaceStatus.REMOVED:
        place.removed_at = moment
    elif before is PlaceStatus.REMOVED:
        place.removed_at = None  # it came back
    place.recheck_due = recheck_due(to, moment, clocks)
    _bump_list(session, place)
    session.flush()
    record(
        session,
        StaffAction.PLACE_MOVED,
        object_type="place",
        object_id=place.id,
        detail={"from": before.value, "to": to.value, "move": step.id},
    )
    if to in (PlaceStatus.NOTICE_SENT, PlaceStatus.REMOVED) and before is not to:
        for report_id in {s.report_id for s in place.sources if s.report_id is not None}:
            news.queue_link_news(session, report_id)
    return step


def note_liveness(
    session: Session, place: Place, outcome: str, now: datetime | None = None
) -> None:
    """Keep what the optional liveness check answered (a hint for the analyst, never a move)."""
    place.last_liveness, place.last_liveness_at = outcome[:40], now or utcnow()
    session.flush()
    record(
        session,
        SystemAction.LIVENESS_CHECKED,
        object_type="place",
        object_id=place.id,
        detail={"outcome": outcome[:40]},
    )


def assign(session: Session, place: Place, staff_user_id: int | None) -> bool:
    """Give the place to an analyst (or to nobody). Returns whether it changed."""
    if place.assigned_to == staff_user_id:
        return False
    place.assigned_to = staff_user_id
    session.flush()
    record(
        session,
        StaffAction.PLACE_ASSIGNED,
        object_type="place",
        object_id=place.id,
        detail={"to": staff_user_id},
    )
    return True


def forget_report(session: Session, report_id: int) -> list[int]:
    """A young person deleted their report: its sources go; a place no one else named is
    erased (its URL blanked, off the member list as a tombstone). Returns the erased ids."""
    sources = list(session.scalars(select(PlaceSource).where(PlaceSource.report_id == report_id)))
    places = {s.place_id for s in sources}
    for source in sources:
        session.delete(source)
    session.flush()
    erased = []
    for place_id in sorted(places):
        place = session.get(Place, place_id)
        if place is None:
            continue
        session.refresh(place, ["sources"])
        if place.sources:
            continue
        # The digest goes too (a new report of the same URL is a new place); the row stays
        # as the member list's tombstone.
        place.url, place.erased_at = "", utcnow()
        place.url_sha256 = f"erased-{secrets.token_hex(16)}"
        for step in place.moves:
            step.reason = ""
        _bump_list(session, place)
        erased.append(place_id)
        record(session, PublicAction.PLACE_ERASED, object_type="place", object_id=place_id)
    session.flush()
    return erased
