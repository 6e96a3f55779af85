"""Sharing a report by an organisation's code: the one limit on codes tried, for the API and
the status page."""

from __future__ import annotations

import math

from fastapi import Request

from reclaim.web.problems import ApiProblem
from reclaim.web.ratelimit import wait_words
from reclaim.web.report_intake import client_key
from reclaim.web.services import Services

SHARE_CODE_NOT_FOUND = (
    "We could not find that code. Check it with the person who gave it to you, then try again."
)


def check_share_code_rate(request: Request, services: Services) -> None:
    """Codes one connection may try in an hour (stops anyone guessing codes)."""
    wait = services.limits.share_code.hit(f"share:{client_key(request)}")
    if wait:
        raise ApiProblem(
            429,
            f"That was a lot of codes in a short time. Please wait {wait_words(wait)}, then "
            "try again. Your report is still working.",
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )
