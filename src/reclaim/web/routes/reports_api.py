"""The reports API: ``POST /api/v1/reports`` (hashes and typed text only, never files), status
with the reference and PIN (``X-Reclaim-PIN``), withdrawal and erasure.

Used by Reclaim's own report page and open to partner sites. Bodies are JSON of at most
:data:`MAX_BODY_BYTES`, unknown fields refused; a hidden ``website`` field (honeypot) and a
small proof-of-work keep scripts out without any third party.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal, NoReturn

from fastapi import APIRouter, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reclaim.accounts.lockout import LockoutPolicy
from reclaim.accounts.passwords import PasswordHashing
from reclaim.accounts.staff import intake_organisation
from reclaim.bank.signals import SignalRejected
from reclaim.config import Settings
from reclaim.directory import country as find_country
from reclaim.matching.plausible import (
    MAX_REPORT_FRAMES,
    MAX_VIDEO_FRAMES,
    Implausible,
    check_pdq,
    frames_to_keep,
)
from reclaim.matching.video import VpdqFrame
from reclaim.notify import outbox
from reclaim.notify.mail import looks_like_email
from reclaim.reports.proof import ProofOfWork, ProofRejected
from reclaim.reports.references import show_reference
from reclaim.reports.service import (
    Access,
    AgeGroup,
    Created,
    FileHashes,
    NewReport,
    Outcome,
    PinPolicy,
    ReportError,
    ReportStatus,
    create_report,
    erase,
    find_retry,
    is_urgent,
    open_report,
    status_of,
    valid_idempotency_key,
    withdraw,
)
from reclaim.reports.urls import UrlRejected
from reclaim.reports.wording import (
    HASH_STATUS,
    URL_STATUS,
    blocked_sentence,
    hash_label,
    next_steps,
)
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.web.body import json_body_doc, read_json, validated
from reclaim.web.ids import DbId
from reclaim.web.problems import ApiProblem
from reclaim.web.ratelimit import RateLimiter, wait_words

__all__ = ["MAX_BODY_BYTES", "ReportIn", "router"]

#: Ten files' hashes (a video's frame codes included) fit with room to spare; an image does not.
MAX_BODY_BYTES: Final = 256 * 1024
#: A withdrawal names at most MAX_FILES hash ids.
WITHDRAW_MAX_BYTES: Final = 4 * 1024
MAX_FILES: Final = 10
MAX_URLS: Final = 30

router = APIRouter(prefix="/api/v1", tags=["reports"])

#: Declares the PIN header in the OpenAPI document; :func:`_open` checks it.
PIN = APIKeyHeader(
    name="X-Reclaim-PIN",
    auto_error=False,
    scheme_name="ReclaimPIN",
    description="The PIN given with the report's reference.",
)

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Hex32 = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
Text = Annotated[str, Field(max_length=2000)]


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")
    t: Annotated[float, Field(ge=0)]
    quality: Annotated[int, Field(ge=0, le=100)]
    pdq: Hex64


class FileIn(BaseModel):
    """One photo's or video's hashes, made on the device by ``reclaim-hash.js``."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["image", "video"]
    sha256: Hex64
    md5: Hex32
    pdq: Hex64 | None = None
    quality: Annotated[int, Field(ge=0, le=100)] | None = None
    frames: Annotated[list[Frame], Field(max_length=MAX_VIDEO_FRAMES * 2)] | None = None
    capped: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FileIn:
        if self.kind == "image" and self.frames:
            raise ValueError("a photo has no frames")
        if self.kind == "video" and self.pdq:
            raise ValueError("a video's codes are its frames")
        if (self.pdq is None) != (self.quality is None):
            raise ValueError("pdq and quality come together")
        return self


class Proof(BaseModel):
    model_config = ConfigDict(extra="forbid")
    challenge: Annotated[str, Field(max_length=200)]
    nonce: Annotated[str, Field(max_length=20)]


class ReportIn(BaseModel):
    """A report. Everything but ``age_group`` is optional; send at least a file or a URL."""

    model_config = ConfigDict(extra="forbid")
    age_group: AgeGroup
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] = "XX"
    files: Annotated[list[FileIn], Field(max_length=MAX_FILES)] = []
    urls: Annotated[list[Text], Field(max_length=MAX_URLS)] = []
    apps: Text = ""
    who_has_it: Text = ""
    threatened: bool | None = None
    feels_safe: Literal["yes", "no", "not_sure"] | None = None
    contact: Annotated[str, Field(max_length=200)] | None = Field(
        None,
        description="An email address, if the person wants to hear when there is news (the "
        "email says only that, never the reference, PIN or any detail). Only on services that "
        "send email: elsewhere a contact is refused (422, `notifications-unavailable`).",
    )
    website: Annotated[str, Field(max_length=200)] = Field(
        "", description="Leave empty. People never see it; scripts that fill it are refused."
    )
    proof: Proof | None = Field(
        None, description="Proof-of-work from `GET /api/v1/reports/challenge`, when required."
    )


