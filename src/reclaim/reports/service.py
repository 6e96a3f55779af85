"""Making a report, checking it with its reference and PIN, withdrawing hashes, erasing it.

Only hashes and what the person typed arrive here. Each file's hashes become one content item
of the hash list (provenance ``self_report``), so platforms match it at once; a withdrawal
changes the item's status, which the matcher and the delta feed (as a tombstone) pick up.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reclaim.accounts import lockout
from reclaim.accounts.lockout import LockoutPolicy
from reclaim.accounts.models import Organisation
from reclaim.accounts.passwords import PasswordHashing
from reclaim.audit.recorder import acting_as, record, redact
from reclaim.bank import signals as sig
from reclaim.bank.feedback import blocked_count
from reclaim.bank.items import (
    BankError,
    ItemStatus,
    Provenance,
    add_item,
    get_or_create_list,
    set_status,
)
from reclaim.bank.models import ContentItem, PlatformFeedback
from reclaim.notify import outbox
from reclaim.notify.models import Notification
from reclaim.reports.models import Report, ReportHash, ReportUrl
from reclaim.reports.ownership import report_for_staff, resolve_intake
from reclaim.reports.references import new_pin, new_reference, normalise_pin, normalise_reference
from reclaim.reports.urls import canonical_url, host_of
from reclaim.storage.base import utcnow


class AgeGroup(StrEnum):
    UNDER_18 = "under18"
    ADULT_TAKEN_UNDER_18 = "adult_taken_under18"
    ADULT = "adult"


class UrlStatus(StrEnum):
    REPORTED = "reported"
    SENT = "sent"  # sent to the site
    REMOVED = "removed"


class ReportError(ValueError):
    """The report cannot be made as sent; the message says what to change, kindly."""


class ReportAction(StrEnum):
    CREATED = "public:report:made"
    VIEWED = "public:report:viewed"
    WITHDRAWN = "public:report:withdrawn"
    ERASED = "public:report:erased"
    PIN_LOCKED = "public:report:pin-locked"


@dataclass(frozen=True, slots=True)
class FileHashes:
    """What the device sent for one photo or video."""

    kind: str  # image or video
    sha256: str
    md5: str
    pdq: str | None = None
    quality: int | None = None
    frames: Sequence[dict[str, Any]] | None = None


@dataclass(slots=True)
class NewReport:
    age_group: AgeGroup
    country: str
    files: Sequence[FileHashes] = ()
    urls: Sequence[str] = ()
    apps: str = ""
    who_has_it: str = ""
    threatened: bool | None = None
    feels_safe: str | None = None  # yes, no, not_sure
    contact: str | None = None
    source: str = "api"
    busy_connection: bool = False
    #: The client's key for this submission (``Idempotency-Key``, or the form's token): a
    #: retry with the same key within RETRY_WINDOW gets this report back, not a second one.
    idempotency_key: str | None = None


@dataclass(slots=True)
class Created:
    report: Report
    pin: str
    #: Positions (1-based) of files kept as exact copies only (too plain for a PDQ).
    exact_only: list[int] = field(default_factory=list)
    #: Staff alerts queued for this report (urgent, with email configured).
    staff_alerted: int = 0
    #: True when this is the report an earlier submission with the same key made.
    replayed: bool = False


#: Answers to "Do you feel safe right now?" that signal danger: "I am not sure" is treated as
#: "No" (help at once, urgent), because a child who cannot say they are safe may not be.
NOT_SAFE = frozenset({"no", "not_sure"})


def is_urgent(threatened: bool | None, feels_safe: str | None) -> bool:
    """Whether a report signals danger: it jumps every queue and its staff are alerted."""
    return feels_safe in NOT_SAFE or threatened is True


def danger_flags(threatened: bool | None, feels_safe: str | None) -> list[str]:
    """What the person said that made the report urgent, in staff words."""
    flags = []
    if feels_safe == "no":
        flags.append("does not feel safe")
    elif feels_safe == "not_sure":
        flags.append("not sure they are safe")
    if threatened:
        flags.append("threatened")
    return flags


def _signals(file: FileHashes) -> tuple[list[sig.Signal], bool]:
    """The signals to store, and whether only exact copies can match."""
    exact = [sig.make_signal("sha256", file.sha256), sig.make_signal("md5", file.md5)]
    if file.kind == "video":
        if file.frames:
            return [sig.make_signal("vpdq", list(file.frames)), *exact], False
        return exact, True
    if file.pdq is not None and file.quality is not None:
        return [sig.make_signal("pdq", file.pdq, file.quality), *exact], False
    return exact, True


#: How long a retry of a submission returns its report (and its PIN, kept encrypted only
#: for this long so the retry can show it).
RETRY_WINDOW = timedelta(hours=24)
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:+/=-]{8,200}")


def valid_idempotency_key(key: str) -> bool:
    return bool(_IDEMPOTENCY_KEY.fullmatch(key))


def idempotency_digest(key: str) -> str:
    return hashlib.sha256(f"reclaim/report-retry/v1:{key}".encode()).hexdigest()


def forget_old_retries(session: Session) -> int:
    """Past RETRY_WINDOW, a report no longer answers retries: its key digest and its
    encrypted PIN are cleared (the PIN is then kept only as its Argon2 hash)."""
    result = session.execute(
        update(Report)
        .where(Report.idempotency_digest.is_not(None), Report.created_at < utcnow() - RETRY_WINDOW)
        .values(idempotency_digest=None, retry_pin=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def find_retry(session: Session, key: str) -> Created | None:
    """The report a submission with this key already made (within RETRY_WINDOW), as it was
    answered the first time, or None."""
    report = session.scalar(
        select(Report).where(
            Report.idempotency_digest == idempotency_digest(key),
            Report.created_at >= utcnow() - RETRY_WINDOW,
            Report.erased_at.is_(None),
        )
    )
    if report is None or report.retry_pin is None:
        return None
    alerted = session.scalar(
        select(func.count(Notification.id)).where(
            Notification.report_id == report.id, Notification.staff_user_id.is_not(None)
        )
    )
    return Created(
        report,
        report.retry_pin,
        [h.position for h in report.hashes if h.exact_only],
        int(alerted or 0),
        replayed=True,
    )


def _serialise_retries(session: Session, key: str) -> None:
    """Two tries of one submission at the same moment: the second waits for the first and then
    finds its report (SQLite's writers are serialised already)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        lock = int(idempotency_digest(key)[:15], 16)
        connection.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})


