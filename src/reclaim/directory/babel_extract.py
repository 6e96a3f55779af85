"""Babel extraction for the directory's TOML files (see ``babel.cfg``): each country's name and
each entry's ``name`` and ``what`` become messages, so a Welsh page shows Welsh.

Babel calls :func:`extract_directory` with an open file; it yields ``(lineno, funcname,
message, comments)``. Pure: it reads TOML and nothing else.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterator, Mapping
from pathlib import PurePath
from typing import IO, Any

__all__ = ["extract_directory"]

Extracted = tuple[int, str | None, str, list[str]]


def _line_of(lines: list[str], key: str, value: str, start: int) -> int:
    """The 1-based line at or after ``start`` (0-based) that sets ``key`` to ``value``."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(key) and stripped[len(key) :].lstrip().startswith("="):
            try:
                if tomllib.loads(stripped).get(key) == value:
                    return index + 1
            except tomllib.TOMLDecodeError:
                continue
    return start + 1


def extract_directory(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield the country's ``name`` and every entry's ``name`` and ``what``, each with a
    translator comment naming the file and the entry."""
    text = fileobj.read().decode("utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    where = PurePath(getattr(fileobj, "name", "directory")).name
    code = str(data.get("code", where))
    if "name" in data:
        name = str(data["name"])
        yield (
            _line_of(lines, "name", name, 0),
            None,
            name,
            [f"directory {where}: the country's name ({code})"],
        )
    cursor = 0
    for raw in data.get("entries", []):
        entry_id = str(raw.get("id", "?"))
        for key, what in (("name", "the service's name"), ("what", "what the service does")):
            if key not in raw:
                continue
            value = str(raw[key])
            line = _line_of(lines, key, value, cursor)
            cursor = max(cursor, line - 1)
            yield line, None, value, [f"directory {where}, entry `{entry_id}`: {what}"]
