"""The command-line journey (hash images, import the hashes, snapshot the index, back up)
leaves no image bytes anywhere: a canary scan of the database files (with the WAL), the logs,
the temporary directory, the data directory and the backup finds nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.browser.synthetic import jpeg_with_comment, noise_image, png_with_text
from tests.canary import CanaryScanner, new_canary

SRC = Path(__file__).resolve().parents[2] / "src"


def test_the_cli_journey_leaves_no_image_bytes(tmp_path: Path) -> None:
    canary = new_canary()
    pictures = tmp_path / "pictures"  # the only place the images are meant to be
    pictures.mkdir()
    images = {
        "one.png": png_with_text(noise_image(320, 240, seed=7), canary),
        "two.jpg": jpeg_with_comment(noise_image(300, 200, seed=8), canary),
    }
    for name, data in images.items():
        (pictures / name).write_bytes(data)
        assert canary.encode() in data
    scanner = CanaryScanner(canary, images.values())

    data_dir, temp, logs = tmp_path / "var", tmp_path / "tmp", tmp_path / "logs"
    temp.mkdir()
    logs.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
    env.update(
        PYTHONPATH=str(SRC),
        RECLAIM_DATA_DIR=str(data_dir),
        RECLAIM_LOG_LEVEL="DEBUG",
        TMPDIR=str(temp),
        TEMP=str(temp),
        TMP=str(temp),
    )

    def reclaim(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "reclaim.cli.main", *args],
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )
        name = "-".join(a for a in args[:2] if not a.startswith("/"))
        (logs / f"{name}.out").write_bytes(done.stdout)
        (logs / f"{name}.err").write_bytes(done.stderr)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        return done.stdout.decode()

    reclaim("db", "upgrade")
    hashed = reclaim("hash", "--json", *(str(pictures / n) for n in images))
    rows = [json.loads(line) for line in hashed.splitlines() if line.strip()]
    assert len(rows) == 2 and all(row.get("pdq") for row in rows)
    hash_list = tmp_path / "hashes.txt"
    hash_list.write_text(
        "".join(f"pdq {row['pdq']}\n" for row in rows)
        + "".join(f"sha256 {row['sha256']}\nmd5 {row['md5']}\n" for row in rows)
    )
    assert "6 added" in reclaim(
        "bank", "import", str(hash_list), "--format", "pytx", "--quality", "100"
    )
    reclaim("bank", "snapshot")
    reclaim("backup", "create", str(tmp_path / "backup"))

    # The WAL is part of the database: look at it while it still holds the latest writes.
    database = data_dir / "reclaim.db"
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM signal").fetchone() == (6,)
    leaks = scanner.scan(
        data_dir,
        temp,
        logs,
        tmp_path / "backup",
        hash_list,
        ("hash --json output", hashed.encode()),
    )
    assert scanner.files_read >= 8, "the scan read too little to mean anything"
    assert any(p.name == "reclaim.db" for p in data_dir.iterdir())
    assert leaks == {}, leaks
    # And the scanner does find the canary where it is (the pictures themselves).
    assert set(scanner.scan(pictures)) == {str(pictures / n) for n in images}