def create_report(
    session: Session, hashing: PasswordHashing, new: NewReport, *, intake: str = ""
) -> Created:
    """Make a report; it belongs to the intake organisation named ``intake`` (see
    :mod:`reclaim.reports.ownership`)."""
    if new.idempotency_key:
        _serialise_retries(session, new.idempotency_key)
        earlier = find_retry(session, new.idempotency_key)
        if earlier is not None:
            return earlier
    if not new.files and not new.urls:
        raise ReportError("Add a photo or video, or a link where you saw it.")
    if new.files and new.age_group is AgeGroup.ADULT:
        raise ReportError(
            "Reclaim's list is for images taken before someone was 18. For an image of you "
            "as an adult, StopNCII.org can block it in the same private way."
        )
    urls = []
    for text in new.urls:
        url = canonical_url(text)
        if url not in urls:
            urls.append(url)
    pin = new_pin()
    details = {k: v for k, v in (("apps", new.apps), ("who_has_it", new.who_has_it)) if v}
    owner = resolve_intake(session, intake)
    report = Report(
        organisation_id=owner.id if owner is not None else None,
        reference=_unused_reference(session),
        pin_hash=hashing.hash(pin),
        age_group=new.age_group.value,
        country=new.country.upper(),
        urgent=is_urgent(new.threatened, new.feels_safe),
        threatened=new.threatened,
        feels_safe=new.feels_safe,
        details=json.dumps(details) if details else None,
        contact=(new.contact or "").strip() or None,
        source=new.source,
        busy_connection=new.busy_connection,
    )
    if new.idempotency_key:
        forget_old_retries(session)
        report.idempotency_digest = idempotency_digest(new.idempotency_key)
        report.retry_pin = pin
    session.add(report)
    session.flush()
    created = Created(report, pin)
    hash_list = get_or_create_list(session)
    for position, file in enumerate(new.files, 1):
        signals, exact_only = _signals(file)
        try:
            added = add_item(
                session,
                hash_list,
                signals,
                provenance=Provenance.SELF_REPORT,
                provenance_ref=f"report:{report.reference}",
            )
        except BankError:  # a PDQ below the list's quality floor: keep the exact hashes
            signals = [s for s in signals if s.type is not sig.SignalType.PDQ]
            exact_only = True
            added = add_item(
                session,
                hash_list,
                signals,
                provenance=Provenance.SELF_REPORT,
                provenance_ref=f"report:{report.reference}",
            )
        if not added.created and added.item.status == ItemStatus.WITHDRAWN.value:
            set_status(session, added.item, ItemStatus.ACTIVE, "reported again")
        if exact_only:
            created.exact_only.append(position)
        report.hashes.append(
            ReportHash(
                item_id=added.item.id, position=position, kind=file.kind, exact_only=exact_only
            )
        )
    for url in urls:
        report.urls.append(ReportUrl(url=url, host=host_of(url), status=UrlStatus.REPORTED.value))
    session.flush()
    record(
        session,
        ReportAction.CREATED,
        object_type="report",
        object_id=report.id,
        detail={"files": len(new.files), "urls": len(urls), "urgent": report.urgent},
    )
    return created


