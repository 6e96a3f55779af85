"""Videos stored before vPDQ text followed pytx's order are rewritten by migration 0005."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa

from reclaim.bank.items import value_key
from reclaim.bank.signals import make_signal
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade


def test_stored_vpdq_values_take_pytx_order_and_a_new_feed_position(any_db: Database) -> None:
    # any_db is at head; take it back to 0004 and store a video as Reclaim used to.
    from alembic import command

    from reclaim.storage.migrations_runner import alembic_config

    command.downgrade(alembic_config(any_db), "0004")
    frames = [[90 - i, secrets.token_hex(32), float(i)] for i in range(4)]
    old_text = "\n".join(f"{q},{p},{t:.3f}" for q, p, t in frames)
    tables = sa.MetaData()
    tables.reflect(any_db.engine, only=["hash_list", "content_item", "signal"])
    now = datetime.now(UTC)
    with any_db.engine.begin() as connection:
        connection.execute(
            tables.tables["hash_list"]
            .insert()
            .values(
                id=1,
                name="reclaim",
                description="",
                max_distance=31,
                min_quality=50,
                created_at=now,
            )
        )
        for item_id, seq in ((1, 1), (2, 2)):
            connection.execute(
                tables.tables["content_item"]
                .insert()
                .values(
                    id=item_id,
                    list_id=1,
                    provenance="imported",
                    categories=[],
                    status="active",
                    change_seq=seq,
                    created_at=now,
                    updated_at=now,
                )
            )
        connection.execute(
            tables.tables["signal"].insert(),
            [
                {
                    "id": 1,
                    "item_id": 1,
                    "signal_type": "vpdq",
                    "value": old_text,
                    "value_key": hashlib.sha256(old_text.encode()).hexdigest(),
                    "frames": frames,
                },
                {
                    "id": 2,
                    "item_id": 2,
                    "signal_type": "md5",
                    "value": "b" * 32,
                    "value_key": "b" * 32,
                    "frames": None,
                },
            ],
        )

    upgrade(any_db)

    expected = make_signal("vpdq", [f"{p},{q},{t}" for q, p, t in frames])
    with any_db.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, value, value_key FROM signal ORDER BY id")
        ).all()
        seqs = dict(connection.execute(sa.text("SELECT id, change_seq FROM content_item")).all())
    assert rows[0][1] == expected.value and rows[0][2] == value_key(expected)
    assert json.loads(rows[0][1])[0] == f"{frames[0][1]},{frames[0][0]},0.000"
    assert tuple(rows[1]) == (2, "b" * 32, "b" * 32)
    assert seqs == {1: 3, 2: 2}  # the corrected video is sent again on the feed
