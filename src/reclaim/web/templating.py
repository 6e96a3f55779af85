"""Jinja2 templates, rendered with the request's CSRF token and the signed-in staff member.

Public pages are translated (Jinja2's ``i18n`` extension with Babel catalogues, see
:mod:`reclaim.web.i18n`): ``render`` draws a page in the ``lang`` its context names (English
unless the public site chose another); staff pages are English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from reclaim.web import i18n

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.add_extension("jinja2.ext.i18n")
templates.env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: one line per message
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda message: i18n.translations(i18n.current_language()).gettext(message),
    lambda singular, plural, n: i18n.translations(i18n.current_language()).ngettext(
        singular, plural, n
    ),
    newstyle=True,
)
templates.env.globals["local_date"] = i18n.local_date


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    from reclaim.web.csrf import csrf_token_for

    values: dict[str, Any] = {
        "csrf_token": csrf_token_for(request),
        "staff": getattr(request.state, "staff", None),
        "urgent_waiting": getattr(request.state, "urgent_waiting", 0),
        "alerts_open": getattr(request.state, "alerts_open", 0),
        "lang": "en",
    }
    values.update(context or {})
    previous = i18n.current_language()
    i18n.set_language(values["lang"])
    try:
        response = templates.TemplateResponse(request, name, values, status_code=status_code)
    finally:
        i18n.set_language(previous)
    pending = getattr(request.state, "set_cookies", None)
    if pending:
        for args in pending:
            response.set_cookie(**args)
    return response
