"""`reclaim` starts light: which modules a command loads, and complete help with lazy commands.

No timings here (see `python -m benchmarks cli`): these check *which* modules are imported, the
property that keeps `reclaim --help` and `reclaim hash` quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from reclaim.cli.main import COMMANDS, app

SRC = Path(__file__).resolve().parents[3] / "src"
HEAVY = ("numba", "av", "sqlalchemy", "alembic", "numpy", "uvicorn", "fastapi", "pydantic")
NOT_FOR_HASHING = ("numba", "av", "sqlalchemy", "alembic", "uvicorn", "fastapi", "reclaim.bank")


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    """The modules loaded by ``code`` in a fresh interpreter (then it prints ``sys.modules``)."""
    script = f"import sys\n{code}\nprint('\\n' + __import__('json').dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(SRC), "RECLAIM_DATA_DIR": str(tmp_path / "var")}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _run(args: list[str]) -> str:
    return (
        "from reclaim.cli.main import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit as exit:\n    assert not exit.code, exit.code"
    )


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules for n in names if m == n or m.startswith(n + "."))


def test_importing_the_command_loads_no_heavy_module(tmp_path: Path) -> None:
    modules = _modules_after("import reclaim.cli.main", tmp_path)
    assert _loaded(modules, HEAVY) == []


def test_help_loads_no_heavy_module(tmp_path: Path) -> None:
    modules = _modules_after(_run(["--help"]), tmp_path)
    assert _loaded(modules, HEAVY) == []
    # --help lists every command, so their modules load (light by design) ...
    assert {"reclaim.cli.bank", "reclaim.cli.hashing"} <= modules
    # ... but nothing they use to do their work.
    assert _loaded(modules, ("reclaim.config", "reclaim.storage", "reclaim.hashing")) == []


def test_hashing_one_file_loads_no_database_or_matching_index(tmp_path: Path) -> None:
    image = tmp_path / "gradient.png"
    Image.linear_gradient("L").resize((64, 64)).convert("RGB").save(image)
    modules = _modules_after(_run(["hash", "--json", str(image)]), tmp_path)
    assert "reclaim.hashing" in modules
    assert _loaded(modules, NOT_FOR_HASHING) == []
    assert "reclaim.cli.admin" not in modules  # other commands' modules are not even imported


def test_a_canonical_url_loads_no_database(tmp_path: Path) -> None:
    modules = _modules_after(
        _run(["url", "canonical", "https://Example.com/a?utm_source=x"]), tmp_path
    )
    assert "reclaim.takedown.canonical" in modules
    assert _loaded(modules, ("numba", "av", "sqlalchemy", "alembic", "fastapi", "uvicorn")) == []


def test_scan_help_loads_neither_dask_nor_the_database(tmp_path: Path) -> None:
    modules = _modules_after(_run(["scan", "--help"]), tmp_path)
    # (Typer's own help machinery may load pydantic; the rest of HEAVY must stay out.)
    heavy = tuple(name for name in HEAVY if name != "pydantic")
    scale = ("dask", "distributed", "fsspec", "pyarrow", "reclaim.scale", "reclaim.cli.common")
    assert _loaded(modules, heavy + scale + ("reclaim.config", "reclaim.storage")) == []


def test_every_command_has_its_help() -> None:
    runner = CliRunner()
    overview = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert overview.exit_code == 0
    for name in COMMANDS:
        assert f" {name} " in overview.output
        result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and "Usage:" in result.output, name


@pytest.mark.parametrize(
    ("group", "commands"),
    [
        ("db", ["upgrade", "current"]),
        (
            "admin",
            ["create-org", "create-user", "disable-user", "generate-key", "rotate-field-key"],
        ),
        ("audit", ["verify", "checkpoint", "anchor"]),
        ("bank", ["import", "export", "lists", "snapshot"]),
        ("apikey", ["create", "list", "revoke"]),
        ("notify", ["send", "test"]),
        ("cases", ["purge"]),
        ("backup", ["create", "restore"]),
        ("url", ["canonical"]),
    ],
)
def test_groups_list_their_commands(group: str, commands: list[str]) -> None:
    result = CliRunner().invoke(app, [group, "--help"], env={"COLUMNS": "200"})
    for command in commands:
        assert f" {command} " in result.output


def test_bank_help_names_the_formats_and_default_list() -> None:
    runner = CliRunner()
    imported = runner.invoke(app, ["bank", "import", "--help"], env={"COLUMNS": "200"})
    assert "csv, jsonl, pytx, plain" in imported.output and "reclaim" in imported.output
    exported = runner.invoke(app, ["bank", "export", "--help"], env={"COLUMNS": "200"})
    assert "csv, jsonl, pytx." in exported.output


def test_an_unknown_command_is_explained_with_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["hsh"])
    assert result.exit_code == 2
    assert "No such command 'hsh'. Did you mean 'hash'?" in result.output
    assert "Traceback" not in result.output
