"""The pre-commit hooks run exactly what `make lint` runs (issue 10: one lint, two doors)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_commands() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    block = re.search(r"^lint:.*?\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert block, "no lint target in the Makefile"
    return [line.strip().replace("$(BIN)/", "") for line in block.group(1).splitlines()]


def _hook_commands() -> list[str]:
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    return [e.strip().replace(".venv/bin/", "") for e in re.findall(r"entry:(.*)", config)]


def test_precommit_runs_the_same_lint_as_make_lint() -> None:
    assert _hook_commands() == _lint_commands()
