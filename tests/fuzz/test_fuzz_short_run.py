"""A short coverage-guided run of every fuzz target (atheris), as CI's smoke test of the
fuzzers; longer runs are in fuzz/README.md. Marked slow (about a minute)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fuzz.targets import TARGETS

pytest.importorskip("atheris", reason="atheris is in the dev extra (pip install -e '.[dev]')")

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 8

pytestmark = pytest.mark.slow


def _seeds(directory: Path, target: str) -> None:
    directory.mkdir()
    if target == "image":
        rng = np.random.default_rng(3)
        for fmt in ("PNG", "JPEG", "GIF", "WEBP"):
            buffer = io.BytesIO()
            Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(buffer, fmt)
            (directory / fmt.lower()).write_bytes(buffer.getvalue())
    seeds = {
        "hashes": [b"f" * 64, b"pdq_hex,100,0.0"],
        "import_lines": [b"pdq " + b"a" * 64 + b"\n", b"signal_type,signal_str\nmd5,x\n"],
        "urls": [b"https://example.com/a?utm_source=x#f", b"example.com:8080/p?q=1"],
        "report_json": [b'{"age_group":"under18","country":"GB","urls":["example.com"]}'],
    }
    for number, seed in enumerate(seeds.get(target, [])):
        (directory / str(number)).write_bytes(seed)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_fuzz_target_runs_clean(target: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _seeds(corpus, target)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [
            sys.executable, str(ROOT / "fuzz" / "run.py"), target, str(corpus),
            f"-max_total_time={SECONDS}", "-rss_limit_mb=3000", "-timeout=20",
            f"-artifact_prefix={tmp_path}/", "-seed=1",
        ],
        env=env, capture_output=True, text=True, timeout=SECONDS * 10, check=False,
    )  # fmt: skip
    crashes = [p.name for p in tmp_path.glob("crash-*")] + [p.name for p in tmp_path.glob("leak-*")]
    assert done.returncode == 0 and not crashes, (
        f"fuzz target {target} found a crash {crashes}: add the input to "
        f"tests/fuzz/test_regressions.py and fix it.\n{done.stderr[-4000:]}"
    )
