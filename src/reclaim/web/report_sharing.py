"""Sharing a report by an organisation's code: the one limit on codes tried, for the API and
the status page."""

from __future__ import annotations

import math

from fastapi import Request

from reclaim.web.i18n import N_
from reclaim.web.i18n import gettext as _
from reclaim.web.problems import ApiProblem
from reclaim.web.ratelimit import wait_words
from reclaim.web.report_intake import client_key
from reclaim.web.services import Services

#: Shown in the request's language: ``_(SHARE_CODE_NOT_FOUND)``.
SHARE_CODE_NOT_FOUND = N_(
    "We could not find that code. Check it with the person who gave it to you, then try again."
)


def check_share_code_rate(request: Request, services: Services) -> None:
    """Codes one connection may try in an hour (stops anyone guessing codes)."""
    wait = services.limits.share_code.hit(f"share:{client_key(request)}")
    if wait:
        raise ApiProblem(
            429,
            _(
                "That was a lot of codes in a short time. Please wait %(wait)s, then "
                "try again. Your report is still working.",
                wait=wait_words(wait),
            ),
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )
