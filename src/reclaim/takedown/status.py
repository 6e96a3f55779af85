"""The status machine of a reported place, and its clocks. Pure: no database, no web.

::

    reported ──> needs more information ──┐
       │                                  v
       ├──> assessed (in scope) ──> notice sent ──> removed
       ├──> out of scope (reason)       │   ^  └──> still available ─┐
       └──> duplicate of another place  │   │  └──> unreachable ─────┤
                                        │   └───── rejected <────────┘
                                        └──> removed / unreachable (before any notice)

Every move names who, when and why (:class:`Move`); a move the table does not allow is
refused with :class:`TransitionRefused`. ``removed -> still available`` is allowed: a page
can come back. ``notice sent -> notice sent`` is another notice (a reminder, or the hotline
of the hosting country), which starts a new deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = [
    "ALLOWED",
    "LISTED",
    "OPEN",
    "Clocks",
    "Move",
    "PlaceStatus",
    "TransitionRefused",
    "check_move",
    "first_action_due",
    "recheck_due",
]


class PlaceStatus(StrEnum):
    REPORTED = "reported"
    NEEDS_INFO = "needs_info"
    ASSESSED = "assessed"  # in scope
    OUT_OF_SCOPE = "out_of_scope"
    DUPLICATE = "duplicate"
    NOTICE_SENT = "notice_sent"
    STILL_AVAILABLE = "still_available"
    UNREACHABLE = "unreachable"
    REJECTED = "rejected"
    REMOVED = "removed"


S = PlaceStatus
ALLOWED: dict[PlaceStatus, frozenset[PlaceStatus]] = {
    S.REPORTED: frozenset({S.ASSESSED, S.OUT_OF_SCOPE, S.DUPLICATE, S.NEEDS_INFO}),
    S.NEEDS_INFO: frozenset({S.ASSESSED, S.OUT_OF_SCOPE, S.DUPLICATE}),
    S.OUT_OF_SCOPE: frozenset({S.ASSESSED, S.DUPLICATE}),
    S.DUPLICATE: frozenset({S.ASSESSED, S.OUT_OF_SCOPE}),
    S.ASSESSED: frozenset({S.NOTICE_SENT, S.REMOVED, S.UNREACHABLE}),
    S.NOTICE_SENT: frozenset(
        {S.NOTICE_SENT, S.REMOVED, S.STILL_AVAILABLE, S.UNREACHABLE, S.REJECTED}
    ),
    S.STILL_AVAILABLE: frozenset({S.NOTICE_SENT, S.REMOVED, S.UNREACHABLE, S.REJECTED}),
    S.UNREACHABLE: frozenset({S.REMOVED, S.STILL_AVAILABLE}),
    S.REJECTED: frozenset({S.NOTICE_SENT, S.REMOVED, S.STILL_AVAILABLE}),
    S.REMOVED: frozenset({S.STILL_AVAILABLE}),
}

#: Places the analysts still have work on (the default queue).
OPEN = frozenset(
    {
        S.REPORTED,
        S.NEEDS_INFO,
        S.ASSESSED,
        S.NOTICE_SENT,
        S.STILL_AVAILABLE,
        S.UNREACHABLE,
        S.REJECTED,
    }
)
#: Places on the member URL list: assessed in scope and not (known to be) removed.
LISTED = frozenset({S.ASSESSED, S.NOTICE_SENT, S.STILL_AVAILABLE, S.UNREACHABLE, S.REJECTED})
#: Moves that are an assessment (the first person's action on a place).
ASSESSMENTS = frozenset({S.ASSESSED, S.OUT_OF_SCOPE, S.DUPLICATE, S.NEEDS_INFO})


class TransitionRefused(ValueError):
    """This move is not allowed from where the place stands; the message says what is."""


@dataclass(frozen=True, slots=True)
class Move:
    """One audited step: from where to where, who, when and why."""

    before: PlaceStatus
    after: PlaceStatus
    actor: str
    at: datetime
    reason: str
    duplicate_of: int | None = None


def check_move(
    before: PlaceStatus,
    after: PlaceStatus,
    *,
    reason: str,
    duplicate_of: int | None = None,
    place_id: int | None = None,
) -> None:
    """Raise :class:`TransitionRefused` unless ``before -> after`` may happen as asked."""
    allowed = ALLOWED[before]
    if after not in allowed:
        choices = ", ".join(sorted(s.value for s in allowed)) or "nothing"
        raise TransitionRefused(
            f"A place that is {before.value} cannot move to {after.value}; it can move to: "
            f"{choices}."
        )
    if not reason.strip():
        raise TransitionRefused("Say why (a few words): every change is kept with its reason.")
    if after is S.DUPLICATE:
        if duplicate_of is None:
            raise TransitionRefused("Say which place this one duplicates (its number).")
        if place_id is not None and duplicate_of == place_id:
            raise TransitionRefused("A place cannot be a duplicate of itself.")


@dataclass(frozen=True, slots=True)
class Clocks:
    """How long each step may take before it is due (settings)."""

    first_action: timedelta = timedelta(hours=24)
    first_action_urgent: timedelta = timedelta(hours=2)
    notice_deadline: timedelta = timedelta(hours=48)
    recheck: timedelta = timedelta(hours=72)


def first_action_due(reported_at: datetime, urgent: bool, clocks: Clocks) -> datetime:
    """When an analyst must first act on a place (sooner when a report signals danger)."""
    return reported_at + (clocks.first_action_urgent if urgent else clocks.first_action)


def recheck_due(status: PlaceStatus, moved_at: datetime, clocks: Clocks) -> datetime | None:
    """When the place should next be checked again, or None if it waits on nothing.

    After a notice: its deadline. Still available, unreachable or rejected: the re-check
    period. An assessed place waits for its notice; a removed one waits on nothing."""
    if status is S.NOTICE_SENT:
        return moved_at + clocks.notice_deadline
    if status in (S.STILL_AVAILABLE, S.UNREACHABLE, S.REJECTED, S.ASSESSED):
        return moved_at + clocks.recheck
    return None
