"""The public front page (the young person's journey builds on this in its own module)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from reclaim.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html")