class HelpOut(BaseModel):
    name: str
    phone: str
    url: str
    what: str


class CreatedOut(BaseModel):
    reference: str
    reference_display: str
    pin: str
    urgent: bool
    staff_alerted: bool = Field(
        False, description="An urgent report: staff were sent an alert now (email configured)."
    )
    exact_only: list[int] = Field(description="Files kept as exact copies only (too plain).")
    status_url: str
    help: list[HelpOut]


class HashOut(BaseModel):
    id: int
    label: str
    kind: str
    status: str
    status_text: str
    exact_only: bool


class UrlOut(BaseModel):
    id: int
    url: str
    status: str
    status_text: str


class StatusOut(BaseModel):
    reference: str
    reference_display: str
    made_at: datetime
    erased: bool
    urgent: bool
    blocked_on: int
    blocked_text: str
    hashes: list[HashOut]
    urls: list[UrlOut]
    next_steps: list[str]
    help: list[HelpOut]


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hash_ids: Annotated[list[DbId], Field(max_length=MAX_FILES)] | None = None
    all: bool = False

    @model_validator(mode="after")
    def _one(self) -> WithdrawIn:
        if self.all == (self.hash_ids is not None):
            raise ValueError("send either `all: true` or `hash_ids`")
        return self


class ChallengeOut(BaseModel):
    challenge: str
    bits: int


# Helpers shared with the pages -------------------------------------------------------------


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_key(request: Request) -> str:
    return str(getattr(request.state, "client_address", None) or "unknown")


def help_for(country_code: str, adult: bool, default: str = "GB") -> list[HelpOut]:
    place = find_country(country_code, default)
    found = []
    if place.emergency:
        found.append(
            HelpOut(
                name="Emergency", phone=place.emergency, url="", what="If you are in danger now."
            )
        )
    line = place.helpline(adult)
    if line is not None:
        found.append(HelpOut(name=line.name, phone=line.phone, url=line.url, what=line.what))
    return found


#: Reports one address may send in an hour before the proof-of-work grows (the hourly budget
#: is ``RECLAIM_REPORT_RATE_PER_HOUR``); past this many budgets, ordinary reports wait.
CEILING_BUDGETS: Final = 5
#: Over the budget each report asks one more bit of work, up to this many (256 times the work).
MAX_EXTRA_BITS: Final = 8


def _report_key(request: Request) -> str:
    return f"report:{client_key(request)}"


def required_bits(request: Request, urgent: bool) -> int:
    """Proof-of-work for this address's next report: the usual amount, growing once the
    address has sent its hourly budget. Never more for a report that signals danger: the cost
    falls on whoever sends many reports, not on a child who needs help now."""
    settings = _settings(request)
    base, budget = settings.bot_guard_pow_bits, settings.report_rate_per_hour
    limiter: RateLimiter = request.app.state.report_limiter
    seen = limiter.count(_report_key(request))
    if urgent or base == 0 or seen < budget:
        return base
    return base + min(MAX_EXTRA_BITS, 1 + seen - budget)


def limited_message(country: str, adult: bool, default_country: str, wait: float) -> str:
    minutes = max(1, math.ceil(wait / 60))
    words = [
        "Many reports came from this connection in the last hour, so this one has to wait. "
        f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}."
    ]
    for line in help_for(country, adult, default_country):
        if line.name == "Emergency":
            words.append(f"If you are in danger, call {line.phone} now.")
        elif line.phone:
            words.append(f"You can talk to {line.name} on {line.phone}.")
    return " ".join(words)


