"""On-device hashing, demonstrated: ``GET /hash-check`` hashes files in the browser
(``/static/js/reclaim-hash.js``) and ``POST /api/v1/hash-check`` echoes back the only
thing a page ever sends, the hashes, so a person (and the privacy test) can see exactly
what left the device.

The endpoint takes a small JSON object and nothing else: no form, no multipart, no file,
at most :data:`MAX_BODY_BYTES` bytes, unknown fields refused. It stores nothing.
"""

from __future__ import annotations

import json
from typing import Annotated, Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


async def _read_small_body(request: Request) -> bytes | None:
    """The body, or None as soon as it exceeds MAX_BODY_BYTES (the rest is not read)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


@router.post(
    "/api/v1/hash-check",
    response_model=HashCheckReply,
    tags=["hashing"],
    summary="Echo the hashes a browser made (never accepts files)",
    responses={413: {"description": "Body too large"}, 415: {"description": "Not JSON"}},
)
async def hash_check(request: Request) -> Response:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return problem(415, "Send the hashes as a JSON object. Files are never accepted.")
    body = await _read_small_body(request)
    if body is None:
        return problem(413, f"At most {MAX_BODY_BYTES} bytes: only hashes are accepted.")
    try:
        payload = HashPayload.model_validate(json.loads(body))
    except (ValueError, ValidationError):
        return problem(422, "Expected exactly {pdq, quality, sha256, md5} as lowercase hex.")
    reply = HashCheckReply(received=payload, bytes=len(body))
    return JSONResponse(reply.model_dump(mode="json"))
