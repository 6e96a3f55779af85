"""The platform API: match uploads, follow the delta feed, say what was blocked, download lists."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from reclaim import cases
from reclaim.accounts import KeyGrant, Scope, authenticate
from reclaim.audit import current_context
from reclaim.bank import (
    FeedbackStatus,
    Matcher,
    SignalRejected,
    SignalType,
    active_items,
    export_lines,
    items_by_id,
    make_signal,
    parse_hex,
    record_feedback,
)
from reclaim.bank import feed as delta_feed
from reclaim.notify import queue_blocked_news
from reclaim.storage import Session
from reclaim.web.body import json_body, json_body_doc
from reclaim.web.ids import DbId
from reclaim.web.problems import ApiProblem
from reclaim.web.ratelimit import RateLimiter
from reclaim.web.services import DatabaseDep, Services, ServicesDep

#: Declares the API key in the OpenAPI document; :func:`authorise` checks it.
API_KEY = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="A platform API key: `Authorization: Bearer rk_...`.",
)
router = APIRouter(prefix="/api/v1", tags=["platforms"], dependencies=[Security(API_KEY)])

#: 1,000 signals, videos' frame lists included.
MATCH_MAX_BYTES: Final = 1024 * 1024
#: 1,000 feedback entries with their tags.
FEEDBACK_MAX_BYTES: Final = 512 * 1024

#: Free tags per feedback entry (as StopNCII), each a short word or phrase.
MAX_TAGS, MAX_TAG_LENGTH = 20, 64

AUTH_HEADERS = {"WWW-Authenticate": 'Bearer realm="reclaim"'}


def authorise(request: Request, session: Session, scope: Scope, limiter: RateLimiter) -> KeyGrant:
    """The live API key of this request, with ``scope`` and within its rate limit."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise ApiProblem(
            401,
            "Send your API key as `Authorization: Bearer rk_...`.",
            kind="unauthenticated",
            headers=AUTH_HEADERS,
        )
    key = authenticate(session, header[7:].strip())
    if key is None:
        raise ApiProblem(
            401,
            "That API key is not valid or has been revoked.",
            kind="unauthenticated",
            headers=AUTH_HEADERS,
        )
    if scope.value not in key.scopes:
        raise ApiProblem(
            403, f"This key does not have the `{scope.value}` scope.", kind="forbidden"
        )
    wait = limiter.hit(f"key:{key.id}", limit=key.rate_per_minute)
    if wait:
        raise ApiProblem(
            429,
            f"This key is limited to {key.rate_per_minute} requests a minute.",
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    ctx = current_context()
    ctx.actor, ctx.organisation_id = f"apikey:{key.id}", key.organisation_id
    return key


def platform_key(scope: Scope) -> Callable[[Request, Services], KeyGrant]:
    """Dependency form of :func:`authorise`, for routes that open their own session."""

    def dependency(request: Request, services: ServicesDep) -> KeyGrant:
        with services.database.read_session() as session:
            return authorise(request, session, scope, services.limits.api)

    return dependency


def match_key(request: Request, services: ServicesDep) -> KeyGrant:
    """:func:`authorise` for ``/match``, and in the same read transaction the matcher brought
    up to date: one transaction per match request, before a byte of the body is read."""
    with services.database.read_session() as session:
        key = authorise(request, session, Scope.MATCH, services.limits.api)
        matcher_for(services.matcher, session)
    return key


class SignalIn(BaseModel):
    type: Literal["pdq", "vpdq", "sha256", "md5"]
    value: str | list[dict[str, Any]] = Field(
        description="Hex hash; for vpdq, pytx's signal string (a JSON list of "
        "`pdq_hex,quality,timestamp`), such lines, or a list of {pdq, quality, t}."
    )
    quality: int | None = Field(None, ge=0, le=100)
    dihedral: list[str] | None = Field(
        None,
        max_length=8,
        description="PDQ only: the picture's 8 dihedral hashes (rotations, mirrors), "
        "to match turned copies.",
    )


class MatchRequest(BaseModel):
    signals: list[SignalIn] = Field(min_length=1, max_length=1000)


class MatchOut(BaseModel):
    list_name: str
    item_id: int
    distance: int
    categories: list[str]
    signal_type: str
    share: float | None = None


class SignalResult(BaseModel):
    index: int
    type: str
    matches: list[MatchOut]


class MatchResponse(BaseModel):
    results: list[SignalResult]


def matcher_for(matcher: Matcher, session: Session) -> Matcher:
    """The process's matcher, brought up to date (503 while it is still loading)."""
    if not matcher.ready:
        raise ApiProblem(
            503,
            "The hash index is still loading. Try again in a few seconds.",
            kind="index-loading",
            headers={"Retry-After": "5"},
        )
    matcher.sync(session)
    return matcher


@router.post(
    "/match",
    response_model=MatchResponse,
    response_model_exclude_none=True,
    summary="Match up to 1,000 signals",
    max_body_size=MATCH_MAX_BYTES,
    openapi_extra=json_body_doc(MatchRequest),
)
def match(
    services: ServicesDep,
    key: Annotated[KeyGrant, Depends(match_key)],
    body: Annotated[MatchRequest, Depends(json_body(MatchRequest))],
) -> MatchResponse:
    """Needs a key with the `match` scope (`Authorization: Bearer rk_...`). The key is
    checked before a byte of the body is read."""
    matcher = services.matcher  # brought up to date by match_key
    signals, variants, errors = [], [], []
    for index, item in enumerate(body.signals):
        try:
            signals.append(make_signal(item.type, item.value, item.quality))
            variants.append([parse_hex(SignalType.PDQ, v) for v in item.dihedral or []])
        except SignalRejected as exc:
            errors.append({"location": f"signals.{index}", "message": str(exc)})
    if errors:
        raise ApiProblem(
            422, "Some signals are not valid: see `errors`.", kind="validation", errors=errors
        )
    found = matcher.match(signals, variants)
    return MatchResponse(
        results=[
            SignalResult(index=i, type=s.type.value, matches=[MatchOut(**asdict(m)) for m in hits])
            for i, (s, hits) in enumerate(zip(signals, found, strict=True))
        ]
    )


class FeedRecord(BaseModel):
    item_id: int
    list_name: str
    status: str
    deleted: bool
    categories: list[str]
    signals: list[dict[str, Any]]
    updated_at: str
    checkpoint: str


class FeedResponse(BaseModel):
    records: list[FeedRecord]
    next_checkpoint: str
    has_more: bool


@router.get("/hashes", response_model=FeedResponse, summary="The delta feed, with tombstones")
def hashes(
    db: DatabaseDep,
    key: Annotated[KeyGrant, Depends(platform_key(Scope.FEED))],
    checkpoint: Annotated[
        str | None,
        Query(max_length=20, description="`next_checkpoint` of the previous page; omit to start."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=delta_feed.MAX_PAGE)] = 500,
) -> FeedResponse:
    """Every change in order. `deleted: true` (status withdrawn, disabled or expired) means
    delete these signals. Replaying from the start ends with exactly the active set."""
    try:
        start = delta_feed.parse_checkpoint(checkpoint)
    except delta_feed.CheckpointInvalid as exc:
        raise ApiProblem(400, str(exc), kind="bad-checkpoint") from None
    with db.read_session() as session:
        result = delta_feed.page(session, start, limit)
    return FeedResponse(
        records=[FeedRecord(**r) for r in result.records],
        next_checkpoint=result.next_checkpoint,
        has_more=result.has_more,
    )


class FeedbackIn(BaseModel):
    item_id: DbId
    status: FeedbackStatus
    tags: list[Annotated[str, Field(min_length=1, max_length=MAX_TAG_LENGTH)]] = Field(
        default_factory=list, max_length=MAX_TAGS
    )


class FeedbackRequest(BaseModel):
    feedback: list[FeedbackIn] = Field(min_length=1, max_length=1000)


class FeedbackResponse(BaseModel):
    recorded: int
    platform: str


@router.post(
    "/feedback",
    response_model=FeedbackResponse,
    summary="Say what you did with matched items",
    max_body_size=FEEDBACK_MAX_BYTES,
    openapi_extra=json_body_doc(FeedbackRequest),
)
def feedback(
    db: DatabaseDep,
    key: Annotated[KeyGrant, Depends(platform_key(Scope.FEEDBACK))],
    body: Annotated[FeedbackRequest, Depends(json_body(FeedbackRequest))],
) -> FeedbackResponse:
    with db.session() as session:
        ids = {entry.item_id for entry in body.feedback}
        items = items_by_id(session, ids)
        unknown = sorted(ids - items.keys())
        if unknown:
            raise ApiProblem(
                404,
                f"No content items with ids {unknown[:20]}.",
                kind="unknown-items",
                unknown=unknown[:100],
            )
        for entry in body.feedback:
            record_feedback(
                session, items[entry.item_id], key.organisation_id, entry.status, entry.tags
            )
        blocked = {e.item_id for e in body.feedback if e.status is FeedbackStatus.BLOCKED}
        # News for the young people who asked for it, sent after this commits.
        queue_blocked_news(session, blocked, key.organisation_id)
        # A safeguarding case joined to such a report records it in its chronology.
        cases.note_blocked(session, blocked)
        return FeedbackResponse(recorded=len(body.feedback), platform=key.organisation_name)


MEDIA = {"csv": "text/csv", "jsonl": "application/x-ndjson", "pytx": "text/plain"}


@router.get("/export", summary="The whole active list as a file", response_class=StreamingResponse)
def export(
    db: DatabaseDep,
    key: Annotated[KeyGrant, Depends(platform_key(Scope.EXPORT))],
    format: Annotated[Literal["csv", "jsonl", "pytx"], Query()] = "csv",
) -> StreamingResponse:
    def body() -> Iterator[str]:
        with db.read_session() as session:
            yield from export_lines(active_items(session), format)

    extension = "txt" if format == "pytx" else format
    return StreamingResponse(
        body(),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="reclaim-hashes.{extension}"'},
    )
