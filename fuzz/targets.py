"""Fuzz targets for what parses hostile input. Each takes bytes and either returns or raises
one of the typed errors that input is allowed to cause; anything else is a bug.

Run by `fuzz/run.py` under atheris (coverage-guided) and by `tests/fuzz/` under Hypothesis.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from reclaim.bank.files import IMPORT_FORMATS, Rejected, parse
from reclaim.bank.signals import SignalRejected, SignalType, make_signal
from reclaim.hashing import HashingLimits, hash_file
from reclaim.hashing.errors import HashingError
from reclaim.matching.video import parse_vpdq
from reclaim.reports.urls import MAX_URL_LENGTH, UrlRejected, canonical_url
from reclaim.web.body import MAX_JSON_DEPTH, _too_deep, validated
from reclaim.web.problems import ApiProblem
from reclaim.web.report_intake import ReportIn, plausible_files

#: Small enough that a fuzz input cannot ask for gigabytes: the limits are a feature under
#: test too (a refusal is a typed HashingError, not a MemoryError).
LIMITS = HashingLimits(
    max_pixels=4_000_000,
    max_image_bytes=2 * 1024 * 1024,
    max_video_bytes=2 * 1024 * 1024,
    video_seconds=20.0,
)


def image(data: bytes) -> None:
    """Decoding and normalising an image or video from its bytes, as `reclaim hash` does."""
    try:
        result = hash_file(data, limits=LIMITS, fps=1.0)
    except HashingError:
        return
    assert len(result.sha256) == 64 and len(result.md5) == 32


def hashes(data: bytes) -> None:
    """PDQ, SHA-256, MD5 and vPDQ text as the API and imports take them."""
    text = data.decode("utf-8", "replace")
    for kind in SignalType:
        try:
            signal = make_signal(kind, text, 100 if kind is SignalType.PDQ else None)
        except SignalRejected:
            continue
        # Whatever is accepted is stored in a form that reads back the same.
        again = make_signal(kind, signal.value, signal.quality)
        assert again.value == signal.value
    with contextlib.suppress(ValueError):  # its one error, naming the bad line
        parse_vpdq(text)


def import_lines(data: bytes) -> None:
    """`reclaim bank import` in every format: each line is an item or a rejection."""
    lines = data.decode("utf-8", "replace").splitlines(keepends=True)
    for fmt in IMPORT_FORMATS:
        for found in parse(lines, fmt):
            if isinstance(found, Rejected):
                assert found.reason and found.line >= 1


def urls(data: bytes) -> None:
    """A young person's link: canonical, idempotent, http(s) only."""
    text = data.decode("utf-8", "replace")
    try:
        url = canonical_url(text)
    except UrlRejected:
        return
    assert urlsplit(url).scheme in {"http", "https"}
    assert canonical_url(url) == url, (text, url)
    assert len(url) <= MAX_URL_LENGTH * 4


def report_json(data: bytes) -> None:
    """`POST /api/v1/reports` from its raw body to the files that would be stored."""
    if _too_deep(data, MAX_JSON_DEPTH):
        return
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return
    try:
        body = validated(ReportIn, document)
        plausible_files(body.files)
    except ApiProblem as problem:
        if not 400 <= problem.status < 500:
            raise AssertionError(f"a {problem.status} for a client's body") from problem


TARGETS: dict[str, Callable[[bytes], None]] = {
    "image": image,
    "hashes": hashes,
    "import_lines": import_lines,
    "urls": urls,
    "report_json": report_json,
}
