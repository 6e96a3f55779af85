"""Each status in words: plain and calm for the young person, short for staff. Pure."""

from __future__ import annotations

from reclaim.takedown.status import PlaceStatus

__all__ = ["STAFF_LABEL", "YOUNG_PERSON", "young_person_words"]

S = PlaceStatus


def N_(message: str) -> str:  # noqa: N802  (marks words for the public site's catalogues)
    """Mark a message for translation; the web layer translates it where it is shown."""
    return message


#: What the young person reads on their status page (reading age about 9-11, never blaming).
YOUNG_PERSON: dict[PlaceStatus, str] = {
    S.REPORTED: N_("We have it on our list. Our team will look at it soon."),
    S.NEEDS_INFO: N_("Our team is looking at it."),
    S.ASSESSED: N_("Our team checked it. We are asking the website to take it down."),
    S.OUT_OF_SCOPE: N_(
        "Our team looked at it. We cannot ask for this one to be taken down. "
        "You can still talk to someone about it."
    ),
    S.DUPLICATE: N_("We already have this page on our list, and we are working on it."),
    S.NOTICE_SENT: N_("We asked the website to take it down."),
    S.STILL_AVAILABLE: N_("It is still there. We asked again, and we keep checking."),
    S.UNREACHABLE: N_("We could not reach the page just now. We keep checking."),
    S.REJECTED: N_("The website has not taken it down yet. We are asking again in another way."),
    S.REMOVED: N_("The website took it down."),
}

STAFF_LABEL: dict[PlaceStatus, str] = {
    S.REPORTED: "Reported",
    S.NEEDS_INFO: "Needs more information",
    S.ASSESSED: "Assessed: in scope",
    S.OUT_OF_SCOPE: "Out of scope",
    S.DUPLICATE: "Duplicate",
    S.NOTICE_SENT: "Notice sent",
    S.STILL_AVAILABLE: "Still available",
    S.UNREACHABLE: "Unreachable",
    S.REJECTED: "Rejected by the host",
    S.REMOVED: "Removed",
}


def young_person_words(status: str | None) -> str:
    """The sentence for a link's status ("on our list" when it has no place yet)."""
    try:
        return YOUNG_PERSON[PlaceStatus(status or "reported")]
    except ValueError:
        return YOUNG_PERSON[S.REPORTED]
