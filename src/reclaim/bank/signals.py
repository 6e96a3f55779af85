"""Signal types, validated and normalised as python-threatexchange writes them. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reclaim.matching.video import VpdqFrame, vpdq_signal_str
from reclaim.matching.video import parse_vpdq as parse_video_frames


class SignalType(StrEnum):
    PDQ = "pdq"
    VPDQ = "vpdq"
    SHA256 = "sha256"
    MD5 = "md5"


class SignalRejected(ValueError):
    """A signal that cannot be stored or matched; the message says what is wrong."""


_HEX = {
    SignalType.PDQ: re.compile(r"^[0-9a-f]{64}$"),
    SignalType.SHA256: re.compile(r"^[0-9a-f]{64}$"),
    SignalType.MD5: re.compile(r"^[0-9a-f]{32}$"),
}
_LENGTH = {SignalType.PDQ: 64, SignalType.SHA256: 64, SignalType.MD5: 32}


@dataclass(frozen=True, slots=True)
class Signal:
    """One hash: its type, its canonical text, and (PDQ) its quality or (vPDQ) its frames.

    A vPDQ's canonical text is pytx's ``signal_str`` (:func:`vpdq_signal_str`)."""

    type: SignalType
    value: str
    quality: int | None = None
    frames: tuple[VpdqFrame, ...] = ()


def parse_type(text: str) -> SignalType:
    try:
        return SignalType(text.strip().lower())
    except ValueError:
        kinds = ", ".join(t.value for t in SignalType)
        raise SignalRejected(f"Unknown signal type {text!r}; use one of: {kinds}.") from None


def parse_hex(kind: SignalType, text: str) -> str:
    value = text.strip().lower()
    if not _HEX[kind].match(value):
        raise SignalRejected(
            f"A {kind.value} hash is {_LENGTH[kind]} hexadecimal characters (0-9, a-f); "
            f"got {len(value)} characters."
        )
    return value


def parse_quality(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        quality = int(value)
    except (TypeError, ValueError):
        raise SignalRejected("quality must be a whole number from 0 to 100.") from None
    if not 0 <= quality <= 100:
        raise SignalRejected("quality must be a whole number from 0 to 100.")
    return quality


def parse_vpdq(frames: Any) -> tuple[VpdqFrame, ...]:
    """A video's frames in any spelling :func:`reclaim.matching.video.parse_vpdq` reads."""
    if not isinstance(frames, str | list | tuple):
        raise SignalRejected("A vpdq signal is a list of frames.")
    try:
        parsed = tuple(parse_video_frames(frames))
    except ValueError as exc:
        raise SignalRejected(str(exc).replace("vPDQ line", "vpdq frame")) from None
    if not parsed:
        raise SignalRejected("A vpdq signal needs at least one frame.")
    return parsed


def make_signal(kind: str | SignalType, value: Any, quality: Any = None) -> Signal:
    signal_type = kind if isinstance(kind, SignalType) else parse_type(kind)
    if signal_type is SignalType.VPDQ:
        frames = parse_vpdq(value)
        return Signal(signal_type, vpdq_signal_str(frames), None, frames)
    if not isinstance(value, str):
        raise SignalRejected(f"A {signal_type.value} signal is a text of hexadecimal characters.")
    return Signal(signal_type, parse_hex(signal_type, value), parse_quality(quality))
