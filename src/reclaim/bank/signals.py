"""Signal types, validated and normalised as python-threatexchange writes them. Pure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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
class VideoFrame:
    quality: int
    pdq: str
    timestamp: float


@dataclass(frozen=True, slots=True)
class Signal:
    """One hash: its type, its canonical text, and (PDQ) its quality or (vPDQ) its frames."""

    type: SignalType
    value: str
    quality: int | None = None
    frames: tuple[VideoFrame, ...] = ()


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


def parse_vpdq(frames: Any) -> tuple[VideoFrame, ...]:
    """Frames as a list of ``{quality, pdq, t}`` objects or pytx ``quality,pdq,timestamp`` lines."""
    if isinstance(frames, str):
        text = frames.strip()
        if text.startswith("["):
            try:
                frames = json.loads(text)
            except json.JSONDecodeError:
                raise SignalRejected("vpdq frames are not valid JSON.") from None
        else:
            frames = [line.split(",") for line in re.split(r"[\n;]", text) if line.strip()]
    if not isinstance(frames, list) or not frames:
        raise SignalRejected("A vpdq signal needs at least one frame.")
    parsed: list[VideoFrame] = []
    for number, frame in enumerate(frames, 1):
        if isinstance(frame, dict):
            parts = [frame.get("quality"), frame.get("pdq"), frame.get("t", frame.get("timestamp"))]
        elif isinstance(frame, list | tuple) and len(frame) in (3, 4):
            parts = list(frame[-3:])  # accept frame_number,quality,pdq,timestamp too
        else:
            raise SignalRejected(f"vpdq frame {number} should be quality, pdq and timestamp.")
        try:
            quality = parse_quality(parts[0])
            pdq = parse_hex(SignalType.PDQ, str(parts[1]))
            timestamp = float(parts[2])  # type: ignore[arg-type]
        except (SignalRejected, TypeError, ValueError) as exc:
            raise SignalRejected(f"vpdq frame {number}: {exc}") from None
        parsed.append(VideoFrame(quality if quality is not None else 0, pdq, round(timestamp, 3)))
    return tuple(parsed)


def vpdq_text(frames: tuple[VideoFrame, ...]) -> str:
    """pytx's per-frame format, one ``quality,pdq,timestamp`` per line."""
    return "\n".join(f"{f.quality},{f.pdq},{f.timestamp:.3f}" for f in frames)


def make_signal(kind: str | SignalType, value: Any, quality: Any = None) -> Signal:
    signal_type = kind if isinstance(kind, SignalType) else parse_type(kind)
    if signal_type is SignalType.VPDQ:
        frames = parse_vpdq(value)
        return Signal(signal_type, vpdq_text(frames), None, frames)
    if not isinstance(value, str):
        raise SignalRejected(f"A {signal_type.value} signal is a text of hexadecimal characters.")
    return Signal(signal_type, parse_hex(signal_type, value), parse_quality(quality))
