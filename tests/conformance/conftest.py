from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.reference import reference_dir


@pytest.fixture(scope="session")
def reference() -> Path:
    return reference_dir()
