"""A real client: Meta's `threatexchange` CLI loads Reclaim's export and matches a planted image.

The image is synthetic (shapes and noise, made here). Reclaim's engine hashes it from memory;
the `threatexchange` CLI hashes the same picture itself with pdqhash, and must find it in the
file Reclaim exported.
"""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from reclaim.bank.items import Provenance, add_item, get_or_create_list
from reclaim.bank.signals import make_signal
from reclaim.cli.main import app
from reclaim.config import reset_settings
from reclaim.hashing import hash_image
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from tests.conftest import make_settings

THREATEXCHANGE = Path(sys.executable).parent / "threatexchange"


def synthetic_picture(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (640, 480), (30, 60, 120))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = (int(v) for v in rng.integers(0, 600, 2))
        w, h = (int(v) for v in rng.integers(20, 140, 2))
        draw.ellipse([x, y, x + w, y + h], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    return image


@pytest.mark.skipif(
    not THREATEXCHANGE.exists(), reason="the threatexchange CLI is a dev dependency"
)
def test_threatexchange_cli_matches_a_planted_image_from_reclaims_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = synthetic_picture(7)
    png = io.BytesIO()
    picture.save(png, format="PNG")
    planted = hash_image(png.getvalue())
    assert planted.quality >= 80

    settings = make_settings(tmp_path)
    db = Database(settings)
    upgrade(db)
    with db.session() as session:
        hash_list = get_or_create_list(session)
        add_item(
            session,
            hash_list,
            [make_signal("pdq", planted.pdq, planted.quality)],
            provenance=Provenance.SELF_REPORT,
        )
        for _ in range(20):  # a real list holds many hashes
            add_item(
                session,
                hash_list,
                [make_signal("pdq", secrets.token_hex(32), 100)],
                provenance=Provenance.IMPORTED,
            )
    db.dispose()

    export = tmp_path / "reclaim-hashes.txt"
    monkeypatch.setenv("RECLAIM_DATA_DIR", str(tmp_path / "var"))
    reset_settings()
    result = CliRunner().invoke(
        app, ["bank", "export", "--format", "pytx", "--output", str(export)]
    )
    reset_settings()
    assert result.exit_code == 0, result.output
    assert f"pdq {planted.pdq}" in export.read_text()

    # The picture the platform sees: a re-encoded copy (JPEG), never stored by Reclaim.
    upload = tmp_path / "upload.jpg"
    picture.save(upload, format="JPEG", quality=85)
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()

    def tx(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(THREATEXCHANGE), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    configured = tx(
        "config", "collab", "edit", "local_file", "reclaim", "--create", "--filename", str(export)
    )
    assert configured.returncode == 0, configured.stderr
    fetched = tx("fetch")
    assert fetched.returncode == 0, fetched.stderr
    matched = tx("match", "photo", str(upload))
    assert matched.returncode == 0, matched.stderr
    assert "pdq" in matched.stdout and "(reclaim)" in matched.stdout, (
        matched.stdout + matched.stderr
    )
    stranger = tmp_path / "stranger.jpg"
    synthetic_picture(99).save(stranger, format="JPEG")
    assert tx("match", "photo", str(stranger)).stdout.strip() == ""
