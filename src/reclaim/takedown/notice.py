"""The text of a takedown notice. Pure.

A notice names the place (its URL), why it should come down, who asks, and a reference to
quote back. It never holds an image (there is none), nor anything about the child or the
person who reported it: no name, age, country, contact, report reference or what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from string import Template

__all__ = ["NoticeText", "notice_reference", "notice_text"]

SUBJECT = Template("Removal request $reference: child sexual abuse material at $host")

BODY = Template(
    """To the team that handles abuse reports at $recipient,

$organisation asks you to remove the content at this address, which our analysts have
assessed as an indecent image of a child (child sexual abuse material):

    $url

Reference: $reference (please quote it when you reply)
Assessed: $assessed

Please remove it and stop it being uploaded again, and tell us when it is done by replying
to this message. We did not copy or keep the content, and we ask you not to send it to us.

If the content is not on your service, please tell us so that we can send this to the right
place.

$organisation
"""
)


@dataclass(frozen=True, slots=True)
class NoticeText:
    subject: str
    body: str


def notice_reference(place_id: int, notice_number: int) -> str:
    """A reference to quote back: the place and the how-manieth notice, nothing personal."""
    return f"RCL-{place_id}-{notice_number}"


def notice_text(
    *,
    url: str,
    host: str,
    recipient: str,
    organisation: str,
    reference: str,
    assessed_at: datetime,
) -> NoticeText:
    """The subject and body of a notice (no image, no personal data of the child)."""
    values = {
        "url": url,
        "host": host,
        "recipient": recipient or host,
        "organisation": organisation,
        "reference": reference,
        "assessed": assessed_at.strftime("%Y-%m-%d %H:%M UTC"),
    }
    return NoticeText(SUBJECT.substitute(values), BODY.substitute(values))
