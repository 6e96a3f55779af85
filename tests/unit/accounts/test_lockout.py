from __future__ import annotations

from datetime import timedelta

from reclaim.accounts.lockout import LockoutPolicy
from reclaim.web.ratelimit import RateLimiter, wait_words


def test_pauses_start_after_the_free_failures_then_double_up_to_the_cap() -> None:
    policy = LockoutPolicy(5, timedelta(minutes=15), timedelta(hours=24))
    assert [policy.pause_after(n) for n in (1, 4)] == [None, None]
    assert [policy.pause_after(n) for n in (5, 6, 7)] == [
        timedelta(minutes=15),
        timedelta(minutes=30),
        timedelta(hours=1),
    ]
    assert policy.pause_after(12) == policy.pause_after(10_000) == timedelta(hours=24)


def test_without_a_cap_every_pause_is_the_same() -> None:
    policy = LockoutPolicy(5, timedelta(minutes=15))
    assert policy.pause_after(5) == policy.pause_after(50) == timedelta(minutes=15)


def test_the_figures_in_docs_security() -> None:
    year = timedelta(days=365)
    assert LockoutPolicy(5, timedelta(minutes=15), timedelta(hours=24)).most_guesses(year) == 375
    assert LockoutPolicy(5, timedelta(minutes=15)).most_guesses(timedelta(days=1)) == 100


def test_checking_the_limiter_counts_nothing() -> None:
    limiter = RateLimiter(2, 60)
    assert limiter.check("a", now=0) == (0, 0.0)
    limiter.hit("a", now=0)
    limiter.hit("a", now=1)
    assert limiter.check("a", now=2) == (2, 58.0)
    assert limiter.check("a", now=61) == (0, 0.0)


def test_waits_in_plain_words() -> None:
    assert wait_words(30) == "1 minute"
    assert wait_words(15 * 60) == "15 minutes"
    assert wait_words(20 * 3600) == "20 hours"
