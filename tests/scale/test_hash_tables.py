"""Hashes-only scans of Parquet tables: the vectorised row-group path (no Python object per row)
gives exactly what the per-row path and brute force give, odd rows included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reclaim.matching import array_to_hexes
from reclaim.scale.bank import BankContents, ScanBank, write_bank
from reclaim.scale.plan import Chunk
from reclaim.scale.sources import parquet_groups, parquet_rows
from reclaim.scale.work import query_of_row, run_parquet_chunk

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def flipped(row: np.ndarray, bits: int, rng: np.random.Generator) -> np.ndarray:
    out = np.unpackbits(row.copy())
    out[rng.choice(256, bits, replace=False)] ^= 1
    return np.packbits(out)


def per_row(bank: ScanBank, source: str, group: int) -> tuple[list[Any], list[Any]]:
    """The reference: every row parsed in Python, then ScanBank.match."""
    queries, errors = [], []
    for row in parquet_rows(source, group):
        query, error = query_of_row(row)
        if error is not None:
            errors.append({"id": row[0], "error": error})
        else:
            queries.append(query)
    matches = []
    for found in bank.match(queries):
        key = found.pop("key")
        matches.append({"id": key, **found})
    return matches, errors


def test_parquet_row_groups_match_like_the_per_row_path(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    stored = rng.integers(0, 256, (400, 32), np.uint8)
    contents = BankContents()
    sid = 0
    for item in range(400):
        sid = contents.add_item(
            item,
            "strict" if item % 2 else "main",
            [{"type": "pdq", "value": array_to_hexes(stored[item : item + 1])[0]}],
            max_distance=20 if item % 2 else 31,
            next_signal_id=sid,
        )
    contents.exact["md5"].append(("0" * 31 + "1", 7))
    bank = ScanBank(write_bank(tmp_path / "bank", contents))
    hexes: list[str | None] = []
    types: list[str | None] = []
    # Listed hashes at the edge distances: 0, 20 and 21 (strict list), 31 and 32 (main list).
    for item, bits in [(0, 0), (1, 0), (2, 31), (4, 32), (3, 20), (5, 21), (6, 5), (8, 31)]:
        hexes.append(array_to_hexes(flipped(stored[item], bits, rng).reshape(1, 32))[0])
        types.append("pdq")
    hexes += [h.upper() for h in hexes[:2]]  # either case
    types += ["pdq", " PDQ "]
    hexes += [f"  {hexes[2]}\t", "z" * 64, hexes[0][:63], None, hexes[0], "0" * 31 + "1"]
    types += ["pdq", "pdq", "pdq", "pdq", None, "md5"]
    hexes += [hexes[0], "ab" * 16]
    types += ["sha1", "md5"]
    hexes += array_to_hexes(rng.integers(0, 256, (30, 32), np.uint8))
    types += ["pdq"] * 30
    n = len(hexes)
    ids = [f"row{i}" if i % 5 else ("" if i % 2 else None) for i in range(n)]
    source = tmp_path / "hashes.parquet"
    pq.write_table(
        pa.table({"signal_type": types, "signal_str": hexes, "id": ids}), source, row_group_size=9
    )
    expected_ids = set()
    for group, count in parquet_groups(str(source)):
        chunk = Chunk(group, "parquet", parquet=(str(source), group), count=count)
        got = run_parquet_chunk(chunk, bank)
        matches, errors = per_row(bank, str(source), group)
        assert got.matches == matches
        assert got.errors == errors
        expected_ids |= {m["id"] for m in matches}
    # The edge distances: found at 0, 31 (main) and 20 (strict); not at 32 (main) or 21
    # (strict; row 5 has no id, so it is named by its row number).
    assert {"row1", "row2", "row4", "row6", "row7", f"{source}#1"} <= expected_ids
    assert "row3" not in expected_ids and f"{source}#6" not in expected_ids


def test_parquet_without_id_column_and_with_integer_ids(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    stored = rng.integers(0, 256, (50, 32), np.uint8)
    contents = BankContents()
    sid = 0
    for item in range(50):
        sid = contents.add_item(
            item,
            "main",
            [{"type": "pdq", "value": array_to_hexes(stored[item : item + 1])[0]}],
            next_signal_id=sid,
        )
    bank = ScanBank(write_bank(tmp_path / "bank", contents))
    hexes = array_to_hexes(stored[:10])
    for name, extra in (("plain", {}), ("ints", {"item_id": list(range(100, 110))})):
        source = tmp_path / f"{name}.parquet"
        pq.write_table(
            pa.table({"signal_type": ["pdq"] * 10, "signal_str": hexes, **extra}),
            source,
            row_group_size=4,
        )
        for group, count in parquet_groups(str(source)):
            chunk = Chunk(group, "parquet", parquet=(str(source), group), count=count)
            got = run_parquet_chunk(chunk, bank)
            assert got.matches == per_row(bank, str(source), group)[0]
            assert len(got.matches) == count
