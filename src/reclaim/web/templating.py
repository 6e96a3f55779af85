"""Jinja2 templates, rendered with the request's CSRF token and the signed-in staff member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    from reclaim.web.csrf import csrf_token_for

    values: dict[str, Any] = {
        "csrf_token": csrf_token_for(request),
        "staff": getattr(request.state, "staff", None),
        "urgent_waiting": getattr(request.state, "urgent_waiting", 0),
        "alerts_open": getattr(request.state, "alerts_open", 0),
    }
    values.update(context or {})
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    pending = getattr(request.state, "set_cookies", None)
    if pending:
        for args in pending:
            response.set_cookie(**args)
    return response
