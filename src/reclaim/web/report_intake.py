"""Making a report: what a report may hold, the abuse limits, and the report itself. The one way
in for both the API (``POST /api/v1/reports``) and the no-JavaScript form (``POST /report``).
"""

from __future__ import annotations

import math
from typing import Annotated, Final, Literal

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reclaim.accounts import intake_organisation
from reclaim.bank import SignalRejected
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
from reclaim.notify import looks_like_email, queue_staff_alerts, staff_told_about_report
from reclaim.reports import (
    AgeGroup,
    Created,
    FileHashes,
    NewReport,
    ProofRejected,
    ReportError,
    UrlRejected,
    create_report,
    find_retry,
    is_urgent,
    prepare_pin,
)
from reclaim.web.i18n import N_, ngettext, words_of
from reclaim.web.i18n import gettext as _
from reclaim.web.problems import ApiProblem
from reclaim.web.services import Services

MAX_FILES: Final = 10


MAX_URLS: Final = 30


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
    made_by_adult: bool = Field(
        False,
        description="A parent, carer or teacher made this report for the child, from the device "
        "that holds the image. Only with a child's `age_group` (`under13`, `under18`).",
    )

    @model_validator(mode="after")
    def _made_for_a_child(self) -> ReportIn:
        if self.made_by_adult and self.age_group not in (AgeGroup.UNDER_13, AgeGroup.UNDER_18):
            raise ValueError("a report made by an adult for a child needs the child's age group")
        return self


class HelpOut(BaseModel):
    name: str
    phone: str
    url: str
    what: str


def client_key(request: Request) -> str:
    return str(getattr(request.state, "client_address", None) or "unknown")


