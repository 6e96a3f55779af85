"""What a file is, from its first bytes (never from its name).

A file is hashed according to its content: a PNG called ``photo.jpg`` is hashed as the
PNG it is. The extension is only used to word the error for content Reclaim cannot read.
Only the decoders listed here are ever used: Pillow is restricted to the image formats a
phone or computer produces (no EPS/PostScript, which would start Ghostscript), and FFmpeg
is told the container format, so it never probes for playlists or other demuxers that
could open further files or URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Final, Literal

__all__ = ["HEAD_BYTES", "Sniffed", "claimed_kind", "looks_truncated", "sniff"]

#: How many leading bytes :func:`sniff` needs to decide.
HEAD_BYTES: Final = 512

Kind = Literal["image", "video"]


@dataclass(frozen=True, slots=True)
class Sniffed:
    kind: Kind
    #: Human name of the format, used in messages ("JPEG", "MP4/QuickTime").
    name: str
    #: Pillow format names allowed to open it (images).
    pillow_formats: tuple[str, ...] = ()
    #: FFmpeg demuxer to force (videos).
    av_format: str | None = None


_HEVC_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
)
_HEIF_BRANDS: Final = _HEVC_BRANDS | {b"mif1", b"msf1", b"mif2", b"mif3"}
_VIDEO_BRANDS: Final = frozenset({b"isom", b"iso2", b"mp41", b"mp42", b"qt  ", b"avc1"})
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis", b"avio"})

_JPEG: Final = Sniffed("image", "JPEG", ("JPEG",))
_PNG: Final = Sniffed("image", "PNG", ("PNG",))
_GIF: Final = Sniffed("image", "GIF", ("GIF",))
_WEBP: Final = Sniffed("image", "WebP", ("WEBP",))
_TIFF: Final = Sniffed("image", "TIFF", ("TIFF",))
_BMP: Final = Sniffed("image", "BMP", ("BMP", "DIB"))
_HEIF: Final = Sniffed("image", "HEIC/HEIF", ("HEIF",))
_AVIF: Final = Sniffed("image", "AVIF", ("AVIF",))
_ICO: Final = Sniffed("image", "ICO", ("ICO",))
_JP2: Final = Sniffed("image", "JPEG 2000", ("JPEG2000",))
_PSD: Final = Sniffed("image", "Photoshop", ("PSD",))
_QOI: Final = Sniffed("image", "QOI", ("QOI",))
_PNM: Final = Sniffed("image", "PNM", ("PPM",))

_MP4: Final = Sniffed("video", "MP4/QuickTime", av_format="mov")
_MKV: Final = Sniffed("video", "Matroska/WebM", av_format="matroska")
_AVI: Final = Sniffed("video", "AVI", av_format="avi")
_TS: Final = Sniffed("video", "MPEG transport stream", av_format="mpegts")
_MPEG: Final = Sniffed("video", "MPEG program stream", av_format="mpeg")
_FLV: Final = Sniffed("video", "Flash video", av_format="flv")
_ASF: Final = Sniffed("video", "Windows Media", av_format="asf")
_OGG: Final = Sniffed("video", "Ogg", av_format="ogg")

_QUICKTIME_ATOMS: Final = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})

#: What the file's extension claims it is (only used to word errors).
_EXTENSION_KINDS: Final[dict[str, Kind]] = {
    **dict.fromkeys(
        [
            "jpg",
            "jpeg",
            "jpe",
            "jfif",
            "png",
            "apng",
            "gif",
            "webp",
            "tif",
            "tiff",
            "bmp",
            "dib",
            "heic",
            "heif",
            "hif",
            "avif",
            "ico",
            "jp2",
            "j2k",
            "jpf",
            "psd",
            "qoi",
            "pbm",
            "pgm",
            "ppm",
            "pnm",
        ],
        "image",
    ),
    **dict.fromkeys(
        [
            "mp4",
            "m4v",
            "mov",
            "qt",
            "3gp",
            "3g2",
            "mkv",
            "webm",
            "avi",
            "ts",
            "mts",
            "m2ts",
            "mpg",
            "mpeg",
            "vob",
            "flv",
            "wmv",
            "asf",
            "ogv",
        ],
        "video",
    ),
}


def _iso_bmff(head: bytes) -> Sniffed | None:
    if head[4:8] != b"ftyp":
        if head[4:8] in _QUICKTIME_ATOMS:
            return _MP4
        return None
    size = int.from_bytes(head[0:4], "big")
    major = head[8:12]
    end = min(max(size, 16), len(head))
    brands = {major} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if major in _AVIF_BRANDS:
        return _AVIF
    if major in _HEVC_BRANDS:
        return _HEIF
    if brands & _AVIF_BRANDS:
        return _AVIF
    if brands & _HEIF_BRANDS and not brands & _VIDEO_BRANDS:
        return _HEIF
    return _MP4


def sniff(head: bytes) -> Sniffed | None:
    """The format of a file from its first :data:`HEAD_BYTES` bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return _AVI
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return _TIFF
    if len(head) >= 12 and (found := _iso_bmff(head)) is not None:
        return found
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _MKV
    if head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n") or head.startswith(b"\xff\x4f\xff\x51"):
        return _JP2
    if head.startswith(b"8BPS"):
        return _PSD
    if head.startswith(b"qoif"):
        return _QOI
    if head.startswith(b"\x00\x00\x01\x00") and len(head) > 6 and head[4:6] != b"\x00\x00":
        return _ICO
    if head.startswith(b"BM") and len(head) >= 26:
        return _BMP
    if head.startswith(b"FLV\x01"):
        return _FLV
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return _ASF
    if head.startswith(b"OggS"):
        return _OGG
    if head.startswith(b"\x00\x00\x01\xba"):
        return _MPEG
    if len(head) > 376 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return _TS
    if len(head) > 2 and head[0:1] == b"P" and head[1:2] in b"123456" and head[2:3].isspace():
        return _PNM
    return None