def _unused_reference(session: Session) -> str:
    for _ in range(20):
        reference = new_reference()
        if session.scalar(select(Report.id).where(Report.reference == reference)) is None:
            return reference
    raise IntegrityError("no unused reference found", None, ValueError())  # pragma: no cover


class Outcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown reference or wrong PIN: the same answer for both
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class PinPolicy:
    #: Wrong PINs for one reference (existing or not) before checking it pauses; the pauses
    #: double and the count is kept until the right PIN is given.
    lockout: LockoutPolicy = field(
        default_factory=lambda: LockoutPolicy(max_lockout=timedelta(hours=24))
    )
    #: While a reference is paused, a connection that has given no wrong PIN lately may still
    #: try it, so its owner gets in while a stranger hammers it. A wrong PIN given that way
    #: closes this side door for the reference for this long: strangers with many
    #: connections get one such guess per period at most.
    fresh_try_every: timedelta = timedelta(hours=4)

    @property
    def side_door(self) -> LockoutPolicy:
        return LockoutPolicy(max_failures=1, lockout=self.fresh_try_every)


@dataclass(frozen=True, slots=True)
class Access:
    outcome: Outcome
    report: Report | None = None
    #: When LOCKED: the earliest moment this connection's next try will be checked.
    locked_until: datetime | None = None
    #: True when a PIN was really compared and was wrong (counts against the connection).
    wrong_guess: bool = False


def open_report(
    session: Session,
    hashing: PasswordHashing,
    reference_text: str,
    pin_text: str,
    policy: PinPolicy,
    now: datetime | None = None,
    *,
    fresh_connection: bool = False,
) -> Access:
    """Check a reference and PIN. Commit the session whatever the outcome (failures count).

    Unknown references take the very same path as real ones (their own lockout row, an Argon2
    verification against a dummy hash), so the answers never tell whether a reference exists.
    """
    moment = now or utcnow()
    reference = normalise_reference(reference_text)
    pin = normalise_pin(pin_text)
    subject = reference or reference_text.strip().upper()[:40]
    key, side_key = (
        lockout.key_for("report-pin", subject),
        lockout.key_for("report-pin-side", subject),
    )
    held = lockout.state(session, key)
    by_side_door = False
    if held.paused(moment) and held.locked_until is not None:
        side = lockout.state(session, side_key)
        if not fresh_connection or (side.paused(moment) and side.locked_until is not None):
            retry = held.locked_until
            if fresh_connection and side.locked_until is not None:
                retry = min(retry, side.locked_until)
            return Access(Outcome.LOCKED, locked_until=retry)
        by_side_door = True
    report = (
        session.scalar(select(Report).where(Report.reference == reference)) if reference else None
    )
    # Verify even when there is no such reference, so that both cost the same.
    ok = hashing.verify(report.pin_hash if report else None, pin or "-") and pin is not None
    if ok and report is not None:
        lockout.clear(session, key)
        lockout.clear(session, side_key)
        record(session, ReportAction.VIEWED, object_type="report", object_id=report.id)
        return Access(Outcome.OK, report)
    until = lockout.record_failure(session, key, policy.lockout, moment)
    if by_side_door:
        lockout.record_failure(session, side_key, policy.side_door, moment)
    if until is None:
        return Access(Outcome.WRONG, wrong_guess=True)
    if report is not None and not held.paused(moment):
        record(session, ReportAction.PIN_LOCKED, object_type="report", object_id=report.id)
    return Access(Outcome.LOCKED, locked_until=until, wrong_guess=True)


