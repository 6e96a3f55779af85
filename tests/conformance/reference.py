"""Locate the shared ThreatExchange reference data (../shared/reference/threatexchange-data).

CI checks out the repository with ``shared/`` beside it. Locally, tests that need the data
are skipped with a message when it is absent; with CI=true they fail instead.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tests.reference_data import IN_CI, RELATIVE, find_reference, reference_dir

__all__ = ["IN_CI", "RELATIVE", "find_reference", "reference_dir"]


@dataclass(frozen=True)
class ExpectedRow:
    image: str
    pytx_hash: str
    pytx_quality: int
    cpp_hash: str | None
    cpp_quality: int | None


def expected_rows(root: Path) -> list[ExpectedRow]:
    """pdq-expected.csv: per image, pdqhash+Pillow and C++ reference hash and quality."""
    rows = []
    with (root / "pdq-expected.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            cpp = row["cpp_ref_libjpeg_hash"] or None
            rows.append(
                ExpectedRow(
                    image=row["image"],
                    pytx_hash=row["pdqhash0.2.8+Pillow13_hash"],
                    pytx_quality=int(row["pdqhash_quality"]),
                    cpp_hash=cpp,
                    cpp_quality=int(row["cpp_ref_quality"]) if cpp else None,
                )
            )
    return rows


def vpdq_reference(root: Path, name: str) -> dict[int, tuple[int, str, str]]:
    """vpdq/sample-hashes/<name>.txt: frame number -> (quality, pdq, timestamp text)."""
    frames = {}
    for line in (root / "vpdq" / "sample-hashes" / f"{name}.txt").read_text().splitlines():
        if line.strip():
            number, quality, pdq, timestamp = line.strip().split(",")
            frames[int(number)] = (int(quality), pdq, timestamp)
    return frames
