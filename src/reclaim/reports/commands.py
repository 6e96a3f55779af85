"""The young person's commands: make a report, open it with its reference and PIN, withdraw
hashes, erase it.

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
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reclaim.accounts import lockout
from reclaim.accounts.lockout import LockoutPolicy
from reclaim.audit.actions import PublicAction
from reclaim.audit.recorder import acting_as, record, redact
from reclaim.bank import signals as sig
from reclaim.bank.items import (
    BankError,
    ItemStatus,
    Provenance,
    add_item,
    get_or_create_list,
    set_status,
)
from reclaim.bank.models import ContentItem
from reclaim.reports.messages import N_, KindError
from reclaim.reports.models import Report, ReportHash, ReportUrl
from reclaim.reports.news import ReportNews
from reclaim.reports.ownership import resolve_intake
from reclaim.reports.references import new_pin, new_reference, normalise_pin, normalise_reference
from reclaim.reports.sharing import stop_all_sharing
from reclaim.reports.urls import canonical_url, host_of
from reclaim.storage.base import utcnow
from reclaim.takedown.places import SourceKind, forget_report, record_place
from reclaim.takedown.urgency import Urgency


class AgeGroup(StrEnum):
    #: A child of 12 or younger. The UKCIS advice makes "sexual acts and any child under 13" an
    #: immediate referral to the police and/or children's social care: always urgent.
    UNDER_13 = "under13"
    UNDER_18 = "under18"
    ADULT_TAKEN_UNDER_18 = "adult_taken_under18"
    ADULT = "adult"


class ReportError(KindError):
    """The report cannot be made as sent; the message says what to change, kindly."""


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
    #: An adult made the report for the child (from the device that holds the image).
    made_by_adult: bool = False


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


def is_urgent(
    threatened: bool | None, feels_safe: str | None, age_group: str | None = None
) -> bool:
    """Whether a report signals danger: it jumps every queue and its staff are alerted. A
    report by or for a child under 13 always does (an immediate referral in the guidance)."""
    return feels_safe in NOT_SAFE or threatened is True or age_group == AgeGroup.UNDER_13.value


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


class PinHashing(Protocol):
    """What hashes and checks PINs: :class:`reclaim.reports.pins.PinHasher` (or, in older
    callers, :class:`reclaim.accounts.passwords.PasswordHasher`)."""

    def hash(self, pin: str) -> str: ...

    def verify(self, stored_hash: str | None, pin: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class PreparedPin:
    """A new report's PIN and its hash, made before the write transaction opens (the hash is
    CPU work: no transaction should wait for it)."""

    pin: str
    pin_hash: str


def prepare_pin(hasher: PinHashing) -> PreparedPin:
    pin = new_pin()
    return PreparedPin(pin, hasher.hash(pin))


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
    encrypted PIN are cleared (the PIN is then kept only as its hash)."""
    result = session.execute(
        update(Report)
        .where(Report.idempotency_digest.is_not(None), Report.created_at < utcnow() - RETRY_WINDOW)
        .values(idempotency_digest=None, retry_pin=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def find_retry(session: Session, key: str) -> Created | None:
    """The report a submission with this key already made (within RETRY_WINDOW), as it was
    answered the first time (``staff_alerted`` is for the caller to fill in), or None."""
    report = session.scalar(
        select(Report).where(
            Report.idempotency_digest == idempotency_digest(key),
            Report.created_at >= utcnow() - RETRY_WINDOW,
            Report.erased_at.is_(None),
        )
    )
    if report is None or report.retry_pin is None:
        return None
    return Created(
        report,
        report.retry_pin,
        [h.position for h in report.hashes if h.exact_only],
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
    session: Session, pin: PreparedPin | PinHashing, new: NewReport, *, intake: str = ""
) -> Created:
    """Make a report; it belongs to the intake organisation named ``intake`` (see
    :mod:`reclaim.reports.ownership`). ``pin`` comes from :func:`prepare_pin`, called before
    the transaction (a hasher works too, hashing inside it: tests and tools)."""
    if new.idempotency_key:
        _serialise_retries(session, new.idempotency_key)
        earlier = find_retry(session, new.idempotency_key)
        if earlier is not None:
            return earlier
    if not new.files and not new.urls:
        raise ReportError(N_("Add a photo or video, or a link where you saw it."))
    if new.files and new.age_group is AgeGroup.ADULT:
        raise ReportError(
            N_(
                "Reclaim's list is for images taken before someone was 18. For an image of you "
                "as an adult, StopNCII.org can block it in the same private way."
            )
        )
    urls = []
    for text in new.urls:
        url = canonical_url(text)
        if url not in urls:
            urls.append(url)
    prepared = pin if isinstance(pin, PreparedPin) else prepare_pin(pin)
    details = {k: v for k, v in (("apps", new.apps), ("who_has_it", new.who_has_it)) if v}
    owner = resolve_intake(session, intake)
    report = Report(
        organisation_id=owner.id if owner is not None else None,
        reference=_unused_reference(session),
        pin_hash=prepared.pin_hash,
        age_group=new.age_group.value,
        country=new.country.upper(),
        urgent=is_urgent(new.threatened, new.feels_safe, new.age_group.value),
        threatened=new.threatened,
        feels_safe=new.feels_safe,
        details=json.dumps(details) if details else None,
        contact=(new.contact or "").strip() or None,
        source=new.source,
        busy_connection=new.busy_connection,
        made_by_adult=new.made_by_adult,
    )
    if new.idempotency_key:
        forget_old_retries(session)
        report.idempotency_digest = idempotency_digest(new.idempotency_key)
        report.retry_pin = prepared.pin
    session.add(report)
    session.flush()
    created = Created(report, prepared.pin)
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
    urgency = Urgency(new.feels_safe, new.threatened, new.age_group.value)
    for url in urls:
        # One place per canonical URL in the takedown queue, however many reports name it.
        place = record_place(
            session,
            report.organisation_id,
            url,
            kind=SourceKind.REPORT,
            report_id=report.id,
            urgency=urgency,
        )
        report.urls.append(ReportUrl(url=url, host=host_of(url), place_id=place.id))
    session.flush()
    record(
        session,
        PublicAction.REPORT_MADE,
        object_type="report",
        object_id=report.id,
        detail={
            "files": len(new.files),
            "urls": len(urls),
            "urgent": report.urgent,
            "made_by_adult": report.made_by_adult,
        },
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


@dataclass(slots=True)
class PinCheck:
    """A reference and PIN on their way to being checked, in three steps so that the slow one
    holds nothing: :func:`begin_pin_check` reads (a read transaction), :meth:`verify` hashes
    (no transaction at all, off the event loop), :func:`finish_pin_check` records the outcome
    (a short write transaction). :func:`open_report` does all three in one session."""

    reference: str | None
    pin: str | None
    key: str
    side_key: str
    fresh_connection: bool
    #: Set when the answer is known without hashing (the reference is paused for this try).
    early: Access | None = None
    report_id: int | None = None
    stored_hash: str | None = None
    ok: bool = False
    #: A new hash for a right PIN stored in an older format (or under an older key).
    rehashed: str | None = None

    def verify(self, hasher: PinHashing) -> None:
        """The slow part: Argon2 (against a dummy hash when there is no such reference, so
        both cost the same)."""
        if self.early is not None:
            return
        self.ok = hasher.verify(self.stored_hash, self.pin or "-") and self.pin is not None
        needs = getattr(hasher, "needs_rehash", None)
        if self.ok and self.stored_hash and self.pin and needs and needs(self.stored_hash):
            self.rehashed = hasher.hash(self.pin)


def _paused_for(
    session: Session, check: PinCheck, moment: datetime
) -> tuple[Access | None, bool, lockout.LockState]:
    """(the LOCKED answer if this try is not checked, whether it came by the side door, the
    reference's lockout state)."""
    held = lockout.state(session, check.key)
    if held.paused(moment) and held.locked_until is not None:
        side = lockout.state(session, check.side_key)
        if not check.fresh_connection or (side.paused(moment) and side.locked_until is not None):
            retry = held.locked_until
            if check.fresh_connection and side.locked_until is not None:
                retry = min(retry, side.locked_until)
            return Access(Outcome.LOCKED, locked_until=retry), False, held
        return None, True, held
    return None, False, held


def begin_pin_check(
    session: Session,
    reference_text: str,
    pin_text: str,
    now: datetime | None = None,
    *,
    fresh_connection: bool = False,
) -> PinCheck:
    """Read what checking needs (a read-only session is enough)."""
    moment = now or utcnow()
    reference = normalise_reference(reference_text)
    subject = reference or reference_text.strip().upper()[:40]
    check = PinCheck(
        reference=reference,
        pin=normalise_pin(pin_text),
        key=lockout.key_for("report-pin", subject),
        side_key=lockout.key_for("report-pin-side", subject),
        fresh_connection=fresh_connection,
    )
    check.early = _paused_for(session, check, moment)[0]
    if check.early is None and reference:
        found = session.execute(
            select(Report.id, Report.pin_hash).where(Report.reference == reference)
        ).first()
        if found is not None:
            check.report_id, check.stored_hash = found.id, found.pin_hash
    return check


def finish_pin_check(
    session: Session, check: PinCheck, policy: PinPolicy, now: datetime | None = None
) -> Access:
    """Record the outcome of a verified check (failures count, a right PIN clears them).

    The lockout is read again here, in the write transaction: a try that was verified while
    other tries paused the reference is answered as paused, as it would have been had the
    tries come one after another."""
    moment = now or utcnow()
    if check.early is not None:
        return check.early
    locked, by_side_door, held = _paused_for(session, check, moment)
    if locked is not None:
        return locked
    report = session.get(Report, check.report_id) if check.report_id is not None else None
    if check.ok and report is not None and report.pin_hash == check.stored_hash:
        lockout.clear(session, check.key)
        lockout.clear(session, check.side_key)
        if check.rehashed is not None:
            report.pin_hash = check.rehashed
        record(session, PublicAction.REPORT_VIEWED, object_type="report", object_id=report.id)
        return Access(Outcome.OK, report)
    until = lockout.record_failure(session, check.key, policy.lockout, moment)
    if by_side_door:
        lockout.record_failure(session, check.side_key, policy.side_door, moment)
    if until is None:
        return Access(Outcome.WRONG, wrong_guess=True)
    if report is not None and not held.paused(moment):
        record(session, PublicAction.PIN_LOCKED, object_type="report", object_id=report.id)
    return Access(Outcome.LOCKED, locked_until=until, wrong_guess=True)


def open_report(
    session: Session,
    hasher: PinHashing,
    reference_text: str,
    pin_text: str,
    policy: PinPolicy,
    now: datetime | None = None,
    *,
    fresh_connection: bool = False,
) -> Access:
    """Check a reference and PIN in one session. Commit the session whatever the outcome
    (failures count). Routes use the three steps of :class:`PinCheck` instead, so that no
    transaction is open while Argon2 runs.

    Unknown references take the very same path as real ones (their own lockout row, an Argon2
    verification against a dummy hash), so the answers never tell whether a reference exists.
    """
    check = begin_pin_check(
        session, reference_text, pin_text, now, fresh_connection=fresh_connection
    )
    check.verify(hasher)
    return finish_pin_check(session, check, policy, now)


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


def withdraw(session: Session, report: Report, hash_ids: Sequence[int] | None = None) -> int:
    """Withdraw some (``hash_ids``) or all of a report's hashes; returns how many changed."""
    links = report.hashes
    if hash_ids is not None:
        wanted = set(hash_ids)
        unknown = wanted - {link.id for link in links}
        if unknown:
            raise ReportError(
                N_("This report has no photo or video numbered %(numbers)s."),
                numbers=", ".join(str(n) for n in sorted(unknown)),
            )
        links = [link for link in links if link.id in wanted]
    changed = sum(
        _withdraw_link(session, link, "withdrawn by the person who reported it") for link in links
    )
    if changed:
        record(
            session,
            PublicAction.REPORT_WITHDRAWN,
            object_type="report",
            object_id=report.id,
            detail={"hashes": changed},
        )
    return changed


def erase(session: Session, report: Report, news: ReportNews) -> None:
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
    session.flush()
    forget_report(session, report.id)
    news.forget(session, report.id)
    stop_all_sharing(session, report.id)  # sharing ends with the report
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
        record(session, PublicAction.REPORT_ERASED, object_type="report", object_id=report.id)


def report_by_reference(session: Session, reference: str) -> Report | None:
    """The report with this reference, for a page that already checked its PIN (a signed,
    short-lived token stands for that check)."""
    found: Report | None = session.scalar(select(Report).where(Report.reference == reference))
    return found