def help_for(country_code: str, adult: bool, default: str = "GB") -> list[HelpOut]:
    place = find_country(country_code, default)
    found = []
    if place.emergency:
        found.append(
            HelpOut(
                name=_("Emergency"),
                phone=place.emergency,
                url="",
                what=_("If you are in danger now."),
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


def required_bits(request: Request, services: Services, urgent: bool) -> int:
    """Proof-of-work for this address's next report: the usual amount, growing once the
    address has sent its hourly budget. Never more for a report that signals danger: the cost
    falls on whoever sends many reports, not on a child who needs help now."""
    settings = services.settings
    base, budget = settings.bot_guard_pow_bits, settings.report_rate_per_hour
    seen = services.limits.report.count(_report_key(request))
    if urgent or base == 0 or seen < budget:
        return base
    return base + min(MAX_EXTRA_BITS, 1 + seen - budget)


def limited_message(country: str, adult: bool, default_country: str, wait: float) -> str:
    minutes = max(1, math.ceil(wait / 60))
    words = [
        ngettext(
            "Many reports came from this connection in the last hour, so this one has to wait. "
            "Please try again in %(num)d minute.",
            "Many reports came from this connection in the last hour, so this one has to wait. "
            "Please try again in %(num)d minutes.",
            minutes,
        )
    ]
    place = find_country(country, default_country)
    if place.emergency:
        words.append(_("If you are in danger, call %(number)s now.", number=place.emergency))
    line = place.helpline(adult)
    if line is not None and line.phone:
        words.append(
            _("You can talk to %(name)s on %(phone)s.", name=_(line.name), phone=line.phone)
        )
    return " ".join(words)


def guard_report(
    request: Request, services: Services, body: ReportIn, source: str, urgent: bool
) -> bool:
    """The one abuse limit for both ways in (the API and the no-JavaScript form). Returns
    whether this address had already sent its hourly budget ("busy connection").

    A report that signals danger is never refused by it. Ordinary reports over the budget
    cost more proof-of-work (the API), and wait only past :data:`CEILING_BUDGETS` budgets, or
    at once on the form (which has no proof-of-work); a refusal says how to get help now.
    """
    settings, limiter = services.settings, services.limits.report
    key, budget = _report_key(request), settings.report_rate_per_hour
    seen = limiter.count(key)
    if source == "api":
        check_proof(services, body, required_bits(request, services, urgent))
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


def check_proof(services: Services, body: ReportIn, bits: int) -> None:
    proof = services.report_proof
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


NO_NOTIFICATIONS = N_(
    "This service cannot send emails, so it cannot tell you about changes. Leave the email "
    "empty, and check your report any time with your reference and PIN."
)


BAD_EMAIL = N_("That email address does not look right. Check it, or leave it empty.")


def checked_contact(settings: Settings, contact: str | None) -> str | None:
    """An email address we can really use, or None; refused when no email can be sent."""
    text = (contact or "").strip()
    if not text:
        return None
    if not settings.notifications_enabled:
        raise ApiProblem(422, _(NO_NOTIFICATIONS), kind="notifications-unavailable")
    if not looks_like_email(text):
        raise ApiProblem(422, _(BAD_EMAIL), kind="report-invalid")
    return text


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
        raise ApiProblem(422, words_of(exc), kind="report-invalid") from None
    if total > MAX_REPORT_FRAMES:
        raise ApiProblem(422, _(TOO_MUCH_VIDEO), kind="report-invalid")
    return kept


TOO_MUCH_VIDEO = N_(
    "That is more video than one report can take (10 minutes in all). Please send these "
    "videos in two reports: make this one with fewer, then start another for the rest."
)


def earlier_report(services: Services, idempotency_key: str) -> Created | None:
    """The report a submission with this key already made (within a day), answered as the
    first time, or None."""
    settings = services.settings
    with services.database.read_session() as session:
        earlier = find_retry(session, idempotency_key)
        if earlier is not None:
            _loaded = earlier.report.reference, earlier.report.urgent, earlier.report.public_id
            if earlier.report.urgent and (settings.notifications_enabled or settings.push_enabled):
                earlier.staff_alerted = staff_told_about_report(session, earlier.report.id)
    return earlier


def make_report(  # synchronous: call it from a `def` route (the thread pool), never the loop
    request: Request,
    services: Services,
    body: ReportIn,
    source: str,
    idempotency_key: str | None = None,
) -> Created:
    """Checks shared by the API and the no-JavaScript form, then the report itself. A retry
    (same ``idempotency_key`` within a day) gets the first report back, before any check."""
    settings = services.settings
    if idempotency_key:
        earlier = earlier_report(services, idempotency_key)
        if earlier is not None:
            return earlier
    if settings.bot_guard_honeypot and body.website:
        raise ApiProblem(400, _("This report could not be accepted."), kind="bot-guard")
    urgent = is_urgent(body.threatened, body.feels_safe, body.age_group.value)
    busy = guard_report(request, services, body, source, urgent)
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
        made_by_adult=body.made_by_adult,
    )
    # The PIN's hash is CPU work: made here, before the write transaction opens (and, as
    # every route that makes a report is synchronous, in the thread pool, not on the loop).
    pin = prepare_pin(services.pin_hasher)
    try:
        with services.database.session() as session:
            created = create_report(session, pin, new, intake=settings.intake_organisation)
            session.flush()
            _loaded = created.report.reference, created.report.urgent  # read after it ends
            if created.replayed:
                # A retry that raced the first try: answered as the first one was.
                if settings.notifications_enabled or settings.push_enabled:
                    created.staff_alerted = staff_told_about_report(session, created.report.id)
            elif created.report.urgent:
                # An alert for the intake organisation's on-call staff, at once (in this
                # transaction; sent after it commits). With no email or web push configured
                # it waits on /staff/alerts and in the staff pages' counts.
                intake = intake_organisation(session, settings.intake_organisation)
                told = queue_staff_alerts(session, created.report.id, intake)
                if settings.notifications_enabled or settings.push_enabled:
                    created.staff_alerted = told
    except (ReportError, UrlRejected, SignalRejected) as exc:
        raise ApiProblem(422, words_of(exc), kind="report-invalid") from None
    return created
