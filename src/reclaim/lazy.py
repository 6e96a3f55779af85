"""A context's public surface, loaded on first use.

``reclaim.accounts`` and ``reclaim.bank`` list in ``__all__`` what routes and the CLI may use,
but the CLI also imports their light modules at start (``reclaim.accounts.roles`` for a
command's options, ``reclaim.bank.names``), and Python runs a package's ``__init__`` first. So
those ``__init__`` modules import nothing at run time: each name is imported from its module
the first time it is asked for (PEP 562), and type checkers read the same imports under
``TYPE_CHECKING``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``exports`` maps each public name to
    the module that defines it (a submodule of the package stands for itself)."""

    def get_attribute(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        found = importlib.import_module(module)
        value = found if module == f"{package}.{name}" else getattr(found, name)
        setattr(sys.modules[package], name, value)
        return value

    def list_names() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return get_attribute, list_names
