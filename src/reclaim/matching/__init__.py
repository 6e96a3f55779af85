"""Exact PDQ/vPDQ/SHA-256/MD5 matching (pure: no web, database, CLI or configuration code).

The core is :class:`PdqIndex`, an exact Hamming range search over 256-bit PDQ hashes using
multi-index hashing with numba kernels; see docs/matching.md for design, snapshot format and
measured figures.
"""

from reclaim.matching.errors import (
    MatchingError,
    SnapshotCorruptError,
    SnapshotError,
    SnapshotFormatError,
    SnapshotVersionError,
)
from reclaim.matching.exact import ExactHashIndex
from reclaim.matching.index import IndexStats, Match, PdqIndex, SearchResult, warm_up
from reclaim.matching.pdq import (
    PDQ_MATCH_THRESHOLD,
    PDQ_QUALITY_THRESHOLD,
    array_to_hexes,
    bits_to_hex,
    hamming_distance,
    hex_chars_to_array,
    hex_distance,
    hex_to_bits,
    hexes_to_array,
    is_pdq_hex,
)
from reclaim.matching.video import (
    VpdqFrame,
    VpdqIndex,
    VpdqMatch,
    match_vpdq_pair,
    parse_vpdq,
)

__all__ = [
    "PDQ_MATCH_THRESHOLD",
    "PDQ_QUALITY_THRESHOLD",
    "ExactHashIndex",
    "IndexStats",
    "Match",
    "MatchingError",
    "PdqIndex",
    "SearchResult",
    "SnapshotCorruptError",
    "SnapshotError",
    "SnapshotFormatError",
    "SnapshotVersionError",
    "VpdqFrame",
    "VpdqIndex",
    "VpdqMatch",
    "array_to_hexes",
    "bits_to_hex",
    "hamming_distance",
    "hex_chars_to_array",
    "hex_distance",
    "hex_to_bits",
    "hexes_to_array",
    "is_pdq_hex",
    "match_vpdq_pair",
    "parse_vpdq",
    "warm_up",
]
