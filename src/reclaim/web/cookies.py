"""Cookie names and attributes: ``__Host-`` prefixed and Secure over HTTPS, always HttpOnly."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from reclaim.config import Settings
from reclaim.web.services import services_of


def cookie_name(settings: Settings, base: str) -> str:
    return f"__Host-{base}" if settings.https else base


def cookie_args(
    settings: Settings, base: str, value: str, *, max_age: int | None = None
) -> dict[str, Any]:
    return {
        "key": cookie_name(settings, base),
        "value": value,
        "max_age": max_age,
        "path": "/",
        "secure": settings.https,
        "httponly": True,
        "samesite": "strict",
    }


def settings_of(request: Request) -> Settings:
    return services_of(request.app).settings


SESSION_COOKIE = "reclaim_session"
CSRF_COOKIE = "reclaim_csrf"