@dataclass(frozen=True, slots=True)
class HashState:
    id: int
    position: int
    kind: str
    status: str  # active, withdrawn, stopped (by staff) or expired
    exact_only: bool


@dataclass(frozen=True, slots=True)
class UrlState:
    id: int
    url: str
    host: str
    status: str


@dataclass(frozen=True, slots=True)
class ReportStatus:
    reference: str
    age_group: str
    country: str
    created_at: datetime
    urgent: bool
    erased: bool
    hashes: list[HashState]
    urls: list[UrlState]
    blocked_on: int
    has_contact: bool

    @property
    def active(self) -> list[HashState]:
        return [h for h in self.hashes if h.status == "active"]


def status_of(session: Session, report: Report) -> ReportStatus:
    items = {
        item.id: item
        for item in session.scalars(
            select(ContentItem).where(ContentItem.id.in_([h.item_id for h in report.hashes]))
        )
    }
    hashes = []
    for link in report.hashes:
        item = items[link.item_id]
        if link.withdrawn_at is not None and item.status == ItemStatus.ACTIVE.value:
            # Withdrawn here, but another report of the same file still wants it: websites
            # still block it, and saying "withdrawn" would not be true.
            state = "still_listed"
        elif link.withdrawn_at is not None or item.status == ItemStatus.WITHDRAWN.value:
            state = "withdrawn"
        elif item.status == ItemStatus.ACTIVE.value:
            state = "active"
        elif item.status == ItemStatus.EXPIRED.value:
            state = "expired"
        else:
            state = "stopped"
        hashes.append(HashState(link.id, link.position, link.kind, state, link.exact_only))
    return ReportStatus(
        reference=report.reference,
        age_group=report.age_group,
        country=report.country,
        created_at=report.created_at,
        urgent=report.urgent,
        erased=report.erased_at is not None,
        hashes=hashes,
        urls=[UrlState(u.id, u.url, u.host, u.status) for u in report.urls],
        blocked_on=blocked_count(session, list(items)) if items else 0,
        has_contact=has_contact(session, report.id),
    )


def has_contact(session: Session, report_id: int) -> bool:
    """Whether the person left a contact (asked of the database: nothing is decrypted)."""
    found = session.scalar(
        select(Report.id).where(Report.id == report_id, Report.contact.is_not(None))
    )
    return found is not None


def _withdraw_link(session: Session, link: ReportHash, reason: str) -> bool:
    if link.withdrawn_at is not None:
        return False
    link.withdrawn_at = utcnow()
    session.flush()
    still_wanted = session.scalar(
        select(ReportHash.id).where(
            ReportHash.item_id == link.item_id, ReportHash.withdrawn_at.is_(None)
        )
    )
    item = session.get(ContentItem, link.item_id)
    if (
        item is not None
        and still_wanted is None
        and item.provenance == Provenance.SELF_REPORT.value
        and item.status == ItemStatus.ACTIVE.value
    ):
        set_status(session, item, ItemStatus.WITHDRAWN, reason)
    return True


def withdrawn_by_owner(session: Session, item: ContentItem) -> bool:
    """Whether the young people who reported this item have all withdrawn or deleted it: then
    their choice stands, and only their own new report of it makes it active again."""
    if item.provenance != Provenance.SELF_REPORT.value:
        return False
    links = list(
        session.scalars(select(ReportHash.withdrawn_at).where(ReportHash.item_id == item.id))
    )
    return bool(links) and all(at is not None for at in links)


def staff_set_item_status(
    session: Session, item: ContentItem, status: ItemStatus, reason: str
) -> bool:
    """A staff member changes an item's status, always with a reason. What a young person
    withdrew or deleted stays off the list: staff may switch it off further (disable, with a
    reason), never make it active."""
    if status is ItemStatus.ACTIVE and withdrawn_by_owner(session, item):
        raise BankError(
            "The young person who reported this withdrew or deleted it, so it stays off the "
            "list. You can disable it, with a reason, but not make it active."
        )
    return set_status(session, item, status, reason)


def withdraw(session: Session, report: Report, hash_ids: Sequence[int] | None = None) -> int:
    """Withdraw some (``hash_ids``) or all of a report's hashes; returns how many changed."""
    links = report.hashes
    if hash_ids is not None:
        wanted = set(hash_ids)
        unknown = wanted - {link.id for link in links}
        if unknown:
            raise ReportError(f"This report has no hashes numbered {sorted(unknown)}.")
        links = [link for link in links if link.id in wanted]
    changed = sum(
        _withdraw_link(session, link, "withdrawn by the person who reported it") for link in links
    )
    if changed:
        record(
            session,
            ReportAction.WITHDRAWN,
            object_type="report",
            object_id=report.id,
            detail={"hashes": changed},
        )
    return changed


