"""How urgent a place is, from what the people who reported it told us. Pure.

The queue is ordered most urgent first: immediate risk (the person does not feel safe, or is
not sure), then threatened (sextortion), then a child under 13, then age (under 18, then an
adult whose image was taken under 18, then an adult), then time waiting (oldest first, by the
query). A place reported several times takes the most urgent of its reports.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Urgency", "priority", "reasons"]

IMMEDIATE_RISK = 1000
THREATENED = 100
UNDER_13 = 10
#: age_group -> weight (under 18 first).
AGE_WEIGHT = {"under18": 3, "adult_taken_under18": 2, "adult": 1}


@dataclass(frozen=True, slots=True)
class Urgency:
    """What one source says. ``under_13`` is the hook for an age question the report does not
    ask yet: today it is None for every report, and the weight is there when it is."""

    feels_safe: str | None = None  # yes, no, not_sure
    threatened: bool | None = None
    age_group: str | None = None
    under_13: bool | None = None


def priority(urgency: Urgency) -> int:
    """A number to sort by, larger first (the weights keep the order of the criteria)."""
    value = 0
    if urgency.feels_safe in ("no", "not_sure"):
        value += IMMEDIATE_RISK
    if urgency.threatened:
        value += THREATENED
    if urgency.under_13:
        value += UNDER_13
    return value + AGE_WEIGHT.get(urgency.age_group or "", 0)


def reasons(value: int) -> list[str]:
    """The criteria behind a priority, in staff words."""
    words = []
    if value >= IMMEDIATE_RISK:
        words.append("immediate risk")
    if value % IMMEDIATE_RISK >= THREATENED:
        words.append("threatened")
    if value % THREATENED >= UNDER_13:
        words.append("under 13")
    age = value % UNDER_13
    words.append({3: "under 18", 2: "18+, taken under 18", 1: "18+"}.get(age, "age not known"))
    return words
