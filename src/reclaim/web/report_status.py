"""A report's status in the young person's words: the one place it is rendered, for the API
(:class:`StatusOut`) and for the status page (:func:`status_page_context`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from reclaim.reports import AgeGroup, ReportStatus, show_reference
from reclaim.reports.wording import (
    blocked_sentence,
    hash_label,
    hash_status,
    next_steps,
)
from reclaim.web.i18n import catalogue
from reclaim.web.report_intake import HelpOut, help_for


class HashOut(BaseModel):
    id: int
    label: str
    kind: str
    status: str
    status_text: str
    exact_only: bool


class UrlOut(BaseModel):
    id: int
    url: str
    status: str = Field(
        description="Where its takedown stands: reported, needs_info, assessed, out_of_scope, "
        "duplicate, notice_sent, still_available, unreachable, rejected or removed."
    )
    status_text: str


class StatusOut(BaseModel):
    reference: str
    reference_display: str
    made_at: datetime
    erased: bool
    urgent: bool
    blocked_on: int
    blocked_text: str
    hashes: list[HashOut]
    urls: list[UrlOut]
    next_steps: list[str]
    help: list[HelpOut]


def status_out(status: ReportStatus, default_country: str) -> StatusOut:
    """In the request's language (the public and report API routers choose it)."""
    adult = status.age_group == AgeGroup.ADULT.value
    t = catalogue()
    return StatusOut(
        reference=status.reference,
        reference_display=show_reference(status.reference),
        made_at=status.created_at,
        erased=status.erased,
        urgent=status.urgent,
        blocked_on=status.blocked_on,
        blocked_text=blocked_sentence(status, t),
        hashes=[
            HashOut(
                id=h.id,
                label=hash_label(h, t),
                kind=h.kind,
                status=h.status,
                status_text=hash_status(h.status, t),
                exact_only=h.exact_only,
            )
            for h in status.hashes
        ],
        urls=[
            UrlOut(id=u.id, url=u.url, status=u.status, status_text=t.gettext(u.words))
            for u in status.urls
        ],
        next_steps=next_steps(status, t),
        help=help_for(status.country, adult, default_country),
    )


def status_page_context(status: ReportStatus, default_country: str) -> dict[str, Any]:
    """What the status page shows, from the same :func:`status_out` as the API."""
    view = status_out(status, default_country)
    return {
        "status": status,
        "reference": view.reference_display,
        "reference_raw": status.reference,
        "blocked_text": view.blocked_text,
        "hashes": [
            {
                "id": h.id,
                "label": h.label,
                "status": h.status,
                "text": h.status_text,
                "exact_only": h.exact_only,
            }
            for h in view.hashes
        ],
        "urls": [{"url": u.url, "status": u.status, "text": u.status_text} for u in view.urls],
        "next_steps": view.next_steps,
    }
