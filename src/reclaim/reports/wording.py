"""The plain words a young person reads about their report (used by the page and the API).

Every sentence here is a message in the public site's catalogues (``make translations``
extracts the ``N_``, ``gettext`` and ``ngettext`` calls). The functions take the request's
:class:`Translator` (the web layer passes the chosen language's catalogue); without one they
speak English, as staff pages do.
"""

from __future__ import annotations

from gettext import NullTranslations
from typing import Protocol

from reclaim.reports.messages import N_
from reclaim.reports.status import HashState, ReportStatus


class Translator(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


ENGLISH: Translator = NullTranslations()


HASH_STATUS = {
    "active": N_("Active: websites are blocking copies."),
    "withdrawn": N_("Withdrawn: websites have been told to stop."),
    "still_listed": N_(
        "Withdrawn from this report, but the same file is also on the list another way "
        "(another report of it), so websites still block it. Withdraw it there too, or get in "
        "touch and we will help."
    ),
    "stopped": N_("Paused by our team. We will explain if you get in touch."),
    "expired": N_("No longer on the list."),
}


def hash_status(status: str, t: Translator = ENGLISH) -> str:
    return t.gettext(HASH_STATUS[status])


def hash_label(state: HashState, t: Translator = ENGLISH) -> str:
    if state.kind == "video":
        return t.gettext("Video %(number)s") % {"number": state.position}
    return t.gettext("Photo %(number)s") % {"number": state.position}


def blocked_sentence(status: ReportStatus, t: Translator = ENGLISH) -> str:
    n = status.blocked_on
    if n == 0:
        return t.gettext("No website has told us it found a copy yet. That can be good news.")
    words = t.ngettext(
        "Found and blocked on %(num)d service.", "Found and blocked on %(num)d services.", n
    )
    return words % {"num": n}


def next_steps(status: ReportStatus, t: Translator = ENGLISH) -> list[str]:
    _ = t.gettext
    if status.erased:
        return [
            _("Everything about this report has been deleted. You can make a new one at any time.")
        ]
    steps = []
    if status.active:
        steps.append(
            _("Websites that work with us check new uploads against your codes, and block copies.")
        )
        steps.append(_("Come back here with your reference and PIN to see what changed."))
    if status.urls:
        steps.append(_("Our team looks at each link you gave and asks the website to remove it."))
        steps.append(_("Each link above says where it is up to."))
    if not status.active and not status.urls:
        steps.append(_("Nothing is being blocked now. You can make a new report at any time."))
    steps.append(_("You did the right thing by telling us. None of this is your fault."))
    return steps
