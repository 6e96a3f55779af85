"""Errors as RFC 9457 problem details on the API, and as a calm page everywhere else."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from reclaim.storage import DatabaseBusy
from reclaim.web.templating import render

log = logging.getLogger("reclaim.web")

PROBLEM_TYPE_BASE = "https://reclaim.invalid/problems/"


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def problem(
    status: int, detail: str, *, title: str | None = None, kind: str | None = None, **extra: Any
) -> ProblemResponse:
    headers = extra.pop("headers", None)
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (kind or phrase.lower().replace(" ", "-")),
        "title": title or phrase,
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return ProblemResponse(body, status_code=status, headers=headers)


class ApiProblem(Exception):
    """Raise from API code to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, kind: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.kind, self.extra = status, detail, kind, extra


def _wants_problem(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, detail: str) -> Response:
    return render(request, "error.html", {"status": status, "detail": detail}, status_code=status)


TOO_LARGE = "That is more than Reclaim ever needs: only hashes and text."

_FRIENDLY = {
    404: "We could not find that page.",
    413: TOO_LARGE,
    405: "That page cannot be used that way.",
    500: "Something went wrong on our side. Please try again in a moment.",
}


BUSY = "We are very busy for a moment and nothing was saved. Please try again in a few seconds."


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> Response:
        return problem(
            exc.status, exc.detail, kind=exc.kind, instance=request.url.path, **exc.extra
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        kind = None
        if exc.status_code == 413:  # the framework's body limit says only "Content Too Large"
            detail, kind = TOO_LARGE, "content-too-large"
        if _wants_problem(request):
            response: Response = problem(
                exc.status_code, detail, kind=kind, instance=request.url.path
            )
        else:
            response = _error_page(request, exc.status_code, _FRIENDLY.get(exc.status_code, detail))
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "location": ".".join(str(p) for p in err.get("loc", ())),
                "message": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        if _wants_problem(request):
            return problem(
                422,
                "The request was not valid: see `errors` for each field.",
                kind="validation",
                instance=request.url.path,
                errors=errors,
            )
        return _error_page(
            request, 400, "Some of what was sent was not valid. Go back and check it."
        )

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> Response:
        # The client went away (or was cut off by the read deadline) mid-body: no one is
        # left to answer, and nothing went wrong on our side.
        log.info("client disconnected before its request arrived whole")
        return Response(status_code=400)

    @app.exception_handler(DatabaseBusy)
    async def _busy(request: Request, exc: DatabaseBusy) -> Response:
        # Another writer held the database too long: nothing was written, try again soon.
        log.warning("database busy: %s", exc)
        if _wants_problem(request):
            return problem(503, BUSY, kind="busy", headers={"Retry-After": "2"})
        page = _error_page(request, 503, BUSY)
        page.headers["Retry-After"] = "2"
        return page

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled error", exc_info=exc)
        if _wants_problem(request):
            return problem(500, "Something went wrong on our side; it has been logged.")
        return _error_page(request, 500, _FRIENDLY[500])
