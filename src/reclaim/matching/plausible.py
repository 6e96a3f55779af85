"""Is this plausibly the hash of real media? Bounds on what one report can carry. Pure.

A report's hashes are stored and handed byte for byte to every platform through the feed, so
they must not become a way to pass arbitrary data around. Every check here holds for hashes of
real pictures and videos, whichever engine made them (Reclaim's, the browser's, pdqhash, vpdq):

* **PDQ shape**: PDQ sets the bits of the 256 DCT values that are above their (lower) median,
  so at most 128 bits are set, and exactly 128 unless values tie at the median, which happens
  only in flat, featureless pictures (low quality). A hash of quality >= 50 has 120-128 bits
  set; random 256-bit values pass that with probability ~0.05 each.
* **Frames that can match**: vPDQ matching ignores frames of quality below 50 and repeats of
  a frame already seen (pytx's ``prepare_vpdq_feature``); those are not kept.
* **Sampling**: frames are taken at a fixed rate, so their timestamps are whole multiples of
  one interval (0.25-5 s; 1 s in Reclaim's browser and CLI), strictly increasing, within the
  first :data:`MAX_VIDEO_SECONDS`.
* **Counts**: at most :data:`MAX_VIDEO_FRAMES` frames per video and :data:`MAX_REPORT_FRAMES`
  per report.

What can still be smuggled through a report that passes is measured by
``benchmarks/covert_channel.py`` and written in ``docs/security.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from reclaim.matching.pdq import is_pdq_hex
from reclaim.matching.video import VPDQ_QUALITY_THRESHOLD, VpdqFrame

__all__ = [
    "MAX_REPORT_FRAMES",
    "MAX_VIDEO_FRAMES",
    "MAX_VIDEO_SECONDS",
    "Implausible",
    "check_pdq",
    "frames_to_keep",
    "pdq_is_plausible",
]

#: Reclaim's browser engine and ``reclaim hash`` stop a video at 300 s (frames after are not
#: hashed), one frame a second.
MAX_VIDEO_SECONDS = 300.0
MAX_VIDEO_FRAMES = 300
#: Two full-length videos' worth; more videos go in another report.
MAX_REPORT_FRAMES = 600
#: Set bits of a PDQ of quality >= 50: 128 unless DCT values tie at the median.
MIN_SET_BITS_WHEN_CLEAR = 120
MIN_INTERVAL, MAX_INTERVAL = 0.25, 5.0
#: Timestamps are kept to the millisecond; container rounding may add a little more.
_SLACK_SECONDS = 0.002


def N_(message: str) -> str:  # noqa: N802  (marks words for the public site's catalogues)
    """Mark a refusal for translation; the web layer shows it in the person's language."""
    return message


UNREADABLE_PHOTO = N_(
    "We could not read the codes made for this photo. Please try choosing it again. If it "
    "keeps happening, you can still send the links where you saw it."
)
UNREADABLE_VIDEO = N_(
    "We could not read the codes made for this video. Please try choosing it again. If it "
    "keeps happening, you can still send the links where you saw it."
)
VIDEO_TOO_LONG = N_(
    "This video is longer than Reclaim can take in one go (5 minutes). Please choose a "
    "shorter clip of it, or send the links where you saw it."
)


class Implausible(ValueError):
    """Hashes that real media could not have given; the message is calm and plain, never
    blaming, and one of this module's catalogue messages (the web layer translates it)."""


def _set_bits(pdq_hex: str) -> int:
    return int(pdq_hex, 16).bit_count()


def pdq_is_plausible(pdq_hex: str, quality: int) -> bool:
    """Could a real picture (or video frame) of ``quality`` have this PDQ hash?"""
    if not is_pdq_hex(pdq_hex):
        return False
    bits = _set_bits(pdq_hex)
    if bits > 128:
        return False
    return quality < VPDQ_QUALITY_THRESHOLD or bits >= MIN_SET_BITS_WHEN_CLEAR


def check_pdq(pdq_hex: str, quality: int) -> None:
    if not pdq_is_plausible(pdq_hex, quality):
        raise Implausible(UNREADABLE_PHOTO)


def _on_one_grid(times: Sequence[float]) -> bool:
    """Strictly increasing timestamps that are whole multiples of one sampling interval."""
    if any(b <= a for a, b in pairwise(times)):
        return False
    if len(times) < 2:
        return True
    interval = min(b - a for a, b in pairwise(times))
    if not MIN_INTERVAL - _SLACK_SECONDS <= interval <= MAX_INTERVAL + _SLACK_SECONDS:
        return False
    start = times[0]
    if start > MAX_VIDEO_SECONDS:
        return False
    for t in times:
        steps = (t - start) / interval
        tolerance = _SLACK_SECONDS * (1 + round(steps)) + interval * 0.01
        if abs(t - start - round(steps) * interval) > tolerance:
            return False
    return True


def frames_to_keep(frames: Iterable[VpdqFrame]) -> list[VpdqFrame]:
    """The frames of one video worth storing (quality >= 50, first of each hash), after
    checking that the whole video is plausible; raises :class:`Implausible` if not."""
    frames = list(frames)
    if len(frames) > MAX_VIDEO_FRAMES:
        raise Implausible(VIDEO_TOO_LONG)
    if not _on_one_grid([f.timestamp for f in frames]) or frames[-1].timestamp > (
        MAX_VIDEO_SECONDS + MAX_INTERVAL
    ):
        raise Implausible(UNREADABLE_VIDEO)
    kept: list[VpdqFrame] = []
    seen: set[str] = set()
    for frame in frames:
        if not pdq_is_plausible(frame.pdq_hex, frame.quality):
            raise Implausible(UNREADABLE_VIDEO)
        if frame.quality >= VPDQ_QUALITY_THRESHOLD and frame.pdq_hex not in seen:
            seen.add(frame.pdq_hex)
            kept.append(frame)
    return kept
