"""``python -m benchmarks [name...] [-- options for them]``: run the benchmarks.

Exit status is non-zero if any benchmark misses its targets.
"""

from __future__ import annotations

import sys

from benchmarks import discover


def run(argv: list[str]) -> int:
    names, options = argv, []
    if "--" in argv:
        split = argv.index("--")
        names, options = argv[:split], argv[split + 1 :]
    available = discover()
    unknown = [name for name in names if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    status = 0
    # Tools that only run when named (their module sets ON_REQUEST): profile, starts.
    default = [
        n for n in available if not getattr(sys.modules[f"benchmarks.{n}"], "ON_REQUEST", False)
    ]
    for name in names or default:
        print(f"== benchmarks/{name} ==", flush=True)
        code = available[name](options)
        print(f"== benchmarks/{name}: {'ok' if code == 0 else 'TARGET MISSED'} ==", flush=True)
        status = status or code
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