def claimed_kind(name: str | None) -> tuple[str, Kind] | None:
    """``(extension, kind)`` that a file name claims, e.g. ``("jpg", "image")``."""
    if not name or "." not in name:
        return None
    extension = name.rsplit(".", 1)[1].lower()
    kind = _EXTENSION_KINDS.get(extension)
    return None if kind is None else (extension, kind)


def _bmff_truncated(stream: BinaryIO, size: int) -> bool:
    """True if a top-level ISO BMFF box claims more bytes than the file has."""
    position = 0
    for _ in range(100_000):
        if position >= size:
            return False
        stream.seek(position)
        header = stream.read(16)
        if len(header) < 8:
            return True
        box_size = int.from_bytes(header[0:4], "big")
        if box_size == 1:
            if len(header) < 16:
                return True
            box_size = int.from_bytes(header[8:16], "big")
        elif box_size == 0:  # extends to the end of the file
            return False
        if box_size < 8:
            return False  # not a valid box: damaged, not truncated
        if position + box_size > size:
            return True
        position += box_size
    return False


def looks_truncated(stream: BinaryIO, size: int, found: Sniffed) -> bool:
    """Whether a file that failed to decode looks cut short (rather than damaged): its
    container declares more bytes than there are, or its end marker is missing."""
    try:
        if found.name in ("WebP", "AVI"):  # RIFF: declared length at bytes 4-8
            stream.seek(4)
            return int.from_bytes(stream.read(4), "little") + 8 > size
        if found.name in ("MP4/QuickTime", "HEIC/HEIF", "AVIF"):
            return _bmff_truncated(stream, size)
        tail_markers = {"PNG": b"IEND", "JPEG": b"\xff\xd9", "GIF": b"\x3b"}
        marker = tail_markers.get(found.name)
        if marker is not None:
            stream.seek(max(0, size - 16))
            return marker not in stream.read(16)
        return False
    finally:
        stream.seek(0)
