"""The one way a request body is read: which media types, how many bytes, how deep.

Reclaim takes two kinds of body and nothing else: JSON on the API and urlencoded forms from
its own pages. The edge (:class:`reclaim.web.middleware.NoFilesMiddleware`) refuses every
other media type (:data:`ACCEPTED`) from the headers alone. Bytes are counted as they stream
in, chunked or not, by the framework's body limit (Starlette's ``RequestBodyLimitMiddleware``
behind FastAPI's ``max_body_size``): :data:`DEFAULT_MAX_BODY_BYTES` for the whole app, and a
route that takes JSON declares its own cap with ``max_body_size=`` next to its path. JSON is
read only by :func:`read_json` (or :func:`json_body` as a dependency), which bounds nesting.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from reclaim.web.problems import ApiProblem

__all__ = [
    "ACCEPTED",
    "DEFAULT_MAX_BODY_BYTES",
    "MAX_FORM_FIELDS",
    "MAX_JSON_DEPTH",
    "FormDep",
    "json_body",
    "json_body_doc",
    "read_form",
    "read_json",
    "validated",
]

#: The only media types a request body may have.
ACCEPTED: Final = frozenset({b"application/json", b"application/x-www-form-urlencoded"})
#: Every body's cap unless its route declares another: forms are typed by people, and a
#: report's links and words fit many times over.
DEFAULT_MAX_BODY_BYTES: Final = 128 * 1024
#: Fields in one form; the framework's form parser also takes no files at all (see app.py).
MAX_FORM_FIELDS: Final = 200
#: Reclaim's deepest document is four levels; room to spare, no room for a recursion bomb.
MAX_JSON_DEPTH: Final = 32

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def _too_deep(body: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays/objects deeper than ``limit`` (strings skipped)."""
    depth = 0
    for bracket in _BRACKETS.finditer(_STRING.sub(b"", body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


async def read_json(request: Request) -> Any:
    """The body of a JSON request, parsed, at most :data:`MAX_JSON_DEPTH` levels deep.
    Answers 415 for anything but JSON and 400 if it is not JSON (413 past the route's cap)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiProblem(
            415,
            "Send a JSON object (Content-Type: application/json). Files are never accepted.",
            kind="not-json",
        )
    body = await request.body()  # counted against the route's `max_body_size` as it streams
    if _too_deep(body, MAX_JSON_DEPTH):
        raise ApiProblem(
            400, f"The JSON nests more than {MAX_JSON_DEPTH} levels deep.", kind="bad-json"
        )
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ApiProblem(400, "The body is not valid JSON.", kind="bad-json") from None


async def read_form(request: Request) -> FormData:
    """An urlencoded form (the edge refuses any other kind): never a file, never on disk."""
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)


async def _form_dependency(request: Request) -> FormData:
    return await read_form(request)


#: The form, read by a dependency so that the route itself can be synchronous: FastAPI runs
#: synchronous routes in its thread pool, where database writes and PIN hashing hold up no one.
FormDep = Annotated[FormData, Depends(_form_dependency)]


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any) -> M:
    """``data`` as ``model``, or a 422 problem listing each field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"location": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()
        ]
        raise ApiProblem(
            422, "Some fields are not valid: see `errors`.", kind="validation", errors=errors
        ) from None


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A dependency giving the body as ``model``. Declare it after the dependency that
    authenticates the request: FastAPI resolves them in order, so nothing is read first."""

    async def dependency(request: Request) -> M:
        return validated(model, await read_json(request))

    return dependency


def json_body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``model`` as the JSON request body of a route."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": self_contained_schema(model)}},
        }
    }


def self_contained_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its ``$defs`` written in place, for a route that reads its
    own body: pydantic's ``#/$defs/...`` references do not resolve inside an OpenAPI document."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                extra = {k: inline(v) for k, v in node.items() if k != "$ref"}
                return {**inline(definitions[ref.removeprefix("#/$defs/")]), **extra}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result
