"""Write or check the committed OpenAPI document (docs/openapi.json).

    python scripts/openapi.py --write docs/openapi.json   # after changing the API
    python scripts/openapi.py --check docs/openapi.json   # exit 1 if it is out of date

The document is generated from the app itself (what GET /api/v1/openapi.json serves), with a
throwaway data directory: no database or keys of yours are touched.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def generate() -> dict[str, Any]:
    from reclaim.config import load_settings
    from reclaim.storage.database import Database
    from reclaim.web.app import create_app

    with tempfile.TemporaryDirectory() as temp:
        settings = load_settings(data_dir=Path(temp) / "var")
        db = Database(settings)
        try:
            document: dict[str, Any] = create_app(settings, db).openapi()
        finally:
            db.dispose()
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="PATH")
    action.add_argument("--check", type=Path, metavar="PATH")
    args = parser.parse_args()
    text = render(generate())
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"Wrote {args.write}.")
        return 0
    current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
    if current != text:
        print(
            f"{args.check} is out of date: run `python scripts/openapi.py --write {args.check}`.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
