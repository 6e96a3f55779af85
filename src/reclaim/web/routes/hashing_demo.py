"""On-device hashing, demonstrated: ``GET /hash-check`` hashes files in the browser
(``/static/js/reclaim-hash.js``) and ``POST /api/v1/hash-check`` echoes back the only
thing a page ever sends, the hashes, so a person (and the privacy test) can see exactly
what left the device.

The endpoint takes a small JSON object and nothing else: no form, no multipart, no file,
at most :data:`MAX_BODY_BYTES` bytes, unknown fields refused. It stores nothing.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reclaim.web.body import json_body_doc, read_json
from reclaim.web.problems import problem
from reclaim.web.templating import render

__all__ = ["MAX_BODY_BYTES", "HashPayload", "router"]

#: Four hashes in compact JSON are about 220 bytes; room for whitespace, no room for an image.
MAX_BODY_BYTES: Final = 512

router = APIRouter()

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class HashPayload(BaseModel):
    """The hashes of one file: all a browser sends (``pdq``/``quality`` are null for a
    video, whose frames stay on the device in this demonstration)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pdq: Hex64 | None
    quality: Annotated[int, Field(ge=0, le=100)] | None
    sha256: Hex64
    md5: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]


class HashCheckReply(BaseModel):
    received: HashPayload
    bytes: int


@router.get("/hash-check", include_in_schema=False)
def hash_check_page(request: Request) -> Response:
    return render(request, "hash_check.html")


@router.post(
    "/api/v1/hash-check",
    response_model=HashCheckReply,
    tags=["hashing"],
    summary="Echo the hashes a browser made (never accepts files)",
    responses={413: {"description": "Body too large"}, 415: {"description": "Not JSON"}},
    max_body_size=MAX_BODY_BYTES,
    openapi_extra=json_body_doc(HashPayload),
)
async def hash_check(request: Request) -> Response:
    data = await read_json(request)
    try:
        payload = HashPayload.model_validate(data)
    except ValidationError:
        return problem(422, "Expected exactly {pdq, quality, sha256, md5} as lowercase hex.")
    reply = HashCheckReply(received=payload, bytes=len(await request.body()))
    return JSONResponse(reply.model_dump(mode="json"))
