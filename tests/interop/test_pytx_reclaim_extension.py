"""The `reclaim` exchange for python-threatexchange, driven through the real `threatexchange`
CLI against a live Reclaim server on loopback: fetch, match a planted image, a withdrawal
removes it on the next fetch, and a label becomes Reclaim feedback.

The extension (extensions/pytx_reclaim) is put on the CLI's PYTHONPATH, so this works before
`make install-dev` has installed it. Pictures are synthetic."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.models import ContentItem, PlatformFeedback
from reclaim.bank.signals import make_signal
from reclaim.config import Settings
from reclaim.hashing import hash_image
from reclaim.scale.corpus import encode, scene
from reclaim.storage.database import Database
from reclaim.web.app import create_app
from tests.browser.live import serve

THREATEXCHANGE = Path(sys.executable).parent / "threatexchange"
EXTENSION = Path(__file__).resolve().parents[2] / "extensions" / "pytx_reclaim"


def add_picture(db: Database, seed: int) -> tuple[int, str]:
    picture = scene(320, 240, seed)
    hashed = hash_image(encode(picture, "PNG"))
    with db.session() as session:
        item = add_item(
            session,
            get_or_create_list(session),
            [make_signal("pdq", hashed.pdq, hashed.quality), make_signal("md5", hashed.md5)],
            provenance=Provenance.SELF_REPORT,
        ).item
        return item.id, hashed.pdq


@pytest.mark.skipif(
    not THREATEXCHANGE.exists(), reason="the threatexchange CLI is a dev dependency"
)
def test_threatexchange_cli_follows_reclaims_feed_with_the_extension(
    tmp_path: Path, app_settings: Settings, app_db: Database
) -> None:
    with app_db.session() as session:
        org = create_organisation(session, "PhotoShare", "platform")
        token = issue(session, org, "pytx").token
        org_id = org.id
    planted, _ = add_picture(app_db, 1)
    labelled, labelled_pdq = add_picture(app_db, 2)
    with app_db.session() as session:
        for _ in range(20):
            add_item(
                session,
                get_or_create_list(session),
                [make_signal("pdq", secrets.token_hex(32), 100)],
                provenance=Provenance.IMPORTED,
            )
    upload = tmp_path / "upload.jpg"  # what a user uploads: a re-encoded copy
    upload.write_bytes(encode(scene(320, 240, 1).resize((240, 180)), "JPEG", quality=80))

    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "RECLAIM_API_KEY": token,
        "PYTHONPATH": os.pathsep.join([str(EXTENSION), os.environ.get("PYTHONPATH", "")]),
    }

    def tx(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(THREATEXCHANGE), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"threatexchange {args}: {done.stdout}{done.stderr}"
        return done

    app = create_app(app_settings, app_db)
    with serve(app) as url:
        app.state.services.matcher_loader.join(timeout=30)
        tx("config", "extensions", "add", "pytx_reclaim")
        tx("config", "collab", "edit", "reclaim", "Reclaim", "--create", "--url", url)
        tx("fetch")
        matched = tx("match", "photo", str(upload)).stdout
        assert f"reclaim item {planted} " in matched and "(Reclaim)" in matched, matched

        # A label on a signal becomes feedback on the item that holds it.
        tx("label", "-l", "reviewed", "-H", "pdq", "Reclaim", "photo", "--", labelled_pdq)
        with app_db.read_session() as session:
            row = session.scalar(
                select(PlatformFeedback).where(
                    PlatformFeedback.item_id == labelled, PlatformFeedback.organisation_id == org_id
                )
            )
            assert row is not None and row.status == "Blocked" and row.tags == ["reviewed"]

        with app_db.session() as session:
            item = session.get(ContentItem, planted)
            assert item is not None
            set_status(session, item, ItemStatus.WITHDRAWN, "withdrawn by the young person")
        tx("fetch")
        assert tx("match", "photo", str(upload)).stdout.strip() == ""
