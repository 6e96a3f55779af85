"""CSRF protection for every state-changing form.

The token is an HMAC of something only this browser holds: the session cookie when signed in,
otherwise a random per-browser cookie. A forged form from another site cannot know it. On top,
state-changing requests whose ``Origin`` or ``Sec-Fetch-Site`` says they come from elsewhere are
refused before any handler runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request

from reclaim.web.body import read_form
from reclaim.web.cookies import CSRF_COOKIE, SESSION_COOKIE, cookie_args, cookie_name, settings_of

FIELD = "csrf_token"


def _binding(request: Request) -> str | None:
    settings = settings_of(request)
    session = request.cookies.get(cookie_name(settings, SESSION_COOKIE))
    if session:
        return "s:" + hashlib.sha256(session.encode()).hexdigest()
    anonymous = request.cookies.get(cookie_name(settings, CSRF_COOKIE)) or getattr(
        request.state, "new_csrf_nonce", None
    )
    return "a:" + anonymous if anonymous else None


def _token(request: Request, binding: str) -> str:
    key = settings_of(request).secret_key_bytes()
    return hmac.new(key, b"csrf|" + binding.encode(), hashlib.sha256).hexdigest()


def csrf_token_for(request: Request) -> str:
    """The token to put in a form; sets the per-browser cookie the first time if needed."""
    binding = _binding(request)
    if binding is None:
        nonce = secrets.token_urlsafe(24)
        request.state.new_csrf_nonce = nonce
        cookies = getattr(request.state, "set_cookies", [])
        cookies.append(cookie_args(settings_of(request), CSRF_COOKIE, nonce))
        request.state.set_cookies = cookies
        binding = "a:" + nonce
    return _token(request, binding)


async def verify_csrf(request: Request) -> None:
    """FastAPI dependency for form POSTs: refuse unless the form carries the right token."""
    form = await read_form(request)
    sent = form.get(FIELD)
    binding = _binding(request)
    if (
        not isinstance(sent, str)
        or binding is None
        or not hmac.compare_digest(sent, _token(request, binding))
    ):
        raise HTTPException(
            status_code=403,
            detail="This form has expired or did not come from this site. "
            "Go back, reload the page and try again.",
        )
