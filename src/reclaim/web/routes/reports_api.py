"""The reports API: ``POST /api/v1/reports`` (hashes and typed text only, never files), status
with the reference and PIN (``X-Reclaim-PIN``), withdrawal, erasure, and sharing with a school
or service by its code.

Used by Reclaim's own report page and open to partner sites. Bodies are JSON of at most
:data:`MAX_BODY_BYTES`, unknown fields refused; a hidden ``website`` field (honeypot) and a
small proof-of-work keep scripts out without any third party. What a report may hold and the
abuse limits are in :mod:`reclaim.web.report_intake` (shared with the no-JavaScript form).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Final, NoReturn

from fastapi import APIRouter, Depends, Header, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reclaim.reports import (
    WHAT_IS_NOT_SHARED,
    WHAT_IS_SHARED,
    Access,
    AgeGroup,
    Outcome,
    ReportError,
    ShareTarget,
    SharingError,
    erase,
    find_organisation_by_code,
    share_report,
    shares_of,
    show_reference,
    status_of,
    stop_sharing,
    valid_idempotency_key,
    withdraw,
)
from reclaim.storage import Session, utcnow
from reclaim.web.body import json_body, json_body_doc
from reclaim.web.i18n import gettext as _
from reclaim.web.i18n import use_language, words_of
from reclaim.web.ids import DbId
from reclaim.web.problems import ApiProblem
from reclaim.web.report_access import WRONG_PIN, check_pin, check_pin_rate, locked_message
from reclaim.web.report_intake import (
    MAX_FILES,
    HelpOut,
    ReportIn,
    help_for,
    make_report,
    required_bits,
)
from reclaim.web.report_sharing import SHARE_CODE_NOT_FOUND, check_share_code_rate
from reclaim.web.report_status import StatusOut, status_out
from reclaim.web.services import Services, ServicesDep

__all__ = ["MAX_BODY_BYTES", "router"]

#: Ten files' hashes (a video's frame codes included) fit with room to spare; an image does not.
MAX_BODY_BYTES: Final = 256 * 1024
#: A withdrawal names at most MAX_FILES hash ids.
WITHDRAW_MAX_BYTES: Final = 4 * 1024

router = APIRouter(prefix="/api/v1", tags=["reports"], dependencies=[Depends(use_language)])

#: Declares the PIN header in the OpenAPI document; :func:`_open` checks it.
PIN = APIKeyHeader(
    name="X-Reclaim-PIN",
    auto_error=False,
    scheme_name="ReclaimPIN",
    description="The PIN given with the report's reference.",
)


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


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hash_ids: Annotated[list[DbId], Field(max_length=MAX_FILES)] | None = None
    all: bool = False

    @model_validator(mode="after")
    def _one(self) -> WithdrawIn:
        if self.all == (self.hash_ids is not None):
            raise ValueError("send either `all: true` or `hash_ids`")
        return self


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="A new random value (8-200 of `A-Za-z0-9._:+/=-`) for each report, the same "
        "one when sending that report again: a retry within 24 hours gets the same reference "
        "and PIN back (with `Idempotent-Replayed: true`), never a second report.",
    ),
]


class ChallengeOut(BaseModel):
    challenge: str
    bits: int


# The API ------------------------------------------------------------------------------------


@router.get(
    "/reports/challenge",
    response_model=ChallengeOut,
    summary="A proof-of-work challenge for the next report",
)
def challenge(request: Request, services: ServicesDep, urgent: bool = False) -> ChallengeOut:
    """Find `nonce` so that SHA-256(`challenge` + ":" + `nonce`) starts with `bits` zero bits,
    and send both as `proof` with the report. `bits` 0 means no proof is needed. A connection
    that sent many reports this hour gets harder challenges; ask with `urgent=true` for a
    report that signals danger (not safe, not sure, threatened), which never costs more."""
    bits = required_bits(request, services, urgent)
    return ChallengeOut(challenge=services.report_proof.challenge(bits=bits), bits=bits)


@router.post(
    "/reports",
    status_code=201,
    response_model=CreatedOut,
    summary="Make a report (hashes and typed text only)",
    openapi_extra=json_body_doc(ReportIn),
    responses={413: {"description": "Body too large"}, 415: {"description": "Not JSON"}},
    max_body_size=MAX_BODY_BYTES,
)
def create(
    request: Request,
    services: ServicesDep,
    body: Annotated[ReportIn, Depends(json_body(ReportIn))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Only hashes made on the device and what the person typed. The answer holds the
    reference and the PIN: the PIN is shown this once and stored only as a slow hash."""
    # Synchronous on purpose: FastAPI runs it in its thread pool, so the PIN's hash and the
    # database write never hold up the event loop (the body is read by the dependency).
    # A retry of the same submission (a dropped answer, a double press) sends the same
    # Idempotency-Key and gets the same report, reference and PIN back, never a second one.
    if idempotency_key is not None and not valid_idempotency_key(idempotency_key):
        raise ApiProblem(
            400,
            "Idempotency-Key must be 8-200 letters, digits or ._:+/=- (a new random value for "
            "each report, the same one when sending that report again).",
            kind="bad-request",
        )
    created = make_report(request, services, body, "api", idempotency_key)
    settings = services.settings
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


