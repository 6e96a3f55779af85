"""``reclaim hash``: JSON lines, table, errors, folders on every core."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from reclaim.cli.hashing import hash_command, hash_one, iter_files, run_pool
from reclaim.hashing import hash_file
from tests.unit.hashing.synthetic import encode, make_video, scene

app = typer.Typer()
app.command("hash")(hash_command)


@app.callback()
def _group() -> None:
    """Make ``hash`` a sub-command, as in the real ``reclaim`` app."""


runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    (root / "2024" / "summer").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.jpg").write_bytes(encode(scene(320, 240, seed=1), "JPEG"))
    (root / "2024" / "b.png").write_bytes(encode(scene(300, 200, seed=2), "PNG"))
    (root / "2024" / "summer" / "c.webp").write_bytes(encode(scene(200, 300, seed=3), "WEBP"))
    (root / "2024" / "summer" / "clip.mp4").write_bytes(make_video())
    (root / "2024" / "anim.gif").write_bytes(
        encode(scene(64, 64), "GIF", save_all=True, append_images=[scene(64, 64, seed=9)])
    )
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / ".hidden" / "d.jpg").write_bytes(encode(scene(100, 100), "JPEG"))
    return root


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_json_lines_for_a_folder(folder: Path) -> None:
    result = runner.invoke(app, ["hash", "--json", str(folder)])
    assert result.exit_code == 0, result.output
    rows = lines(result.stdout)
    names = [Path(row["path"]).name for row in rows]
    assert names == ["a.jpg", "anim.gif", "b.png", "c.webp", "clip.mp4"]  # hidden skipped
    for row in rows:
        expected = hash_file(row["path"]).to_dict()
        assert row == {"path": row["path"], **expected}
        assert set(row) >= {"path", "kind", "pdq", "quality", "sha256", "md5"}
    by_name = {Path(r["path"]).name: r for r in rows}
    assert by_name["anim.gif"]["animated"] is True
    assert "animated" not in by_name["a.jpg"]
    video = by_name["clip.mp4"]
    assert video["kind"] == "video"
    assert [f["t"] for f in video["frames"]] == [0.0, 1.0, 2.0]
    assert set(video["frames"][0]) == {"t", "quality", "pdq"}


def test_dihedral_and_fps(folder: Path) -> None:
    image = folder / "a.jpg"
    video = folder / "2024" / "summer" / "clip.mp4"
    result = runner.invoke(
        app, ["hash", "--json", "--dihedral", "--fps", "2", str(image), str(video)]
    )
    assert result.exit_code == 0
    image_row, video_row = lines(result.stdout)
    assert len(image_row["dihedral"]) == 8
    assert image_row["dihedral"][0] == image_row["pdq"]
    assert len(video_row["frames"]) == 6


def test_failures_are_reported_and_the_rest_complete(folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes((folder / "a.jpg").read_bytes()[:500])
    text = tmp_path / "notes.png"
    text.write_text("hello")
    missing = tmp_path / "missing.heic"
    good = folder / "a.jpg"
    result = runner.invoke(app, ["hash", "--json", str(broken), str(good), str(text), str(missing)])
    assert result.exit_code == 1
    rows = lines(result.stdout)
    assert [r["path"] for r in rows] == [str(broken), str(good), str(text), str(missing)]
    assert rows[0]["error"]["code"] == "truncated"
    assert rows[1]["pdq"] == hash_file(good).pdq
    assert rows[2]["error"]["code"] == "unknown_format"
    assert rows[3]["error"]["code"] == "unreadable"
    for row in (rows[0], rows[2], rows[3]):
        assert set(row) == {"path", "error"}
        assert set(row["error"]) == {"code", "message"}
        assert row["error"]["message"]


def test_readable_table(folder: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    result = runner.invoke(app, ["hash", str(folder / "a.jpg"), str(text)])
    assert result.exit_code == 1
    expected = hash_file(folder / "a.jpg")
    assert expected.pdq in result.stdout
    assert expected.sha256 in result.stdout
    assert expected.md5 in result.stdout
    assert "notes.jpg" in result.stdout
    assert "error" in result.stdout
    assert "could not be hashed" in result.stderr


def test_no_progress_output_when_stderr_is_not_a_terminal(folder: Path) -> None:
    result = runner.invoke(app, ["hash", "--json", str(folder)])
    assert result.stderr == ""


def test_fps_must_be_positive(folder: Path) -> None:
    result = runner.invoke(app, ["hash", "--fps", "0", str(folder)])
    assert result.exit_code == 2


def test_iter_files_walks_sorted_and_skips_hidden(folder: Path) -> None:
    found = [p.relative_to(folder).as_posix() for p in iter_files([folder])]
    assert found == [
        "a.jpg",
        "2024/anim.gif",
        "2024/b.png",
        "2024/summer/c.webp",
        "2024/summer/clip.mp4",
    ]


def crash_on_poison(path: str) -> dict[str, Any]:
    """A task whose worker dies (as a crashing C decoder would) on one file."""
    if "poison" in path:
        os._exit(3)
    return {"path": path, "ok": True}


@pytest.mark.slow
def test_a_crashing_decoder_only_fails_its_own_file() -> None:
    paths = [f"file-{i}" for i in range(4)] + ["poison"] + [f"file-{i}" for i in range(4, 6)]
    results = list(run_pool(paths, crash_on_poison, workers=2))
    assert [r["path"] for r in results] == paths
    assert results[4]["error"]["code"] == "crashed"
    assert all(r.get("ok") for i, r in enumerate(results) if i != 4)


def test_pool_gives_the_same_results_as_one_process(folder: Path) -> None:
    paths = [str(p) for p in iter_files([folder])]
    task = partial(hash_one, dihedral=True, fps=1.0)
    assert list(run_pool(paths, task, workers=2)) == [task(p) for p in paths]


def test_unexpected_exceptions_become_error_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    # hash_one imports hash_file when called (not at start), so patch it where it lives.
    monkeypatch.setattr("reclaim.hashing.hash_file", explode)
    row = hash_one("x.jpg", dihedral=False, fps=1.0)
    assert row == {
        "path": "x.jpg",
        "error": {
            "code": "internal",
            "message": "Unexpected failure while hashing (RuntimeError).",
        },
    }


def test_the_reclaim_command(folder: Path) -> None:
    """The real entry point (``reclaim hash``), in a subprocess."""
    completed = subprocess.run(
        [sys.executable, "-m", "reclaim.cli.main", "hash", "--json", str(folder / "2024")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    rows = lines(completed.stdout)
    assert [Path(r["path"]).name for r in rows] == ["anim.gif", "b.png", "c.webp", "clip.mp4"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_stderr_when_it_is_a_terminal(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr("reclaim.cli.hashing._workers", lambda: 1)  # in-process, quicker
    hash_command([folder / "a.jpg", folder / "2024" / "b.png"], json_lines=True)
    assert "Hashing" in terminal.getvalue()
    assert len(lines(capsys.readouterr().out)) == 2
