"""SHA-256 / MD5 exact lookup."""

from __future__ import annotations

import hashlib

import pytest

from reclaim.matching.exact import ExactHashIndex, normalize_digest


def test_lookup_by_hex_either_case_or_bytes() -> None:
    index = ExactHashIndex("sha256")
    a = hashlib.sha256(b"a").hexdigest()
    b = hashlib.sha256(b"b").digest()
    index.add_many([(a, 1), (a.upper(), 2), (b, 3)])
    assert index.lookup(a) == [1, 2]
    assert index.lookup(b.hex()) == [3]
    assert index.lookup_many([b, hashlib.sha256(b"c").hexdigest()]) == [[3], []]
    assert len(index) == 2
    assert index.remove(1) == 1
    assert index.remove(1) == 0
    assert index.lookup(a) == [2]
    index.remove(2)
    assert len(index) == 1


def test_md5_and_malformed_digests() -> None:
    index = ExactHashIndex("md5")
    index.add(hashlib.md5(b"x").hexdigest(), 7)
    assert index.lookup(hashlib.md5(b"x").digest()) == [7]
    for bad in ["abc", "g" * 32, "0" * 64, b"\x00" * 15]:
        with pytest.raises(ValueError, match="md5"):
            index.lookup(bad)
    with pytest.raises(ValueError, match="unknown algorithm"):
        ExactHashIndex("sha1")  # type: ignore[arg-type]
    assert normalize_digest("sha256", "AB" * 32) == bytes([0xAB]) * 32


def test_digests_of_an_item() -> None:
    index = ExactHashIndex("md5")
    index.add("AB" * 16, 3)
    index.add("cd" * 16, 3)
    assert index.digests_of(3) == ["ab" * 16, "cd" * 16] and index.digests_of(4) == []
