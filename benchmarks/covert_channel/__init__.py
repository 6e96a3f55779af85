"""How many bytes of arbitrary data one report can still carry to platforms (issue 9, item 2).

``python -m benchmarks covert_channel``. An attacker who knows the checks of
:mod:`reclaim.matching.plausible` builds the most capacious report that passes them: every
frame and image PDQ is a 128-bit-set hash chosen by the data (combinatorial number system),
every quality one of 50..100 chosen by the data, each file's SHA-256 and MD5 free, videos
of the longest length at one frame a second. The report is checked with the same function
the reports API uses, the data is decoded back from what would be stored, and the bytes that
round-tripped are printed (and the information-theoretic bound). Also prints the same
figure for the rules before the fix. Exit 1 if the decoded data differs.
"""

from __future__ import annotations

import math
import secrets
from math import comb

from reclaim.matching.plausible import (
    MAX_REPORT_FRAMES,
    MAX_VIDEO_FRAMES,
    check_pdq,
    frames_to_keep,
)
from reclaim.matching.video import VpdqFrame

MAX_FILES = 10  # reports_api.MAX_FILES
QUALITIES = 51  # 50..100: frames below 50 are not stored
PDQ_CHOICES = comb(256, 128)


def _subset(number: int) -> int:
    """The ``number``-th 128-bit-set 256-bit value (combinatorial number system)."""
    value, k = 0, 128
    for bit in range(255, -1, -1):
        if k and number >= comb(bit, k):
            number -= comb(bit, k)
            value |= 1 << bit
            k -= 1
    return value


def _index(value: int) -> int:
    number, k = 0, 128
    for bit in range(255, -1, -1):
        if value >> bit & 1:
            number += comb(bit, k)
            k -= 1
    return number


def main(argv: list[str]) -> int:
    bits_per_pdq = math.floor(math.log2(PDQ_CHOICES))
    quality_bits = math.floor(math.log2(QUALITIES))
    videos = MAX_REPORT_FRAMES // MAX_VIDEO_FRAMES
    images = MAX_FILES - videos
    payload = secrets.token_bytes(40_000)
    stream = int.from_bytes(payload, "big")
    used = 0

    def take(bits: int) -> int:
        nonlocal used
        chunk = (stream >> (len(payload) * 8 - used - bits)) & ((1 << bits) - 1)
        used += bits
        return chunk

    carried = 0
    decoded = 0
    for _ in range(videos):
        frames = []
        for n in range(MAX_VIDEO_FRAMES):
            word, quality = take(bits_per_pdq), 50 + take(quality_bits)
            frames.append(VpdqFrame(f"{_subset(word):064x}", quality, float(n)))
        kept = frames_to_keep(frames)  # what the reports API stores
        for f in kept:
            decoded = decoded << bits_per_pdq | _index(int(f.pdq_hex, 16))
            decoded = decoded << quality_bits | (f.quality - 50)
            carried += bits_per_pdq + quality_bits
        decoded, carried = decoded << 384 | take(384), carried + 384  # SHA-256 + MD5
    for _ in range(images):
        word, quality = take(bits_per_pdq), 50 + take(quality_bits)
        pdq = f"{_subset(word):064x}"
        check_pdq(pdq, quality)
        decoded = decoded << bits_per_pdq | _index(int(pdq, 16))
        decoded = decoded << quality_bits | (quality - 50)
        decoded, carried = decoded << 384 | take(384), carried + bits_per_pdq + quality_bits + 384
    expected = stream >> (len(payload) * 8 - used)
    ok = decoded == expected and carried == used
    bound_bits = (
        MAX_REPORT_FRAMES * (math.log2(PDQ_CHOICES) + math.log2(QUALITIES))
        + videos * math.log2(comb(MAX_VIDEO_FRAMES, MAX_VIDEO_FRAMES))  # grid: every slot
        + images * (math.log2(PDQ_CHOICES) + math.log2(QUALITIES))
        + MAX_FILES * 384
    )
    # Before: any 64-hex value as a frame, as many as fit in the 256 KiB body.
    one_frame = len('{"t":299.0,"quality":100,"pdq":"' + "0" * 64 + '"},')
    before = (256 * 1024 // one_frame) * 256
    print(f"videos {videos} x {MAX_VIDEO_FRAMES} frames + {images} images per report")
    verdict = "ok" if ok else "MISMATCH"
    print(f"round-tripped through the checks: {carried // 8:,} bytes per report ({verdict})")
    print(f"information bound with these rules: {bound_bits / 8:,.0f} bytes per report")
    print(f"before the checks (frames filling the 256 KiB body): {before / 8:,.0f} bytes")
    return 0 if ok else 1