def _open(request: Request, services: ServicesDep, session: Session, reference: str) -> Access:
    pin = request.headers.get("x-reclaim-pin", "")
    if not pin:
        check_pin_rate(request, services)
        raise ApiProblem(401, "Send the PIN in the `X-Reclaim-PIN` header.", kind="pin-required")
    return check_pin(request, services, session, reference, pin)


def _refuse(access: Access) -> NoReturn:
    if access.outcome is Outcome.LOCKED:
        wait = (access.locked_until - utcnow()).total_seconds() if access.locked_until else 60
        raise ApiProblem(
            429,
            locked_message(access.locked_until),
            kind="pin-locked",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    raise ApiProblem(404, _(WRONG_PIN), kind="not-found")


@router.get(
    "/reports/{reference}",
    response_model=StatusOut,
    summary="A report's status (needs the PIN in `X-Reclaim-PIN`)",
    dependencies=[Security(PIN)],
)
def report_status(request: Request, services: ServicesDep, reference: str) -> StatusOut:
    settings = services.settings
    with services.database.session() as session:
        access = _open(request, services, session, reference)
        if access.report is not None:
            return status_out(status_of(session, access.report), settings.default_country)
    _refuse(access)  # after the commit: failed tries count


@router.post(
    "/reports/{reference}/withdraw",
    response_model=StatusOut,
    summary="Withdraw some or all hashes (needs the PIN)",
    dependencies=[Security(PIN)],
    openapi_extra=json_body_doc(WithdrawIn),
    max_body_size=WITHDRAW_MAX_BYTES,
)
def report_withdraw(
    request: Request,
    services: ServicesDep,
    reference: str,
    body: Annotated[WithdrawIn, Depends(json_body(WithdrawIn))],
) -> StatusOut:
    """Takes effect at once: the match API stops returning them and the delta feed carries
    a tombstone for each."""
    settings = services.settings
    with services.database.session() as session:
        access = _open(request, services, session, reference)
        if access.report is not None:
            try:
                withdraw(session, access.report, None if body.all else body.hash_ids)
            except ReportError as exc:
                raise ApiProblem(422, words_of(exc), kind="report-invalid") from None
            return status_out(status_of(session, access.report), settings.default_country)
    _refuse(access)


@router.delete(
    "/reports/{reference}",
    response_model=StatusOut,
    summary="Delete everything (needs the PIN)",
    dependencies=[Security(PIN)],
)
def report_erase(request: Request, services: ServicesDep, reference: str) -> StatusOut:
    """Personal details and links are deleted, every hash is withdrawn, and the audit trail
    is redacted (its chain still verifies)."""
    settings = services.settings
    with services.database.session() as session:
        access = _open(request, services, session, reference)
        if access.report is not None:
            erase(session, access.report, services.outbox)
            return status_out(status_of(session, access.report), settings.default_country)
    _refuse(access)


# Sharing with a school or service ---------------------------------------------------------

SHARE_MAX_BYTES: Final = 1024


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, Field(max_length=40)] = Field(
        description="The organisation's code, as its staff gave it (`ABCD-EFGH`)."
    )


