"""Benchmarks: each sub-package ``benchmarks/<name>/`` exposes ``main(argv) -> int``.

``python -m benchmarks`` runs them all; ``python -m benchmarks <name>...`` runs some.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import cast

Main = Callable[[list[str]], int]


def discover() -> dict[str, Main]:
    """Every sub-package of ``benchmarks`` with a ``main`` function, by name."""
    found: dict[str, Main] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.ispkg or module.name.startswith("_"):
            continue
        package = importlib.import_module(f"{__name__}.{module.name}")
        main = getattr(package, "main", None)
        if callable(main):
            found[module.name] = cast(Main, main)
    return found
