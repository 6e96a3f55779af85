"""CPU the `reclaim` command spends before doing anything: `--help` and hashing one small file.

Each command runs ``--runs`` times in a fresh subprocess, through the installed ``reclaim``
script (what people type) with ``src/`` first on the path; the figure is the median user + sys
CPU seconds of a run, from ``resource.getrusage(RUSAGE_CHILDREN)`` (CPU, not wall time, so other
work on a shared machine barely moves it), after one uncounted warm-up run that writes the
bytecode caches an installed package has (``PYTHONDONTWRITEBYTECODE`` is dropped). Anchors
measured in the same run, side by side: ``python -c pass`` (the interpreter alone) and
``python -c "import reclaim.cli.main"`` (the command's own start-up).

Fails if ``reclaim --help`` or ``reclaim hash <one small PNG>`` takes 0.3 s of CPU or more.

    python -m benchmarks cli -- --runs 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_SECONDS = 0.3
_SCRIPT = Path(sys.executable).with_name("reclaim")
# The console script when installed (`make install`), else the same code through `-m`.
RECLAIM = (
    [sys.executable, str(_SCRIPT)]
    if _SCRIPT.is_file()
    else [sys.executable, "-m", "reclaim.cli.main"]
)


def _small_png(directory: Path) -> Path:
    """A synthetic 64x64 gradient (no real image is ever used)."""
    import zlib

    width = height = 64
    rows = b"".join(
        b"\x00" + bytes((x * 4 + y) % 256 for x in range(width) for _ in range(3))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    path = directory / "gradient.png"
    path.write_bytes(png)
    return path


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _cpu_per_run(command: list[str], runs: int, env: dict[str, str]) -> float:
    """The median user + sys CPU seconds of ``runs`` runs (robust to a busy neighbour)."""
    subprocess.run(command, env=env, capture_output=True, check=False)  # warm-up, not counted
    seconds = []
    for _ in range(runs):
        before = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        seconds.append(_cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - before)
        if done.returncode != 0:
            raise RuntimeError(f"{command} failed ({done.returncode}): {done.stderr[-500:]!r}")
    return statistics.median(seconds)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks cli")
    parser.add_argument("--runs", type=int, default=5, help="Runs of each command (default 5).")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        image = _small_png(Path(tmp))
        env = {**os.environ, "RECLAIM_DATA_DIR": str(Path(tmp) / "var")}
        # As installed: bytecode caches exist (the warm-up run writes any that are missing).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        src = str(Path(__file__).resolve().parents[2] / "src")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        cases: list[tuple[str, list[str], bool]] = [
            ("python -c pass (anchor)", [sys.executable, "-c", "pass"], False),
            (
                "import reclaim.cli.main (anchor)",
                [sys.executable, "-c", "import reclaim.cli.main"],
                False,
            ),
            ("reclaim --help", [*RECLAIM, "--help"], True),
            ("reclaim bank --help", [*RECLAIM, "bank", "--help"], False),
            ("reclaim hash <one 64x64 PNG>", [*RECLAIM, "hash", str(image)], True),
            (
                "reclaim hash --json <one 64x64 PNG>",
                [*RECLAIM, "hash", "--json", str(image)],
                False,
            ),
        ]
        figures = {name: _cpu_per_run(command, args.runs, env) for name, command, _ in cases}
    interpreter = figures["python -c pass (anchor)"]
    print(f"CPU (user+sys) per run, median of {args.runs}; target < {TARGET_SECONDS} s:")
    missed = False
    for name, _, targeted in cases:
        seconds = figures[name]
        over = targeted and seconds >= TARGET_SECONDS
        missed = missed or over
        mark = " TARGET MISSED" if over else (" (target)" if targeted else "")
        ratio = seconds / interpreter if interpreter else float("inf")
        print(f"  {name:<40} {seconds:6.3f} s  {ratio:5.1f}x the interpreter{mark}")
    return 1 if missed else 0
