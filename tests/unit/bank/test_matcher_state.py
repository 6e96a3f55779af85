"""The matcher's parts without a database: searches take no lock and see whole states."""

from __future__ import annotations

import threading

import numpy as np

from reclaim.bank.match_changes import ChangeBatch, ItemChange, SignalRecord
from reclaim.bank.match_snapshot import load_state, save_state
from reclaim.bank.match_state import MatchState
from reclaim.bank.matcher import Matcher
from reclaim.bank.signals import Signal, SignalType
from reclaim.matching import PDQ_MATCH_THRESHOLD

RNG = np.random.default_rng(4)
PDQS = [RNG.bytes(32).hex() for _ in range(50)]
SHA = "ab" * 32


def _item(item_id: int, active: bool = True) -> ItemChange:
    if not active:
        return ItemChange(item_id, False)
    signals = [SignalRecord(item_id * 10, "pdq", PDQS[item_id], None)]
    if item_id == 1:
        signals.append(SignalRecord(11, "sha256", SHA, None))
    return ItemChange(item_id, True, "default", PDQ_MATCH_THRESHOLD, ("c",), signals)


def _loaded() -> MatchState:
    state = MatchState()
    state.apply(ChangeBatch(len(PDQS), PDQ_MATCH_THRESHOLD, [_item(i) for i in range(len(PDQS))]))
    return state


def test_a_search_does_not_wait_for_a_sync_or_a_snapshot() -> None:
    matcher = Matcher(_loaded())
    answers: list[int] = []
    with matcher._writer:  # a long sync or snapshot in progress
        searcher = threading.Thread(
            target=lambda: answers.append(len(matcher.match([Signal(SignalType.PDQ, PDQS[3])])[0]))
        )
        searcher.start()
        searcher.join(timeout=30)
        assert not searcher.is_alive() and answers == [1]


def test_searches_during_changes_see_an_item_whole_and_a_withdrawal_at_once() -> None:
    state = _loaded()
    stop = threading.Event()
    errors: list[BaseException] = []
    query = [Signal(SignalType.PDQ, PDQS[1]), Signal(SignalType.SHA256, SHA)]

    def search() -> None:
        try:
            while not stop.is_set():
                pdq, sha = state.match(query)
                for found in (pdq, sha):
                    assert found == [] or [(m.item_id, m.distance) for m in found] == [(1, 0)]
        except BaseException as exc:
            errors.append(exc)

    searchers = [threading.Thread(target=search) for _ in range(2)]
    for thread in searchers:
        thread.start()
    seq = len(PDQS)
    for round_ in range(201):  # ends withdrawn
        seq += 1
        state.apply(ChangeBatch(seq, PDQ_MATCH_THRESHOLD, [_item(1, active=round_ % 2 == 1)]))
        if round_ % 2 == 0:  # just withdrawn: the very next search must not find it
            assert state.match(query) == [[], []]
    stop.set()
    for thread in searchers:
        thread.join()
    assert not errors, errors[0]
    assert state.match(query) == [[], []] and state.applied_seq == seq


def test_a_snapshot_round_trips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    state = _loaded()
    state.apply(ChangeBatch(len(PDQS) + 1, PDQ_MATCH_THRESHOLD, [_item(7, active=False)]))
    save_state(state, tmp_path)
    loaded = load_state(tmp_path)
    assert loaded.applied_seq == state.applied_seq and loaded.items == state.items
    for item_id in (1, 7, 20):
        query = [Signal(SignalType.PDQ, PDQS[item_id]), Signal(SignalType.SHA256, SHA)]
        assert loaded.match(query) == state.match(query)
