"""The status machine's table, its refusals, its clocks, urgency and the young person's words."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from reclaim.takedown.status import (
    ALLOWED,
    LISTED,
    OPEN,
    Clocks,
    PlaceStatus,
    TransitionRefused,
    check_move,
    first_action_due,
    recheck_due,
)
from reclaim.takedown.urgency import Urgency, priority, reasons
from reclaim.takedown.wording import STAFF_LABEL, YOUNG_PERSON, young_person_words

S = PlaceStatus
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_the_issues_path_is_allowed() -> None:
    path = [S.REPORTED, S.ASSESSED, S.NOTICE_SENT, S.REMOVED]
    for before, after in itertools.pairwise(path):
        check_move(before, after, reason="why")
    for end in (S.STILL_AVAILABLE, S.UNREACHABLE, S.REJECTED):
        check_move(S.NOTICE_SENT, end, reason="why")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (S.REPORTED, S.NOTICE_SENT),  # assess first
        (S.REPORTED, S.REMOVED),
        (S.ASSESSED, S.REPORTED),
        (S.REMOVED, S.REPORTED),
        (S.OUT_OF_SCOPE, S.NOTICE_SENT),
        (S.DUPLICATE, S.NOTICE_SENT),
        (S.UNREACHABLE, S.REJECTED),
    ],
)
def test_moves_outside_the_table_are_refused_with_the_choices(
    before: PlaceStatus, after: PlaceStatus
) -> None:
    with pytest.raises(TransitionRefused, match="it can move to"):
        check_move(before, after, reason="why")


def test_every_move_needs_a_reason_and_a_duplicate_names_its_place() -> None:
    with pytest.raises(TransitionRefused, match="Say why"):
        check_move(S.REPORTED, S.ASSESSED, reason="  ")
    with pytest.raises(TransitionRefused, match="which place"):
        check_move(S.REPORTED, S.DUPLICATE, reason="same as 3")
    with pytest.raises(TransitionRefused, match="itself"):
        check_move(S.REPORTED, S.DUPLICATE, reason="same", duplicate_of=4, place_id=4)
    check_move(S.REPORTED, S.DUPLICATE, reason="same", duplicate_of=3, place_id=4)


def test_every_status_has_words_a_label_and_a_row() -> None:
    assert set(ALLOWED) == set(S) == set(YOUNG_PERSON) == set(STAFF_LABEL)
    assert OPEN | {S.ASSESSED} >= LISTED
    assert S.REMOVED not in LISTED and S.OUT_OF_SCOPE not in LISTED
    assert young_person_words("removed") == "The website took it down."
    assert young_person_words(None) == YOUNG_PERSON[S.REPORTED]
    assert young_person_words("no-such") == YOUNG_PERSON[S.REPORTED]
    for words in YOUNG_PERSON.values():  # calm and short, never blaming
        assert len(words) < 120 and "you" not in words.lower().split()[:1]


def test_clocks() -> None:
    clocks = Clocks(
        first_action=timedelta(hours=24),
        first_action_urgent=timedelta(hours=2),
        notice_deadline=timedelta(hours=48),
        recheck=timedelta(hours=72),
    )
    assert first_action_due(T0, False, clocks) == T0 + timedelta(hours=24)
    assert first_action_due(T0, True, clocks) == T0 + timedelta(hours=2)
    assert recheck_due(S.NOTICE_SENT, T0, clocks) == T0 + timedelta(hours=48)
    assert recheck_due(S.STILL_AVAILABLE, T0, clocks) == T0 + timedelta(hours=72)
    assert recheck_due(S.REMOVED, T0, clocks) is None
    assert recheck_due(S.OUT_OF_SCOPE, T0, clocks) is None


def test_urgency_orders_the_criteria() -> None:
    order = [
        Urgency(feels_safe="no", age_group="adult"),
        Urgency(feels_safe="not_sure", age_group="adult"),
        Urgency(threatened=True, age_group="adult"),
        Urgency(under_13=True, age_group="adult"),
        Urgency(age_group="under18"),
        Urgency(age_group="adult_taken_under18"),
        Urgency(age_group="adult"),
        Urgency(),
    ]
    values = [priority(u) for u in order]
    assert values[0] == values[1]  # "not sure" is treated as "no"
    assert values[1:] == sorted(values[1:], reverse=True) and len(set(values[1:])) == 7
    assert reasons(priority(Urgency("no", True, "under18"))) == [
        "immediate risk",
        "threatened",
        "under 18",
    ]
    assert reasons(priority(Urgency(under_13=True))) == ["under 13", "age not known"]
