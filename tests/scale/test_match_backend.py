"""`RECLAIM_MATCH_BACKEND=dask://...`: the match API on the sharded index, withdrawals included."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi.testclient import TestClient

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.bank.items import ItemStatus, Provenance, add_item, get_or_create_list, set_status
from reclaim.bank.loading import load_matcher, snapshot_dir
from reclaim.bank.models import ContentItem
from reclaim.bank.signals import make_signal
from reclaim.scale.sharded import DaskPdqIndex
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from tests.conftest import BASE_URL, make_settings


def add(db: Database, pdq: str) -> int:
    with db.session() as session:
        return add_item(
            session,
            get_or_create_list(session),
            [make_signal("pdq", pdq, 100)],
            provenance=Provenance.SELF_REPORT,
        ).item.id


def flip(pdq: str, bits: int) -> str:
    value = int(pdq, 16)
    for bit in range(bits):
        value ^= 1 << (bit * 7 % 256)
    return f"{value:064x}"


def test_match_api_on_dask_shards_stops_matching_a_withdrawal_on_the_next_request(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, match_backend="dask://local?shards=3&workers=2")
    db = Database(settings)
    upgrade(db)
    with db.session() as session:
        token = issue(session, create_organisation(session, "PhotoShare", "platform"), "s").token
    before = [secrets.token_hex(32) for _ in range(30)]
    before_ids = [add(db, h) for h in before]
    local = make_settings(tmp_path)  # the snapshot is written by the usual local matcher
    local_db = Database(local)
    with local_db.read_session() as session:
        load_matcher(local_db, snapshot_dir(local.data_dir)).save(
            snapshot_dir(local.data_dir), session
        )
    local_db.dispose()

    app = create_app(settings, db)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app, base_url=BASE_URL) as client:
        app.state.services.matcher_loader.join(timeout=60)
        matcher = app.state.services.matcher_loader.matcher
        index = matcher._state.index
        assert isinstance(index, DaskPdqIndex) and len(index.actors) == 3
        try:
            after = secrets.token_hex(32)
            after_id = add(db, after)  # reaches the shards through the next sync

            def matches(pdq: str) -> list[int]:
                answer = client.post(
                    "/api/v1/match",
                    headers=headers,
                    json={"signals": [{"type": "pdq", "value": pdq}]},
                )
                assert answer.status_code == 200, answer.text
                return [m["item_id"] for m in answer.json()["results"][0]["matches"]]

            assert matches(flip(before[3], 9)) == [before_ids[3]]
            assert matches(flip(after, 9)) == [after_id]
            for item_id, pdq in ((before_ids[3], before[3]), (after_id, after)):
                with db.session() as session:
                    row = session.get(ContentItem, item_id)
                    assert row is not None
                    set_status(session, row, ItemStatus.WITHDRAWN, "withdrawn")
                assert matches(pdq) == []
            assert matches(before[4]) == [before_ids[4]]
        finally:
            index.close()
    db.dispose()
