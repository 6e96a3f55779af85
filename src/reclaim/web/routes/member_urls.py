"""The member URL list for platforms: places assessed in scope and not yet removed, as a
delta feed with tombstones (like ``GET /api/v1/hashes``) and as a versioned export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Security
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from reclaim.accounts import KeyGrant, Scope
from reclaim.bank import feed as delta_feed
from reclaim.takedown import list_page, list_version, member_list_lines
from reclaim.takedown.memberlist import MAX_PAGE
from reclaim.web.problems import ApiProblem
from reclaim.web.routes.platform import API_KEY, platform_key
from reclaim.web.services import DatabaseDep

router = APIRouter(prefix="/api/v1", tags=["platforms"], dependencies=[Security(API_KEY)])


class UrlRecord(BaseModel):
    id: int
    url: str | None
    host: str | None
    registered_domain: str | None
    platform: str | None
    status: str
    deleted: bool
    updated_at: str
    checkpoint: str


class UrlListResponse(BaseModel):
    records: list[UrlRecord]
    next_checkpoint: str
    has_more: bool


Domain = Annotated[
    str, Query(max_length=255, description="Only this registered domain, e.g. `example.com`.")
]
Platform = Annotated[
    str, Query(max_length=80, description="Only this platform (a name from the host data).")
]


@router.get("/urls", response_model=UrlListResponse, summary="The member URL list, with tombstones")
def urls(
    db: DatabaseDep,
    key: Annotated[KeyGrant, Depends(platform_key(Scope.URLS))],
    checkpoint: Annotated[
        str | None,
        Query(max_length=20, description="`next_checkpoint` of the previous page; omit to start."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    domain: Domain = "",
    platform: Platform = "",
) -> UrlListResponse:
    """Needs a key with the `urls` scope. URLs assessed as child sexual abuse material and not
    yet removed: `deleted: false` means block this URL, `deleted: true` (removed, or no longer
    in scope) means stop; key records by `id`. Replaying from the start ends with exactly the
    list. Reclaim never fetched any of them."""
    try:
        start = delta_feed.parse_checkpoint(checkpoint)
    except delta_feed.CheckpointInvalid as exc:
        raise ApiProblem(400, str(exc), kind="bad-checkpoint") from None
    with db.read_session() as session:
        page = list_page(session, start, limit, domain=domain.strip(), platform=platform.strip())
    return UrlListResponse(
        records=[UrlRecord(**r) for r in page.records],
        next_checkpoint=page.next_checkpoint,
        has_more=page.has_more,
    )


MEDIA = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


@router.get(
    "/urls/export", summary="The member URL list now, as a file", response_class=StreamingResponse
)
def urls_export(
    db: DatabaseDep,
    key: Annotated[KeyGrant, Depends(platform_key(Scope.URLS))],
    format: Annotated[Literal["csv", "jsonl"], Query()] = "csv",
    domain: Domain = "",
    platform: Platform = "",
) -> StreamingResponse:
    """The listed URLs now. `X-Reclaim-List-Version` is the feed checkpoint it matches:
    follow `GET /api/v1/urls?checkpoint=` from there."""
    with db.read_session() as session:
        version = list_version(session)
        lines = list(member_list_lines(session, format, domain=domain, platform=platform))

    def body() -> Iterator[str]:
        yield from lines

    return StreamingResponse(
        body(),
        media_type=MEDIA[format],
        headers={
            "Content-Disposition": f'attachment; filename="reclaim-urls-v{version}.{format}"',
            "X-Reclaim-List-Version": str(version),
        },
    )
