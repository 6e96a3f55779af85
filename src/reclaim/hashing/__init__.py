"""Reclaim's hashing engine: PDQ, vPDQ, SHA-256 and MD5 of images and videos.

A pure package (no web, storage or CLI code). Images are hashed from a path, read in
place, or from bytes in memory; nothing is ever written to disk. The normalisation and
the algorithms are specified in docs/hashing.md.

    >>> from reclaim.hashing import hash_file
    >>> hash_file("photo.heic").to_dict()  # doctest: +SKIP
    {'kind': 'image', 'pdq': 'f8f8...', 'quality': 100, 'sha256': '...', 'md5': '...'}
"""

from reclaim.hashing.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    HashingError,
    TooManyPixelsError,
    TooSlowError,
    TruncatedFileError,
    UnknownFormatError,
    UnreadableFileError,
)
from reclaim.hashing.files import Source, hash_file, hash_image, hash_video
from reclaim.hashing.limits import DEFAULT_LIMITS, HashingLimits
from reclaim.hashing.pdq import (
    DIHEDRAL_NAMES,
    PdqResult,
    hamming_distance,
    pdq_from_luma,
    pdq_from_pixels,
)
from reclaim.hashing.results import ImageHashes, VideoHashes
from reclaim.hashing.video import VideoFrameHash

__all__ = [
    "DEFAULT_LIMITS",
    "DIHEDRAL_NAMES",
    "CorruptFileError",
    "EmptyFileError",
    "FileTooLargeError",
    "HashingError",
    "HashingLimits",
    "ImageHashes",
    "PdqResult",
    "Source",
    "TooManyPixelsError",
    "TooSlowError",
    "TruncatedFileError",
    "UnknownFormatError",
    "UnreadableFileError",
    "VideoFrameHash",
    "VideoHashes",
    "hamming_distance",
    "hash_file",
    "hash_image",
    "hash_video",
    "pdq_from_luma",
    "pdq_from_pixels",
]
