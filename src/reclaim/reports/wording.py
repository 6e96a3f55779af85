"""The plain words a young person reads about their report (used by the page and the API)."""

from __future__ import annotations

from reclaim.reports.status import HashState, ReportStatus

URL_STATUS = {
    "reported": "We have it on our list.",
    "sent": "We asked the website to take it down.",
    "removed": "The website took it down.",
}

HASH_STATUS = {
    "active": "Active: websites are blocking copies.",
    "withdrawn": "Withdrawn: websites have been told to stop.",
    "still_listed": "Withdrawn from this report, but the same file is also on the list another "
    "way (another report of it), so websites still block it. Withdraw it there too, or get in "
    "touch and we will help.",
    "stopped": "Paused by our team. We will explain if you get in touch.",
    "expired": "No longer on the list.",
}


def hash_label(state: HashState) -> str:
    return f"{'Video' if state.kind == 'video' else 'Photo'} {state.position}"


def blocked_sentence(status: ReportStatus) -> str:
    n = status.blocked_on
    if n == 0:
        return "No website has told us it found a copy yet. That can be good news."
    services = "service" if n == 1 else "services"
    return f"Found and blocked on {n} {services}."


def next_steps(status: ReportStatus) -> list[str]:
    if status.erased:
        return [
            "Everything about this report has been deleted. You can make a new one at any time."
        ]
    steps = []
    if status.active:
        steps.append(
            "Websites that work with us check new uploads against your codes, and block copies."
        )
        steps.append("Come back here with your reference and PIN to see what changed.")
    if status.urls:
        steps.append("Our team looks at each link you gave and asks the website to remove it.")
    if not status.active and not status.urls:
        steps.append("Nothing is being blocked now. You can make a new report at any time.")
    steps.append("You did the right thing by telling us. None of this is your fault.")
    return steps
