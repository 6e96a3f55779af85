"""Run one fuzz target under atheris (coverage-guided, libFuzzer options after the name).

    python fuzz/run.py urls fuzz/corpus/urls -max_total_time=600
    python fuzz/run.py image fuzz/corpus/image -max_total_time=3600 -rss_limit_mb=2048

A crash writes ``crash-<sha1>`` (or ``-artifact_prefix=DIR/``) with the input that caused it:
turn it into a regression test in tests/fuzz/test_regressions.py, then fix the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["reclaim", "targets"]):
    import targets


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in targets.TARGETS:
        sys.exit(f"usage: run.py {{{','.join(targets.TARGETS)}}} [corpus dir] [libFuzzer options]")
    target = targets.TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
