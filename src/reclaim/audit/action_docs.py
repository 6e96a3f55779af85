"""The table of audit actions in ``docs/audit-actions.md``, made from the registry: each
action's meaning is its member's comment in :mod:`reclaim.audit.actions`.

``python -m reclaim.audit.action_docs`` prints it.
"""

from __future__ import annotations

import re
from pathlib import Path

from reclaim.audit import actions
from reclaim.audit.actions import SOURCES, Action

_CLASS = re.compile(r"^class (\w+)\(StrEnum\):$", re.M)
_MEMBER = re.compile(r"^    ([A-Z_]+) = [^#\n]+#\s*(.+)$", re.M)


def meanings() -> dict[tuple[str, str], str]:
    """(enum name, member name) -> the member's comment."""
    source = Path(actions.__file__).read_text(encoding="utf-8")
    found: dict[tuple[str, str], str] = {}
    blocks = _CLASS.split(source)[1:]  # name, body, name, body ...
    for enum_name, body in zip(blocks[::2], blocks[1::2], strict=True):
        for member, meaning in _MEMBER.findall(body):
            found[(enum_name, member)] = meaning.strip()
    return found


def documented() -> list[tuple[Action, str]]:
    """Every registered action with its meaning ("" if it has none), source by source."""
    known = meanings()
    return [
        (action, known.get((source.__name__, action.name), ""))
        for source in SOURCES
        for action in source
    ]


def markdown() -> str:
    rows = [f"| `{action.value}` | {meaning} |" for action, meaning in documented()]
    return "\n".join(["| Action | Meaning |", "|---|---|", *rows]) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
