"""Safety: typed errors for every kind of bad input, limits, and nothing written to disk."""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import av
import numpy as np
import pillow_heif
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reclaim.hashing import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    HashingError,
    HashingLimits,
    TooManyPixelsError,
    TooSlowError,
    TruncatedFileError,
    UnknownFormatError,
    UnreadableFileError,
    hash_file,
    hash_image,
    hash_video,
)
from tests.unit.hashing.synthetic import encode, scene

pillow_heif.register_heif_opener()

SMALL = scene(96, 72, seed=2)


def small_video(frames: int = 12, size: tuple[int, int] = (96, 64)) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            rgb = np.asarray(scene(size[0], size[1], seed=i))
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


VALID: dict[str, bytes] = {
    "jpeg": encode(SMALL, "JPEG", quality=85),
    "png": encode(SMALL, "PNG"),
    "gif": encode(SMALL, "GIF"),
    "webp": encode(SMALL, "WEBP", quality=80),
    "heic": encode(SMALL, "HEIF", quality=80),
    "avif": encode(SMALL, "AVIF", quality=80),
    "tiff": encode(SMALL, "TIFF"),
    "mp4": small_video(),
}


def test_empty() -> None:
    with pytest.raises(EmptyFileError) as caught:
        hash_file(b"")
    assert caught.value.code == "empty"
    assert caught.value.to_dict() == {"code": "empty", "message": caught.value.message}


def test_empty_path(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        hash_file(path)


@pytest.mark.parametrize("name", list(VALID))
def test_truncated(name: str) -> None:
    data = VALID[name]
    with pytest.raises(TruncatedFileError) as caught:
        hash_file(data[: len(data) // 2])
    assert caught.value.code == "truncated"
    assert "cut off" in caught.value.message


@pytest.mark.parametrize("name", ["jpeg", "png", "gif", "webp", "heic", "avif", "mp4"])
def test_corrupt(name: str) -> None:
    """The signature survives, everything after it is noise."""
    data = VALID[name]
    rng = np.random.default_rng(0)
    keep = 32 if name in ("heic", "avif", "mp4") else 16
    damaged = data[:keep] + rng.integers(0, 256, len(data) - keep, dtype=np.uint8).tobytes()
    with pytest.raises((CorruptFileError, TruncatedFileError, UnknownFormatError)) as caught:
        hash_file(damaged)
    assert caught.value.code in ("corrupt", "truncated", "unknown_format")


def test_corrupt_png_checksum() -> None:
    data = bytearray(VALID["png"])
    data[40] ^= 0xFF  # inside IHDR/IDAT: the CRC no longer matches
    with pytest.raises(CorruptFileError):
        hash_file(bytes(data))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Just some text, not an image.\n" * 20, "not an image or video"),
        (b"\x00" * 4096, "only zero bytes"),
        (b"%PDF-1.7\n" + b"x" * 500, "not an image or video"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n" + b"x" * 500, "not an image or video"),
    ],
)
def test_unknown_format(data: bytes, words: str) -> None:
    with pytest.raises(UnknownFormatError) as caught:
        hash_file(data)
    assert words in caught.value.message


def test_content_decides_not_the_extension(tmp_path: Path) -> None:
    """A PNG named .jpg is hashed as the PNG it is; a text file named .jpg is refused
    with a message that says so."""
    png = tmp_path / "photo.png"
    png.write_bytes(VALID["png"])
    misnamed = tmp_path / "photo.jpg"
    misnamed.write_bytes(VALID["png"])
    assert hash_file(misnamed) == hash_file(png)
    video_named_jpg = tmp_path / "clip.jpg"
    video_named_jpg.write_bytes(VALID["mp4"])
    assert hash_file(video_named_jpg).kind == "video"
    text = tmp_path / "holiday.jpg"
    text.write_text("not a photo")
    with pytest.raises(UnknownFormatError) as caught:
        hash_file(text)
    assert ".jpg" in caught.value.message
    assert "image" in caught.value.message


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="does not exist"):
        hash_file(tmp_path / "missing.jpg")
    with pytest.raises(UnreadableFileError, match="folder"):
        hash_file(tmp_path)


def test_image_and_video_functions_refuse_the_other_kind() -> None:
    with pytest.raises(UnknownFormatError, match="video"):
        hash_image(VALID["mp4"])
    with pytest.raises(UnknownFormatError, match="image"):
        hash_video(VALID["png"])


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width x height`` but holds almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("size", "limit"),
    [
        ((12_000, 9_000), 100_000_000),  # 108 MP: Reclaim's own default guard
        ((40_000, 40_000), 100_000_000),  # 1.6 GP: also beyond Pillow's guard
        ((40_000, 40_000), 5_000_000_000),  # a limit above Pillow's: still refused
        ((96, 72), 1_000),  # configurable
    ],
)
def test_decompression_bomb_is_refused_before_decoding(size: tuple[int, int], limit: int) -> None:
    """The header alone decides: the data is far too short to decode, so any other
    error would show that decoding had started."""
    with pytest.raises(TooManyPixelsError) as caught:
        hash_file(_png_header_only(*size), limits=HashingLimits(max_pixels=limit))
    assert caught.value.code == "too_many_pixels"