class ShareOut(BaseModel):
    id: str
    organisation: str
    shared_at: datetime


class SharePreviewOut(BaseModel):
    organisation: str
    shared: list[str]
    not_shared: list[str]


def _share_code_target(
    request: Request, services: Services, session: Session, code: str
) -> ShareTarget:
    check_share_code_rate(request, services)
    target = find_organisation_by_code(session, code)
    if target is None:
        raise ApiProblem(404, _(SHARE_CODE_NOT_FOUND), kind="share-code-not-found")
    return target


@router.get(
    "/reports/{reference}/shares",
    response_model=list[ShareOut],
    summary="Who the report is shared with (needs the PIN)",
    dependencies=[Security(PIN)],
)
def report_shares(request: Request, services: ServicesDep, reference: str) -> list[ShareOut]:
    with services.database.session() as session:
        access = _open(request, services, session, reference)
        if access.report is not None:
            return [
                ShareOut(id=s.id, organisation=s.organisation, shared_at=s.shared_at)
                for s in shares_of(session, access.report)
            ]
    _refuse(access)


@router.post(
    "/reports/{reference}/shares/preview",
    response_model=SharePreviewOut,
    summary="What sharing with this code would share (needs the PIN); shares nothing",
    dependencies=[Security(PIN)],
    openapi_extra=json_body_doc(ShareIn),
    max_body_size=SHARE_MAX_BYTES,
)
def report_share_preview(
    request: Request,
    services: ServicesDep,
    reference: str,
    body: Annotated[ShareIn, Depends(json_body(ShareIn))],
) -> SharePreviewOut:
    """Show the person the organisation's name and what it will see before they confirm.
    An unknown code is 404 `share-code-not-found`; codes tried are rate-limited."""
    with services.database.session() as session:
        access = _open(request, services, session, reference)
        if access.report is not None:
            target = _share_code_target(request, services, session, body.code)
            return SharePreviewOut(
                organisation=target.name,
                shared=[_(w) for w in WHAT_IS_SHARED],
                not_shared=[_(w) for w in WHAT_IS_NOT_SHARED],
            )
    _refuse(access)


@router.post(
    "/reports/{reference}/shares",
    status_code=201,
    response_model=ShareOut,
    summary="Share the report with the organisation of this code (needs the PIN)",
    dependencies=[Security(PIN)],
    openapi_extra=json_body_doc(ShareIn),
    max_body_size=SHARE_MAX_BYTES,
)
def report_share(
    request: Request,
    services: ServicesDep,
    reference: str,
    body: Annotated[ShareIn, Depends(json_body(ShareIn))],
) -> Response:
    """The person's choice, after seeing the preview. The organisation's staff then see whether
    each file is blocked, what platforms said and the links' status; never what was typed,
    the contact, the reference or the PIN."""
    with services.database.session() as session:
        access = _open(request, services, session, reference)
        if access.report is not None:
            _share_code_target(request, services, session, body.code)
            try:
                info = share_report(session, access.report, body.code)
            except SharingError as exc:
                raise ApiProblem(409, words_of(exc), kind="share-refused") from None
            out = ShareOut(id=info.id, organisation=info.organisation, shared_at=info.shared_at)
            return JSONResponse(out.model_dump(mode="json"), status_code=201)
    _refuse(access)


@router.delete(
    "/reports/{reference}/shares/{share_id}",
    response_model=list[ShareOut],
    summary="Stop sharing with one organisation, at once (needs the PIN)",
    dependencies=[Security(PIN)],
)
def report_share_stop(
    request: Request, services: ServicesDep, reference: str, share_id: str
) -> list[ShareOut]:
    with services.database.session() as session:
        access = _open(request, services, session, reference)
        if access.report is not None:
            if not stop_sharing(session, access.report, share_id[:64]):
                raise ApiProblem(404, "You do not share your report that way.", kind="not-found")
            return [
                ShareOut(id=s.id, organisation=s.organisation, shared_at=s.shared_at)
                for s in shares_of(session, access.report)
            ]
    _refuse(access)
