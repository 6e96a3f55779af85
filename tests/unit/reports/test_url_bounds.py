"""A link's host is bounded as DNS bounds it (RFC 1035: 253 characters, labels of 63)."""

from __future__ import annotations

import pytest

from reclaim.reports.urls import UrlRejected, canonical_url


def test_a_1900_character_host_is_refused_kindly() -> None:
    with pytest.raises(UrlRejected, match="does not look like a web address"):
        canonical_url("https://" + "a" * 1900 + ".example/x")


def test_a_64_character_label_is_refused() -> None:
    with pytest.raises(UrlRejected):
        canonical_url("https://" + "a" * 64 + ".example/")


def test_real_long_hosts_are_kept() -> None:
    host = ".".join(["a" * 63] * 3) + ".example"  # 199 characters
    assert canonical_url(f"https://{host}/p") == f"https://{host}/p"