def test_bomb_jpeg_header() -> None:
    data = bytearray(encode(SMALL, "JPEG"))
    start = data.index(b"\xff\xc0")  # SOF0: height and width at +5 and +7
    data[start + 5 : start + 9] = struct.pack(">HH", 60_000, 60_000)
    with pytest.raises(TooManyPixelsError):
        hash_file(bytes(data))


def test_video_frame_size_limit() -> None:
    with pytest.raises(TooManyPixelsError):
        hash_video(VALID["mp4"], limits=HashingLimits(max_pixels=1_000))


def test_file_size_caps(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(VALID["png"])
    small = HashingLimits(max_image_bytes=1_000, max_video_bytes=1_000)
    for source in (path, VALID["png"]):
        with pytest.raises(FileTooLargeError) as caught:
            hash_file(source, limits=small)
        assert caught.value.code == "too_large"
        assert "bytes" in caught.value.message
    with pytest.raises(FileTooLargeError):
        hash_file(VALID["mp4"], limits=small)
    assert hash_file(path, limits=HashingLimits(max_image_bytes=len(VALID["png"]))).pdq


def test_video_time_limit() -> None:
    with pytest.raises(TooSlowError) as caught:
        hash_video(VALID["mp4"], fps=None, limits=HashingLimits(video_seconds=1e-9))
    assert caught.value.code == "too_slow"


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="positive"):
        HashingLimits(max_pixels=0)
    with pytest.raises(ValueError, match="positive"):
        HashingLimits(video_seconds=0)
    with pytest.raises(ValueError, match="fps"):
        hash_video(VALID["mp4"], fps=0)


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID[draw(st.sampled_from(sorted(VALID)))])
    action = draw(st.sampled_from(["truncate", "flip", "insert", "zero"]))
    if action == "truncate":
        return bytes(data[: draw(st.integers(0, len(data)))])
    positions = draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=12))
    for position in positions:
        if action == "flip":
            data[position] ^= draw(st.integers(1, 255))
        elif action == "zero":
            data[position : position + 64] = bytes(len(data[position : position + 64]))
        else:
            data[position:position] = draw(st.binary(min_size=1, max_size=32))
    return bytes(data)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(damaged_files())
def test_damaged_files_never_crash(data: bytes) -> None:
    """Whatever the damage: a result, or a typed error with a message."""
    error: HashingError | None = None
    try:
        result = hash_file(data, fps=None)
    except HashingError as exc:
        error = exc
    else:
        assert result.sha256
    if error is not None:
        codes = {"empty", "truncated", "corrupt", "unknown_format", "too_many_pixels"}
        assert error.code in codes
        assert error.message


@contextmanager
def _watch_writes() -> Iterator[list[Any]]:
    """Record every file opened for writing (Python audit events) while active."""
    writes: list[Any] = []
    _watch_writes.active = writes  # type: ignore[attr-defined]
    try:
        yield writes
    finally:
        _watch_writes.active = None  # type: ignore[attr-defined]


_watch_writes.active = None  # type: ignore[attr-defined]


def _audit(event: str, args: tuple[Any, ...]) -> None:
    writes = _watch_writes.active  # type: ignore[attr-defined]
    if writes is None:
        return
    if event == "open":
        _path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        )
        if writing:
            writes.append(args)
    elif event.startswith(("tempfile.", "shutil.")) or event in ("os.rename", "os.link"):
        writes.append((event, args))


sys.addaudithook(_audit)


def test_nothing_is_written_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No temporary copy, frame or debug dump: no Python-level write, and nothing
    appears in TMPDIR or the working directory (where C libraries would write)."""
    with _watch_writes() as control:
        (tmp_path / "control").write_bytes(b"x")
    assert control, "the audit hook sees writes"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.chdir(scratch)
    files = tmp_path / "in"
    files.mkdir()
    for name, data in VALID.items():
        (files / f"sample.{name}").write_bytes(data)
    with _watch_writes() as writes:
        for path in sorted(files.iterdir()):
            hash_file(path, dihedral=True, fps=None)
            hash_file(path.read_bytes())
    assert writes == []
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in files.iterdir()) == sorted(f"sample.{n}" for n in VALID)


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFileError, match="regular file"):
        hash_file(fifo)
