"""Hash a file given as a path (read in place) or as bytes already in memory."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeAlias

from reclaim.hashing.digests import digest_bytes, digest_stream
from reclaim.hashing.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    TruncatedFileError,
    UnknownFormatError,
    UnreadableFileError,
)
from reclaim.hashing.formats import HEAD_BYTES, Sniffed, claimed_kind, looks_truncated, sniff
from reclaim.hashing.limits import DEFAULT_LIMITS, HashingLimits
from reclaim.hashing.normalise import normalise_image
from reclaim.hashing.pdq import pdq_from_block
from reclaim.hashing.results import ImageHashes, VideoHashes
from reclaim.hashing.video import decode_and_hash_frames

__all__ = ["Source", "hash_file", "hash_image", "hash_video"]

#: A path to read in place, or the whole file as bytes.
Source: TypeAlias = str | os.PathLike[str] | bytes | bytearray | memoryview


def _size(n: int) -> str:
    """A byte count for people: 512 bytes, 20 KiB, 3.4 MiB, 4 GiB."""
    if n < 1024:
        return f"{n} bytes"
    for unit in ("KiB", "MiB", "GiB"):
        n_units = n / 1024
        if unit == "GiB":
            return f"{n_units:,.3g} {unit}" if n_units < 1000 else f"{n_units:,.0f} {unit}"
        if n_units < 1024:
            return f"{n_units:.3g} {unit}"
        n //= 1024
    raise AssertionError  # pragma: no cover - the loop always returns


def _unknown(head: bytes, name: str | None) -> UnknownFormatError:
    claim = claimed_kind(name)
    if claim is not None:
        extension, kind = claim
        article = "an" if kind == "image" else "a"
        return UnknownFormatError(
            f"The file is named .{extension} but its content is not {article} {kind} format "
            "Reclaim can read (it may be another kind of file renamed, or encrypted)."
        )
    if not head.strip(b"\x00"):
        return UnknownFormatError("The file contains only zero bytes: it is not an image or video.")
    return UnknownFormatError(
        "The file is not an image or video format Reclaim can read "
        "(JPEG, PNG, GIF, WebP, HEIC/HEIF, AVIF, TIFF, BMP; MP4/MOV, WebM/MKV, AVI...)."
    )


def _too_large(size: int, cap: int, what: str) -> FileTooLargeError:
    return FileTooLargeError(
        f"The {what} is {_size(size)}; Reclaim hashes {what}s of up to {_size(cap)}."
    )


@contextmanager
def _opened(path: str | os.PathLike[str]) -> Iterator[tuple[BinaryIO, int]]:
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError as exc:
        raise UnreadableFileError("The file does not exist (any more).") from exc
    except OSError as exc:
        raise UnreadableFileError(f"The file cannot be read: {exc.strerror}.") from exc
    if stat.S_ISDIR(mode):
        raise UnreadableFileError("This is a folder, not a file.")
    if not stat.S_ISREG(mode):  # a pipe or device could block or never end
        raise UnreadableFileError("This is not a regular file (a device, pipe or socket).")
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - closed below
    except FileNotFoundError as exc:
        raise UnreadableFileError("The file does not exist (any more).") from exc
    except IsADirectoryError as exc:
        raise UnreadableFileError("This is a folder, not a file.") from exc
    except OSError as exc:
        raise UnreadableFileError(f"The file cannot be opened: {exc.strerror}.") from exc
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
        except OSError as exc:  # pragma: no cover - fstat on an open file
            raise UnreadableFileError("The file cannot be read.") from exc
        yield handle, size


def _read_all(handle: BinaryIO) -> bytes:
    try:
        return handle.read()
    except OSError as exc:
        raise UnreadableFileError(f"The file cannot be read: {exc.strerror}.") from exc


def _identify(head: bytes, size: int, name: str | None) -> Sniffed:
    if size == 0:
        raise EmptyFileError
    found = sniff(head)
    if found is None:
        raise _unknown(head, name)
    return found


@contextmanager
def _telling_truncation(stream: BinaryIO, size: int, found: Sniffed) -> Iterator[None]:
    """A decoding failure of a file that is visibly cut short is reported as truncated."""
    try:
        yield
    except CorruptFileError as exc:
        if looks_truncated(stream, size, found):
            kind = "video" if found.kind == "video" else "file"
            raise TruncatedFileError.cut_off(found.name, kind) from exc
        raise


def _image_from_bytes(
    data: bytes, found: Sniffed, *, dihedral: bool, limits: HashingLimits
) -> ImageHashes:
    if len(data) > limits.max_image_bytes:
        raise _too_large(len(data), limits.max_image_bytes, "image")
    with _telling_truncation(io.BytesIO(data), len(data), found):
        image = normalise_image(
            data, max_pixels=limits.max_pixels, formats=found.pillow_formats, name=found.name
        )
    result = pdq_from_block(image.block, dihedral=dihedral)
    digests = digest_bytes(data)
    return ImageHashes(
        pdq=result.hash,
        quality=result.quality,
        sha256=digests.sha256,
        md5=digests.md5,
        dihedral=result.dihedral,
        animated=image.animated,
        width=image.width,
        height=image.height,
        format=image.format,
    )


def _video_from_stream(
    handle: BinaryIO, size: int, found: Sniffed, *, fps: float | None, limits: HashingLimits
) -> VideoHashes:
    if size > limits.max_video_bytes:
        raise _too_large(size, limits.max_video_bytes, "video")
    handle.seek(0)
    digests = digest_stream(handle)
    handle.seek(0)
    with _telling_truncation(handle, size, found):
        frames, frame_rate, width, height = decode_and_hash_frames(
            handle, av_format=found.av_format, fps=fps, limits=limits, name=found.name
        )
    return VideoHashes(
        sha256=digests.sha256,
        md5=digests.md5,
        frames=tuple(frames),
        fps=fps,
        frame_rate=frame_rate,
        width=width,
        height=height,
        format=found.name,
    )


def _check_kind(found: Sniffed, want: str | None) -> None:
    if want == "image" and found.kind == "video":
        raise UnknownFormatError(f"This is a video ({found.name}), not an image.")
    if want == "video" and found.kind == "image":
        raise UnknownFormatError(f"This is an image ({found.name}), not a video.")


def _hash(
    source: Source,
    *,
    want: str | None,
    dihedral: bool,
    fps: float | None,
    limits: HashingLimits,
) -> ImageHashes | VideoHashes:
    if fps is not None and not fps > 0:
        raise ValueError("fps must be positive (or None for every frame)")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        found = _identify(data[:HEAD_BYTES], len(data), None)
        _check_kind(found, want)
        if found.kind == "video":
            return _video_from_stream(io.BytesIO(data), len(data), found, fps=fps, limits=limits)
        return _image_from_bytes(data, found, dihedral=dihedral, limits=limits)
    with _opened(source) as (handle, size):
        found = _identify(handle.read(HEAD_BYTES), size, os.fspath(source))
        _check_kind(found, want)
        if found.kind == "video":
            return _video_from_stream(handle, size, found, fps=fps, limits=limits)
        if size > limits.max_image_bytes:
            raise _too_large(size, limits.max_image_bytes, "image")
        handle.seek(0)
        data = _read_all(handle)
    return _image_from_bytes(data, found, dihedral=dihedral, limits=limits)


def hash_file(
    source: Source,
    *,
    dihedral: bool = False,
    fps: float | None = 1.0,
    limits: HashingLimits = DEFAULT_LIMITS,
) -> ImageHashes | VideoHashes:
    """Hash an image or a video, whichever its content is (the name is not trusted).

    ``source`` is a path, read in place and never copied, or the file's bytes.
    ``dihedral`` adds the 8 dihedral PDQ hashes of an image; ``fps`` is the vPDQ
    sampling rate of a video (None: every frame). Raises a
    :class:`~reclaim.hashing.errors.HashingError` subclass for anything that cannot be
    hashed (typed, with a message for a person)."""
    return _hash(source, want=None, dihedral=dihedral, fps=fps, limits=limits)


def hash_image(
    source: Source, *, dihedral: bool = False, limits: HashingLimits = DEFAULT_LIMITS
) -> ImageHashes:
    """Hash an image (the first frame of an animation). See :func:`hash_file`."""
    result = _hash(source, want="image", dihedral=dihedral, fps=None, limits=limits)
    assert isinstance(result, ImageHashes)
    return result


def hash_video(
    source: Source, *, fps: float | None = 1.0, limits: HashingLimits = DEFAULT_LIMITS
) -> VideoHashes:
    """vPDQ frames (default one per second), SHA-256 and MD5 of a video.
    See :func:`hash_file`."""
    result = _hash(source, want="video", dihedral=False, fps=fps, limits=limits)
    assert isinstance(result, VideoHashes)
    return result
