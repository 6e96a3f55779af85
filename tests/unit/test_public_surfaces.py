"""Each context lists in ``__all__`` what routes and the CLI may use, and every name listed
exists (issue 10)."""

from __future__ import annotations

import importlib

import pytest

CONTEXTS = [
    "reclaim.accounts",
    "reclaim.audit",
    "reclaim.bank",
    "reclaim.directory",
    "reclaim.notify",
    "reclaim.reports",
    "reclaim.takedown",
]


@pytest.mark.parametrize("name", CONTEXTS)
def test_a_context_declares_its_public_surface(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported, f"{name} has no __all__"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, missing
    assert len(set(exported)) == len(exported)
