"""Locate the shared ThreatExchange reference data (../shared/reference/threatexchange-data).

CI checks out the repository with ``shared/`` beside it. Locally, tests that need the data
are skipped with a message when it is absent; with CI=true they fail instead.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

RELATIVE = Path("shared") / "reference" / "threatexchange-data"
IN_CI = os.environ.get("CI", "").lower() == "true"


@cache
def find_reference() -> Path | None:
    """``shared/reference/threatexchange-data`` next to the repository root, walking up
    from this file."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / RELATIVE
        if candidate.is_dir():
            return candidate
    return None


def reference_dir() -> Path:
    found = find_reference()
    if found is None:
        message = (
            f"reference data not found: expected {RELATIVE} next to the repository "
            "(a checkout of the shared folder beside the repo)"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


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
