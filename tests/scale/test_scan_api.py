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


def test_a_rerun_reads_only_the_feed_changes_since_its_checkpoint(
    tmp_path: Path, app_settings: Settings, app_db: Database
) -> None:
    with app_db.session() as session:
        token = issue(session, create_organisation(session, "PicShare", "platform"), "scan").token
    uploads = tmp_path / "uploads"
    uploads.mkdir()

    def listed(seed: int) -> int:
        picture = scene(256, 192, seed)
        hashed = hash_image(encode(picture, "PNG"))
        (uploads / f"copy-{seed}.jpg").write_bytes(
            encode(transform(picture, "resize"), "JPEG", quality=80)
        )
        with app_db.session() as session:
            return add_item(
                session,
                get_or_create_list(session),
                [make_signal("pdq", hashed.pdq, hashed.quality)],
                provenance=Provenance.SELF_REPORT,
            ).item.id

    first, second = listed(10), listed(11)
    output = tmp_path / "m.jsonl"
    bank_dir = tmp_path / "bank"

    def scan(url: str, key: str = token) -> tuple[set[int], str]:
        options = ["--bank-dir", str(bank_dir), "-o", str(output), "--no-progress", "--restart"]
        result = CliRunner().invoke(
            app, ["scan", str(uploads), "--api", url, "--key", key, "--workers", "1", *options]
        )
        assert result.exit_code == 0, result.output
        found = {json.loads(line)["item"] for line in output.read_text().splitlines()}
        return found, result.output

    with serve(create_app(app_settings, app_db)) as url:
        found, said = scan(url)
        assert found == {first, second}
        assert "2 records read (from the start)" in said
        state = json.loads((bank_dir / "feed-state.json").read_text())
        assert token not in json.dumps(state)  # the key itself is never stored
        third = listed(12)
        with app_db.session() as session:
            withdrawn = session.get(ContentItem, first)
            assert withdrawn is not None
            set_status(session, withdrawn, ItemStatus.WITHDRAWN, "withdrawn")
        found, said = scan(url)
        assert found == {second, third}  # the withdrawal applied, the new item matched
        assert f"2 records read (changes since checkpoint {state['checkpoint']})" in said
        found, said = scan(url)
        assert found == {second, third} and "0 records read (changes since" in said
        # Another key (another organisation's view) never reuses this state: a full replay.
        with app_db.session() as session:
            other = issue(session, create_organisation(session, "Else", "platform"), "s").token
        found, said = scan(url, other)
        assert found == {second, third} and "(from the start)" in said