def erase(session: Session, report: Report) -> None:
    """Delete everything: personal details gone, hashes withdrawn, the audit trail redacted
    (its chain still verifies). The reference remains only to say that it was deleted."""
    provenance = f"report:{report.reference}"
    for link in report.hashes:
        _withdraw_link(session, link, "deleted by the person who reported it")
        item = session.get(ContentItem, link.item_id)
        if item is not None and item.provenance_ref == provenance:
            item.provenance_ref = None  # the item stays, withdrawn: a tombstone in the feed
    url_ids = [u.id for u in report.urls]
    item_ids = [link.item_id for link in report.hashes]
    report.urls.clear()
    outbox.forget(session, report.id)
    report.details = None
    report.contact = None
    report.retry_pin = None
    report.idempotency_digest = None
    report.threatened = None
    report.feels_safe = None
    report.erased_at = utcnow()
    session.flush()
    redact(session, object_type="report", object_id=str(report.id))
    for url_id in url_ids:
        redact(session, object_type="url", object_id=str(url_id))
    for item_id in item_ids:
        redact(session, object_type="item", object_id=str(item_id))
    with acting_as(client_address=None):
        record(session, ReportAction.ERASED, object_type="report", object_id=report.id)


def set_url_status(session: Session, url: ReportUrl, status: UrlStatus) -> bool:
    """Move a link along; sent to the website or removed is news for the person who reported
    it (queued in this transaction when they left a contact). Returns whether it changed."""
    if url.status == status.value:
        return False
    url.status = status.value
    session.flush()
    if status in (UrlStatus.SENT, UrlStatus.REMOVED):
        outbox.queue_link_news(session, url.report_id)
    return True


def details_of(report: Report) -> dict[str, str]:
    """What the person typed (for staff with case access)."""
    return dict(json.loads(report.details)) if report.details else {}


@dataclass(frozen=True, slots=True)
class ReportSummary:
    public_id: str
    reference: str
    created_at: datetime
    age_group: str
    country: str
    urgent: bool
    flags: list[str]
    files: int
    urls: int
    seen: bool = False


def _summary(r: Report) -> ReportSummary:
    return ReportSummary(
        public_id=r.public_id,
        reference=r.reference,
        created_at=r.created_at,
        age_group=r.age_group,
        country=r.country,
        urgent=r.urgent,
        flags=danger_flags(r.threatened, r.feels_safe)
        + (["many reports from one connection"] if r.busy_connection else []),
        files=len(r.hashes),
        urls=len(r.urls),
        seen=r.urgent_seen_at is not None,
    )


def _open_reports(organisation_id: int) -> Any:
    """The organisation's reports that still exist (erased ones are gone for staff too)."""
    return select(Report).where(
        Report.erased_at.is_(None), Report.organisation_id == organisation_id
    )


def _urgent_waiting_query(organisation_id: int) -> Any:
    return _open_reports(organisation_id).where(
        Report.urgent.is_(True), Report.urgent_seen_at.is_(None)
    )


def urgent_waiting(session: Session, organisation_id: int, intake: str) -> int:
    """The organisation's urgent reports no one on its staff has marked seen yet."""
    resolve_intake(session, intake)
    query = _urgent_waiting_query(organisation_id)
    count = session.scalar(select(func.count()).select_from(query.subquery()))
    return int(count or 0)


@dataclass(frozen=True, slots=True)
class StaffPage:
    reports: list[ReportSummary]
    total: int
    page: int
    pages: int


def _paged(session: Session, query: Any, page: int, size: int) -> StaffPage:
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = session.scalars(query.offset((page - 1) * size).limit(size))
    return StaffPage([_summary(r) for r in rows], total, page, pages)


def urgent_for_staff(
    session: Session, organisation_id: int, intake: str, page: int = 1, size: int = 20
) -> StaffPage:
    """The organisation's urgent reports not yet marked seen, the one waiting longest first:
    a flood of new ones cannot push an older one down, and every one is reachable page by page."""
    resolve_intake(session, intake)
    query = _urgent_waiting_query(organisation_id).order_by(Report.created_at, Report.id)
    return _paged(session, query, page, size)


