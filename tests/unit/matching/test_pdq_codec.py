"""Hex <-> bytes helpers agree with python-threatexchange byte for byte."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threatexchange.signal_type.pdq import pdq_utils

from reclaim.matching import (
    array_to_hexes,
    bits_to_hex,
    hamming_distance,
    hex_chars_to_array,
    hex_distance,
    hex_to_bits,
    hexes_to_array,
    is_pdq_hex,
)

HEX = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(a=HEX, b=HEX)
def test_round_trip_and_distance_match_pytx(a: str, b: str) -> None:
    assert bits_to_hex(hex_to_bits(a)) == a
    assert bits_to_hex(hex_to_bits(a.upper())) == a
    # pytx unpacks bytes.fromhex(hex) big-endian-bitwise: the same bytes as ours.
    ours = hexes_to_array([a, b])
    theirs = pdq_utils.convert_pdq_strings_to_ndarray([a, b])
    np.testing.assert_array_equal(np.unpackbits(ours, axis=1), theirs)
    assert hex_distance(a, b) == pdq_utils.simple_distance(a, b)
    assert array_to_hexes(ours) == [a, b]


def test_bit_order_is_pytx_binary_string() -> None:
    h = "8" + "0" * 62 + "1"
    bits = np.unpackbits(hex_to_bits(h))
    assert "".join(map(str, bits.tolist())) == pdq_utils.hex_to_binary_str(h)


@pytest.mark.parametrize(
    "bad", ["", "0" * 63, "0" * 65, "g" * 64, " " + "0" * 63, "0" * 62 + "\n0"]
)
def test_bad_hex_is_refused(bad: str) -> None:
    assert not is_pdq_hex(bad)
    with pytest.raises(ValueError, match="not a 64-character hex"):
        hexes_to_array(["0" * 64, bad])


def test_bits_to_hex_needs_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        bits_to_hex(np.zeros(31, np.uint8))
    assert bits_to_hex(bytes(range(32))) == bytes(range(32)).hex()


def test_hamming_distance_broadcasts_one_row() -> None:
    rows = hexes_to_array(["0" * 64, "f" * 64, "0f" * 32])
    assert hamming_distance(rows[0], rows).tolist() == [0, 256, 128]
    assert hamming_distance(rows, rows[1]).tolist() == [256, 0, 128]
    with pytest.raises(ValueError, match="cannot compare"):
        hamming_distance(rows[:2], rows)
    with pytest.raises(TypeError, match="uint8"):
        hamming_distance(rows.astype(np.int16), rows)
    assert hexes_to_array([]).shape == (0, 32)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.text(alphabet="0123456789abcdefABCDEF", min_size=64, max_size=64),
            st.one_of(st.none(), st.tuples(st.integers(0, 63), st.sampled_from("gG -x\x00\xff"))),
        ),
        max_size=20,
    )
)
def test_vectorised_hex_decoding_equals_the_per_row_parser(
    rows: list[tuple[str, tuple[int, str] | None]],
) -> None:
    texts = []
    for text, damage in rows:
        if damage is not None:
            at, char = damage
            text = text[:at] + char + text[at + 1 :]
        texts.append(text)
    chars = np.array(
        [list(t.encode("latin-1")) for t in texts] or np.zeros((0, 64)), np.uint8
    ).reshape(len(texts), 64)
    hashes, valid = hex_chars_to_array(chars)
    for n, text in enumerate(texts):
        assert bool(valid[n]) == is_pdq_hex(text)
        if valid[n]:
            assert hashes[n].tobytes() == bytes.fromhex(text)
        else:
            assert not hashes[n].any()


def test_vectorised_hex_decoding_refuses_a_wrong_shape() -> None:
    with pytest.raises(ValueError, match="shape"):
        hex_chars_to_array(np.zeros((2, 63), np.uint8))
