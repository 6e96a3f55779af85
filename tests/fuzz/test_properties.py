"""Property tests (Hypothesis, bounded, derandomised) over the fuzz targets in fuzz/targets.py:
structured inputs near the valid ones, where random bytes rarely go."""

from __future__ import annotations

import io
import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fuzz import targets

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

hexchars = st.text("0123456789abcdefABCDEF", min_size=0, max_size=70)
line_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@BOUNDED
@given(st.one_of(hexchars, line_texts, st.lists(hexchars, max_size=4).map(",".join)))
def test_hash_text_is_accepted_or_refused_with_a_reason(text: str) -> None:
    targets.hashes(text.encode())


@BOUNDED
@given(
    st.lists(
        st.one_of(
            hexchars.map(lambda h: f"pdq {h}"),
            st.tuples(hexchars, st.integers(-5, 120), st.floats(allow_nan=True)).map(
                lambda t: f"{t[0]},{t[1]},{t[2]}"
            ),
            line_texts,
        ),
        max_size=12,
    )
)
def test_import_lines_never_escape_as_errors(lines: list[str]) -> None:
    targets.import_lines("\n".join(lines).encode())


urlish = st.builds(
    lambda scheme, host, port, path, query: f"{scheme}{host}{port}{path}{query}",
    st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://", "javascript:", "//"]),
    st.one_of(st.from_regex(r"[a-zA-Z0-9\-\.\[\]:]{0,30}", fullmatch=True), line_texts),
    st.sampled_from(["", ":80", ":443", ":8080", ":99999", ":x", ":"]),
    st.text(max_size=40),
    st.text(max_size=60).map(lambda q: f"?{q}"),
)


@BOUNDED
@given(st.one_of(urlish, line_texts))
def test_links_canonicalise_idempotently_or_are_refused(text: str) -> None:
    targets.urls(text.encode())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
file_objects = st.fixed_dictionaries(
    {"kind": st.sampled_from(["image", "video", "x"])},
    optional={
        "sha256": hexchars,
        "md5": hexchars,
        "pdq": hexchars,
        "quality": st.integers(-10, 200),
        "frames": st.lists(
            st.fixed_dictionaries(
                {"pdq": hexchars, "quality": st.integers(-1, 101), "t": st.floats(-1, 400)}
            ),
            max_size=5,
        ),
    },
)
reports = st.fixed_dictionaries(
    {"age_group": st.sampled_from(["under18", "adult", "adult_taken_under18", "x"])},
    optional={
        "country": st.text(max_size=4),
        "files": st.lists(file_objects, max_size=3),
        "urls": st.lists(st.one_of(urlish, st.text(max_size=30)), max_size=3),
        "feels_safe": st.sampled_from(["yes", "no", "not_sure", "maybe", None]),
        "extra": json_values,
    },
)


@BOUNDED
@given(st.one_of(reports, json_values))
def test_report_bodies_are_a_report_or_a_4xx(document: object) -> None:
    targets.report_json(json.dumps(document).encode())


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.sampled_from(["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"]),
    st.integers(1, 40),
    st.integers(1, 40),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    st.integers(0, 200),
)
def test_damaged_images_hash_or_are_refused(
    fmt: str, width: int, height: int, flips: list[tuple[int, int]], cut: int
) -> None:
    rng = np.random.default_rng(width * 41 + height)
    picture = Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    picture.save(buffer, fmt)
    data = bytearray(buffer.getvalue())
    for position, value in flips:
        data[position % len(data)] = value
    targets.image(bytes(data[: max(1, len(data) - cut)]))