def reports_for_staff(
    session: Session, organisation_id: int, intake: str, page: int = 1, size: int = 50
) -> StaffPage:
    """The organisation's open reports, newest first (urgent ones marked), page by page."""
    resolve_intake(session, intake)
    query = _open_reports(organisation_id).order_by(Report.created_at.desc(), Report.id.desc())
    return _paged(session, query, page, size)


class StaffAction(StrEnum):
    URGENT_SEEN = "case:report:urgent-seen"


def mark_urgent_seen(session: Session, report: Report, staff_user_id: int) -> bool:
    """A staff member has looked at an urgent report: it leaves the "not yet seen" list
    (it stays urgent). Returns whether it changed."""
    if not report.urgent or report.urgent_seen_at is not None:
        return False
    report.urgent_seen_at, report.urgent_seen_by = utcnow(), staff_user_id
    session.flush()
    record(session, StaffAction.URGENT_SEEN, object_type="report", object_id=report.id)
    return True


@dataclass(frozen=True, slots=True)
class PlatformWord:
    platform: str
    status: str  # PendingReview, Blocked, NotBlocked
    at: datetime


@dataclass(frozen=True, slots=True)
class CaseItem:
    id: int
    item_id: int
    position: int
    kind: str
    status: str  # active, withdrawn, stopped or expired
    exact_only: bool
    feedback: list[PlatformWord]


@dataclass(frozen=True, slots=True)
class CaseUrl:
    id: int
    url: str
    host: str
    status: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CaseView:
    """One report as staff with case access see it (never an image, never the PIN, and not
    the contact itself: only whether the person asked for news and what was sent)."""

    id: int
    public_id: str
    reference: str
    created_at: datetime
    age_group: str
    country: str
    source: str
    urgent: bool
    urgent_seen_at: datetime | None
    busy_connection: bool
    threatened: bool | None
    feels_safe: str | None
    erased: bool
    items: list[CaseItem]
    urls: list[CaseUrl]
    details: dict[str, str]
    wants_news: bool
    news_sent: int
    news_waiting: int


def case_for_staff(
    session: Session, organisation_id: int, public_id: str, intake: str
) -> CaseView | None:
    """The report as its own organisation's staff see it; None for anyone else's."""
    report = report_for_staff(session, organisation_id, public_id, intake)
    if report is None:
        return None
    status = status_of(session, report)
    item_of = {link.id: link.item_id for link in report.hashes}
    words: dict[int, list[PlatformWord]] = {}
    if item_of:
        rows = session.execute(
            select(
                PlatformFeedback.item_id,
                Organisation.name,
                PlatformFeedback.status,
                PlatformFeedback.updated_at,
            )
            .join(Organisation, Organisation.id == PlatformFeedback.organisation_id)
            .where(PlatformFeedback.item_id.in_(list(item_of.values())))
            .order_by(Organisation.name)
        )
        for item_id, name, word, at in rows:
            words.setdefault(item_id, []).append(PlatformWord(name, word, at))
    counts: dict[bool, int] = {
        bool(sent): int(n)
        for sent, n in session.execute(
            select(Notification.sent_at.is_not(None), func.count())
            .where(Notification.report_id == report.id, Notification.failed_at.is_(None))
            .group_by(Notification.sent_at.is_not(None))
        )
    }
    updated = {u.id: u.updated_at for u in report.urls}
    return CaseView(
        id=report.id,
        public_id=report.public_id,
        reference=report.reference,
        created_at=report.created_at,
        age_group=report.age_group,
        country=report.country,
        source=report.source,
        urgent=report.urgent,
        urgent_seen_at=report.urgent_seen_at,
        busy_connection=report.busy_connection,
        threatened=report.threatened,
        feels_safe=report.feels_safe,
        erased=status.erased,
        items=[
            CaseItem(
                id=h.id,
                item_id=item_of[h.id],
                position=h.position,
                kind=h.kind,
                status=h.status,
                exact_only=h.exact_only,
                feedback=words.get(item_of[h.id], []),
            )
            for h in status.hashes
        ],
        urls=[CaseUrl(u.id, u.url, u.host, u.status, updated[u.id]) for u in status.urls],
        details=details_of(report),
        wants_news=status.has_contact,
        news_sent=counts.get(True, 0),
        news_waiting=counts.get(False, 0),
    )
