"""``python -m benchmarks.scale --child-index SIZE DIR``: one index size in a fresh process."""

from __future__ import annotations

import json
import sys

from benchmarks.scale import index_child

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child-index":
        print(json.dumps(index_child(int(sys.argv[2]), sys.argv[3])))
    else:
        from benchmarks.scale import main

        sys.exit(main(sys.argv[1:]))