def guard_report(request: Request, body: ReportIn, source: str, urgent: bool) -> bool:
    """The one abuse limit for both ways in (the API and the no-JavaScript form). Returns
    whether this address had already sent its hourly budget ("busy connection").

    A report that signals danger is never refused by it. Ordinary reports over the budget
    cost more proof-of-work (the API), and wait only past :data:`CEILING_BUDGETS` budgets, or
    at once on the form (which has no proof-of-work); a refusal says how to get help now.
    """
    settings = _settings(request)
    limiter: RateLimiter = request.app.state.report_limiter
    key, budget = _report_key(request), settings.report_rate_per_hour
    seen = limiter.count(key)
    if source == "api":
        check_proof(request, body, required_bits(request, urgent))
    pow_on = source == "api" and settings.bot_guard_pow_bits > 0
    if not urgent and (seen >= budget * CEILING_BUDGETS or (seen >= budget and not pow_on)):
        wait = limiter.hit(key) or 60.0
        raise ApiProblem(
            429,
            limited_message(
                body.country, body.age_group is AgeGroup.ADULT, settings.default_country, wait
            ),
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    limiter.hit(key, limit=budget * CEILING_BUDGETS)  # counts (saturates at the ceiling)
    return seen >= budget


def check_proof(request: Request, body: ReportIn, bits: int) -> None:
    proof: ProofOfWork = request.app.state.report_proof
    if not proof.bits:
        return
    if body.proof is None:
        raise ApiProblem(
            400,
            "Get a challenge from /api/v1/reports/challenge and send its proof.",
            kind="proof-required",
        )
    try:
        proof.check(body.proof.challenge, body.proof.nonce, min_bits=bits)
    except (ProofRejected, ValueError) as exc:
        raise ApiProblem(400, str(exc), kind="proof-rejected") from None


def check_pin_rate(request: Request) -> None:
    limiter: RateLimiter = request.app.state.pin_limiter
    wait = limiter.hit(f"pin:{client_key(request)}")
    if wait:
        raise ApiProblem(
            429,
            "That was a lot of tries in a short time. Please wait a minute, then try again.",
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )


def locked_message(until: datetime | None) -> str:
    seconds = (until - utcnow()).total_seconds() if until else 0.0
    return (
        f"That reference and PIN did not match too many times, so checking is paused for "
        f"{wait_words(seconds)} to keep your report safe. Your report is still working. "
        "If you need to talk to someone now, the numbers under Get help now are free."
    )


CONNECTION_PAUSED = (
    "There were many tries from this connection today, so checking from here is paused for "
    "{wait} to keep everyone's reports safe. Your report is still working. If you need to "
    "talk to someone now, the numbers under Get help now are free."
)


def check_pin(request: Request, session: Any, reference: str, pin: str) -> Access:
    """The one way a reference and PIN are checked (API and page). The guesser is limited,
    not the reference's owner: each connection has a rate and a daily budget of wrong PINs
    across all references; a reference's own pauses (reports.service.open_report) do not
    stop a connection with no wrong PINs, so the owner gets in while a stranger hammers it."""
    check_pin_rate(request)
    failures: RateLimiter = request.app.state.pin_failure_limiter
    address = f"pin-wrong:{client_key(request)}"
    wrong_today, wait = failures.check(address)
    if wait:
        raise ApiProblem(
            429,
            CONNECTION_PAUSED.format(wait=wait_words(wait)),
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    access = open_report(
        session,
        request.app.state.hashing,
        reference,
        pin,
        pin_policy(_settings(request)),
        fresh_connection=wrong_today == 0,
    )
    if access.wrong_guess:
        failures.hit(address)
    return access


NO_NOTIFICATIONS = (
    "This service cannot send emails, so it cannot tell you about changes. Leave the email "
    "empty, and check your report any time with your reference and PIN."
)
BAD_EMAIL = "That email address does not look right. Check it, or leave it empty."


def checked_contact(settings: Settings, contact: str | None) -> str | None:
    """An email address we can really use, or None; refused when no email can be sent."""
    text = (contact or "").strip()
    if not text:
        return None
    if not settings.notifications_enabled:
        raise ApiProblem(422, NO_NOTIFICATIONS, kind="notifications-unavailable")
    if not looks_like_email(text):
        raise ApiProblem(422, BAD_EMAIL, kind="report-invalid")
    return text


WRONG_PIN = (
    "That reference and PIN do not match. Check them and try again. The reference has 9 "
    "letters and numbers, and the PIN has 6 numbers."
)


def plausible_files(files: list[FileIn]) -> list[FileHashes]:
    """The files' hashes as stored: only what real media could give (see
    :mod:`reclaim.matching.plausible`), video frames that can match, within the report's
    frame budget. Anything else is refused (422) in calm words."""
    kept: list[FileHashes] = []
    total = 0
    try:
        for f in files:
            if f.pdq is not None and f.quality is not None:
                check_pdq(f.pdq, f.quality)
            frames = None
            if f.frames:
                usable = frames_to_keep(VpdqFrame(fr.pdq, fr.quality, fr.t) for fr in f.frames)
                total += len(f.frames)
                frames = [
                    {"t": x.timestamp, "quality": x.quality, "pdq": x.pdq_hex} for x in usable
                ]
            kept.append(FileHashes(f.kind, f.sha256, f.md5, f.pdq, f.quality, frames or None))
    except Implausible as exc:
        raise ApiProblem(422, str(exc), kind="report-invalid") from None
    if total > MAX_REPORT_FRAMES:
        raise ApiProblem(422, TOO_MUCH_VIDEO, kind="report-invalid")
    return kept


TOO_MUCH_VIDEO = (
    "That is more video than one report can take (10 minutes in all). Please send these "
    "videos in two reports: make this one with fewer, then start another for the rest."
)


def make_report(
    request: Request, body: ReportIn, source: str, idempotency_key: str | None = None
) -> Created:
    """Checks shared by the API and the no-JavaScript form, then the report itself. A retry
    (same ``idempotency_key`` within a day) gets the first report back, before any check."""
    settings = _settings(request)
    if idempotency_key:
        with _db(request).read_session() as session:
            earlier = find_retry(session, idempotency_key)
        if earlier is not None:
            return earlier
    if settings.bot_guard_honeypot and body.website:
        raise ApiProblem(400, "This report could not be accepted.", kind="bot-guard")
    busy = guard_report(request, body, source, is_urgent(body.threatened, body.feels_safe))
    contact = checked_contact(settings, body.contact)
    new = NewReport(
        age_group=body.age_group,
        country=body.country.upper(),
        files=plausible_files(body.files),
        urls=[u for u in body.urls if u.strip()],
        apps=body.apps.strip(),
        who_has_it=body.who_has_it.strip(),
        threatened=body.threatened,
        feels_safe=body.feels_safe,
        contact=contact,
        source=source,
        busy_connection=busy,
        idempotency_key=idempotency_key,
    )
    hashing: PasswordHashing = request.app.state.hashing
    try:
        with _db(request).session() as session:
            created = create_report(session, hashing, new, intake=settings.intake_organisation)
            session.flush()
            _ = created.report.reference, created.report.urgent
            if created.report.urgent and settings.notifications_enabled and not created.replayed:
                # The intake organisation's staff hear at once (in this transaction; sent
                # after it commits). No email configured: the staff pages' count only.
                intake = intake_organisation(session, settings.intake_organisation)
                created.staff_alerted = outbox.queue_staff_alerts(
                    session, created.report.id, intake
                )
    except (ReportError, UrlRejected, SignalRejected) as exc:
        raise ApiProblem(422, str(exc), kind="report-invalid") from None
    return created


def pin_policy(settings: Settings) -> PinPolicy:
    return PinPolicy(
        LockoutPolicy(
            settings.pin_max_failures,
            timedelta(minutes=settings.pin_lockout_minutes),
            timedelta(hours=settings.pin_lockout_max_hours),
        ),
        fresh_try_every=timedelta(hours=settings.pin_fresh_try_hours),
    )


def status_out(status: ReportStatus, default_country: str) -> StatusOut:
    adult = status.age_group == AgeGroup.ADULT.value
    return StatusOut(
        reference=status.reference,
        reference_display=show_reference(status.reference),
        made_at=status.created_at,
        erased=status.erased,
        urgent=status.urgent,
        blocked_on=status.blocked_on,
        blocked_text=blocked_sentence(status),
        hashes=[
            HashOut(
                id=h.id,
                label=hash_label(h),
                kind=h.kind,
                status=h.status,
                status_text=HASH_STATUS[h.status],
                exact_only=h.exact_only,
            )
            for h in status.hashes
        ],
        urls=[
            UrlOut(id=u.id, url=u.url, status=u.status, status_text=URL_STATUS.get(u.status, ""))
            for u in status.urls
        ],
        next_steps=next_steps(status),
        help=help_for(status.country, adult, default_country),
    )


# The API ------------------------------------------------------------------------------------


@router.get(
    "/reports/challenge",
    response_model=ChallengeOut,
    summary="A proof-of-work challenge for the next report",
)
def challenge(request: Request, urgent: bool = False) -> ChallengeOut:
    """Find `nonce` so that SHA-256(`challenge` + ":" + `nonce`) starts with `bits` zero bits,
    and send both as `proof` with the report. `bits` 0 means no proof is needed. A connection
    that sent many reports this hour gets harder challenges; ask with `urgent=true` for a
    report that signals danger (not safe, not sure, threatened), which never costs more."""
    proof: ProofOfWork = request.app.state.report_proof
    bits = required_bits(request, urgent)
    return ChallengeOut(challenge=proof.challenge(bits=bits), bits=bits)


@router.post(
    "/reports",
    status_code=201,
    response_model=CreatedOut,
    summary="Make a report (hashes and typed text only)",
    openapi_extra=json_body_doc(ReportIn),
    responses={413: {"description": "Body too large"}, 415: {"description": "Not JSON"}},
    max_body_size=MAX_BODY_BYTES,
)
async def create(request: Request) -> Response:
    """Only hashes made on the device and what the person typed. The answer holds the
    reference and the PIN: the PIN is shown this once and stored only as a slow hash."""
    body: ReportIn = validated(ReportIn, await read_json(request))
    # A retry of the same submission (a dropped answer, a double press) sends the same
    # Idempotency-Key and gets the same report, reference and PIN back, never a second one.
    key = request.headers.get("idempotency-key")
    if key is not None and not valid_idempotency_key(key):
        raise ApiProblem(
            400,
            "Idempotency-Key must be 8-200 letters, digits or ._:+/=- (a new random value for "
            "each report, the same one when sending that report again).",
            kind="bad-request",
        )
    created = make_report(request, body, "api", key)
    settings = _settings(request)
    out = CreatedOut(
        reference=created.report.reference,
        reference_display=show_reference(created.report.reference),
        pin=created.pin,
        urgent=created.report.urgent,
        staff_alerted=created.staff_alerted > 0,
        exact_only=created.exact_only,
        status_url="/status",
        help=help_for(body.country, body.age_group is AgeGroup.ADULT, settings.default_country),
    )
    replay = {"Idempotent-Replayed": "true"} if created.replayed else None
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers=replay)


def _open(request: Request, session: Any, reference: str) -> Access:
    pin = request.headers.get("x-reclaim-pin", "")
    if not pin:
        check_pin_rate(request)
        raise ApiProblem(401, "Send the PIN in the `X-Reclaim-PIN` header.", kind="pin-required")
    return check_pin(request, session, reference, pin)


def _refuse(access: Access, settings: Settings) -> NoReturn:
    if access.outcome is Outcome.LOCKED:
        wait = (access.locked_until - utcnow()).total_seconds() if access.locked_until else 60
        raise ApiProblem(
            429,
            locked_message(access.locked_until),
            kind="pin-locked",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    raise ApiProblem(404, WRONG_PIN, kind="not-found")


@router.get(
    "/reports/{reference}",
    response_model=StatusOut,
    summary="A report's status (needs the PIN in `X-Reclaim-PIN`)",
    dependencies=[Security(PIN)],
)
def report_status(request: Request, reference: str) -> StatusOut:
    settings = _settings(request)
    with _db(request).session() as session:
        access = _open(request, session, reference)
        if access.report is not None:
            return status_out(status_of(session, access.report), settings.default_country)
    _refuse(access, settings)  # after the commit: failed tries count


@router.post(
    "/reports/{reference}/withdraw",
    response_model=StatusOut,
    summary="Withdraw some or all hashes (needs the PIN)",
    dependencies=[Security(PIN)],
    openapi_extra=json_body_doc(WithdrawIn),
    max_body_size=WITHDRAW_MAX_BYTES,
)
async def report_withdraw(request: Request, reference: str) -> StatusOut:
    """Takes effect at once: the match API stops returning them and the delta feed carries
    a tombstone for each."""
    body: WithdrawIn = validated(WithdrawIn, await read_json(request))
    settings = _settings(request)
    with _db(request).session() as session:
        access = _open(request, session, reference)
        if access.report is not None:
            try:
                withdraw(session, access.report, None if body.all else body.hash_ids)
            except ReportError as exc:
                raise ApiProblem(422, str(exc), kind="report-invalid") from None
            return status_out(status_of(session, access.report), settings.default_country)
    _refuse(access, settings)


@router.delete(
    "/reports/{reference}",
    response_model=StatusOut,
    summary="Delete everything (needs the PIN)",
    dependencies=[Security(PIN)],
)
def report_erase(request: Request, reference: str) -> StatusOut:
    """Personal details and links are deleted, every hash is withdrawn, and the audit trail
    is redacted (its chain still verifies)."""
    settings = _settings(request)
    with _db(request).session() as session:
        access = _open(request, session, reference)
        if access.report is not None:
            erase(session, access.report)
            return status_out(status_of(session, access.report), settings.default_country)
    _refuse(access, settings)
