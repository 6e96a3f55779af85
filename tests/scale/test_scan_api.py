"""`reclaim scan --api URL --key`: the lists from a live server's feed, feedback sent back."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.models import ContentItem, PlatformFeedback
from reclaim.bank.signals import make_signal
from reclaim.cli.main import app
from reclaim.config import Settings
from reclaim.hashing import hash_image
from reclaim.scale.corpus import encode, scene, transform
from reclaim.storage.database import Database
from reclaim.web.app import create_app
from tests.browser.live import serve


def test_scan_from_the_feed_reports_pending_review_and_skips_withdrawn(
    tmp_path: Path, app_settings: Settings, app_db: Database
) -> None:
    with app_db.session() as session:
        org = create_organisation(session, "PhotoShare", "platform")
        token = issue(session, org, "scanner").token
        org_id = org.id
    items = []
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    for seed in range(3):
        picture = scene(256, 192, seed)
        hashed = hash_image(encode(picture, "PNG"))
        with app_db.session() as session:
            items.append(
                add_item(
                    session,
                    get_or_create_list(session),
                    [make_signal("pdq", hashed.pdq, hashed.quality)],
                    provenance=Provenance.SELF_REPORT,
                ).item.id
            )
        (uploads / f"copy-{seed}.jpg").write_bytes(
            encode(transform(picture, "resize"), "JPEG", quality=80)
        )
    with app_db.session() as session:
        withdrawn = session.get(ContentItem, items[2])
        assert withdrawn is not None
        set_status(session, withdrawn, ItemStatus.WITHDRAWN, "withdrawn")

    output = tmp_path / "m.jsonl"
    with serve(create_app(app_settings, app_db)) as url:
        result = CliRunner().invoke(
            app,
            [
                "scan",
                str(uploads),
                "--api",
                url,
                "--key",
                token,
                "--workers",
                "1",
                "--report-feedback",
                "-o",
                str(output),
                "--no-progress",
            ],
        )
    assert result.exit_code == 0, result.output
    found = {json.loads(line)["item"] for line in output.read_text().splitlines()}
    assert found == {items[0], items[1]}
    with app_db.read_session() as session:
        rows = session.scalars(
            select(PlatformFeedback).where(PlatformFeedback.organisation_id == org_id)
        ).all()
        assert {(r.item_id, r.status) for r in rows} == {
            (items[0], "PendingReview"),
            (items[1], "PendingReview"),
        }
