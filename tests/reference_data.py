"""Where the shared ThreatExchange reference data is (../shared/reference/threatexchange-data).

CI checks out the repository with ``shared/`` beside it. Locally, tests that need the data
are skipped with a message when it is absent; with CI=true they fail instead.
"""

from __future__ import annotations

import os
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
