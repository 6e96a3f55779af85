"""Running reclaim-hash.js in a page on files from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_SETUP = """(id) => {
  const input = document.createElement('input');
  input.type = 'file'; input.multiple = true; input.id = id; input.hidden = true;
  document.body.appendChild(input);
}"""

_HASH = """async ([id, fn, options]) => {
  const m = await import('/static/js/reclaim-hash.js');
  const files = Array.from(document.getElementById(id).files);
  return Promise.all(files.map((f) => m[fn](f, options).then(
    (r) => ({ok: r}),
    (e) => ({error: {code: e.code, message: e.message, name: e.name}}))));
}"""


def hash_in_page(
    page: Any, paths: list[Path], fn: str = "hashFile", options: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """``fn`` (hashFile or digestFile) of each path, in order, all at once, in the page."""
    page.evaluate(_SETUP, "test-files")
    page.set_input_files("#test-files", [str(p) for p in paths])
    results: list[dict[str, Any]] = page.evaluate(_HASH, ["test-files", fn, options or {}])
    page.evaluate("(id) => document.getElementById(id).remove()", "test-files")
    return results
