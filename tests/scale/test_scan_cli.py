"""`reclaim scan` as a platform engineer runs it: directories, listings, memory://, tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reclaim.cli.main import app
from reclaim.scale.engines import DaskEngine, LocalEngine
from reclaim.scale.runner import ScanPlan, run_scan
from tests.scale.oracle import brute_force


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_cli_scans_a_directory_on_a_dask_local_cluster(
    small_corpus: dict[str, Any], tmp_path: Path
) -> None:
    output = tmp_path / "matches.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "scan",
            str(small_corpus["root"] / "catalogue"),
            "--engine",
            "dask",
            "--workers",
            "2",
            "--index",
            str(small_corpus["bank"]),
            "--output",
            str(output),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = lines(output)
    assert rows and all({"path", "item", "distance", "signal", "list"} <= r.keys() for r in rows)
    expected = brute_force(small_corpus["corpus"].files, small_corpus["bank"], dihedral=False)
    assert {(r["path"], r["signal"], r["item"], r["distance"]) for r in rows} == expected
    summary = json.loads((tmp_path / "matches.jsonl.summary.json").read_text())
    assert summary["errors"] == 1 and summary["inputs"] == len(small_corpus["corpus"].files)


def test_cli_reads_a_listing_and_writes_csv_and_parquet(
    small_corpus: dict[str, Any], tmp_path: Path
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    listing = tmp_path / "paths.txt"
    files = small_corpus["corpus"].files[:40]
    listing.write_text("# uploads\n" + "\n".join(str(f) for f in files) + "\n")
    expected = brute_force(files, small_corpus["bank"], dihedral=False)
    for suffix in ("csv", "parquet"):
        output = tmp_path / f"out.{suffix}"
        result = CliRunner().invoke(
            app,
            [
                "scan",
                str(listing),
                "--workers",
                "1",
                "--index",
                str(small_corpus["bank"]),
                "-o",
                str(output),
                "--no-progress",
            ],
        )
        assert result.exit_code == 0, result.output
        if suffix == "csv":
            with output.open() as handle:
                rows = list(csv.DictReader(handle))
        else:
            rows = pq.read_table(output).to_pylist()
        got = {(r["path"], r["signal"], int(r["item"]), int(r["distance"])) for r in rows}
        assert got == expected


def test_hash_tables_csv_and_parquet_match_like_files(
    small_corpus: dict[str, Any], tmp_path: Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from reclaim.hashing import ImageHashes, hash_file

    rows = []
    for path in small_corpus["corpus"].files[:60]:
        try:
            result = hash_file(str(path))
        except Exception:
            continue
        if isinstance(result, ImageHashes):
            rows.append(
                {
                    "signal_type": "pdq",
                    "signal_str": result.pdq,
                    "id": path.name,
                    "quality": result.quality,
                }
            )
        else:
            rows.append(
                {
                    "signal_type": "vpdq",
                    "signal_str": result.to_vpdq_signal(),
                    "id": path.name,
                    "quality": None,
                }
            )
        rows.append(
            {"signal_type": "md5", "signal_str": result.md5, "id": path.name, "quality": None}
        )
    rows.append({"signal_type": "pdq", "signal_str": "not-a-hash", "id": "bad", "quality": None})
    table = tmp_path / "hashes.csv"
    with table.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["signal_type", "signal_str", "id", "quality"])
        writer.writeheader()
        writer.writerows(rows)
    parquet = tmp_path / "hashes.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=25)
    expected = {
        (path.name, signal, item, distance)
        for path_s, signal, item, distance in brute_force(
            small_corpus["corpus"].files[:60], small_corpus["bank"], dihedral=False
        )
        if signal != "sha256"
        for path in [Path(path_s)]
    }
    for source in (table, parquet):
        output = tmp_path / f"{source.suffix[1:]}.jsonl"
        summary = run_scan(
            ScanPlan([str(source)], str(small_corpus["bank"]), output, rows_per_chunk=30),
            LocalEngine(1),
            count=False,
        )
        got = {(r["id"], r["signal"], r["item"], r["distance"]) for r in lines(output)}
        assert got == expected, source
        assert summary.errors == 1
        assert lines(output.with_name(output.name + ".errors.jsonl"))[0]["id"] == "bad"


def test_memory_filesystem_on_dask_workers(small_corpus: dict[str, Any], tmp_path: Path) -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    files = small_corpus["corpus"].files[:30]
    for path in files:
        fs.pipe(f"/uploads/{path.parent.name}/{path.name}", path.read_bytes())
    expected = {
        (f"memory:///uploads/{Path(p).parent.name}/{Path(p).name}", s, i, d)
        for p, s, i, d in brute_force(files, small_corpus["bank"], dihedral=False)
    }
    output = tmp_path / "memory.jsonl"
    engine = DaskEngine(workers=2, processes=False)  # the memory filesystem is per process
    try:
        run_scan(
            ScanPlan(["memory://uploads"], str(small_corpus["bank"]), output), engine, count=False
        )
    finally:
        engine.close()
        fs.rm("/uploads", recursive=True)
    got = {(r["path"], r["signal"], r["item"], r["distance"]) for r in lines(output)}
    assert got == expected


def test_cli_refuses_bad_input_with_a_message(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "400"})
    missing = runner.invoke(app, ["scan", str(tmp_path / "nope"), "-o", str(tmp_path / "o.jsonl")])
    # a console made earlier in the process may wrap the long path's line: read it unwrapped
    assert missing.exit_code == 2 and "no such file" in " ".join(missing.output.split())
    no_index = runner.invoke(
        app, ["scan", str(tmp_path), "-o", str(tmp_path / "o.jsonl"), "--index", str(tmp_path)]
    )
    assert no_index.exit_code == 2 and "reclaim bank snapshot" in no_index.output
    bad_output = runner.invoke(app, ["scan", str(tmp_path), "-o", str(tmp_path / "o.txt")])
    assert bad_output.exit_code == 2 and ".jsonl" in bad_output.output


def test_a_new_user_scans_against_what_reclaim_bank_snapshot_wrote(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The steps docs/scale.md gives a new user: generate a corpus, import its list, snapshot
    the lists, scan. The scan reads the server's own snapshot directory (state.json beside
    pdq.index), whatever format the writer is at."""
    from reclaim.scale.corpus import main as make_corpus_cli

    root = tmp_path / "corpus"
    assert make_corpus_cli([str(root), "--images", "60", "--videos", "2"]) == 0
    assert cli("db", "upgrade").exit_code == 0
    assert cli("bank", "import", str(root / "list.jsonl")).exit_code == 0
    assert cli("bank", "snapshot").exit_code == 0
    output = tmp_path / "m.jsonl"
    scanned = cli(
        "scan", str(root / "catalogue"), "--output", str(output), "--workers", "1", "--no-progress"
    )
    assert scanned.exit_code == 0, scanned.output
    found = {row["path"] for row in lines(output)}
    planted = json.loads((root / "planted.json").read_text())
    reencoded = {p["path"] for p in planted if p["transform"] in ("reencode", "caption")}
    # The import keeps only PDQ hashes of enough quality (flat synthetic pictures can fall
    # short, and then only their SHA-256 and MD5 are listed), so not every copy is expected.
    assert len(reencoded & found) >= len(reencoded) // 2 > 0
    summary = json.loads(output.with_name(output.name + ".summary.json").read_text())
    assert summary["matched_inputs"] == len(found)
