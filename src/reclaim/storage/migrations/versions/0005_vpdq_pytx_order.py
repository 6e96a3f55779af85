"""vPDQ signals stored as pytx's signal string (``pdq_hex,quality,timestamp``)

Reclaim used to store a video's signal text as ``quality,pdq_hex,timestamp`` lines, which pytx
and HMA refuse. Each stored vPDQ value (and its de-duplication key) is rewritten from its frames
as pytx's VPDQ ``signal_str``, and the items carrying one take a new feed position so platforms
that already pulled them receive the corrected value. Downgrade writes the old text back.

Revision ID: 0005_vpdq_pytx_order
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005_vpdq_pytx_order"
down_revision = "0004"
branch_labels = None
depends_on = None

_signal = sa.table(
    "signal",
    sa.column("id", sa.Integer),
    sa.column("item_id", sa.Integer),
    sa.column("signal_type", sa.String),
    sa.column("value", sa.Text),
    sa.column("value_key", sa.String),
    sa.column("frames", sa.JSON),
)
_item = sa.table("content_item", sa.column("id", sa.Integer), sa.column("change_seq", sa.Integer))


# The text formats are written out here, not imported, so this migration never changes.
def _pytx_text(frames: list[Any]) -> str:
    return json.dumps([f"{p},{int(q)},{float(t):.3f}" for q, p, t in frames])


def _old_text(frames: list[Any]) -> str:
    return "\n".join(f"{int(q)},{p},{float(t):.3f}" for q, p, t in frames)


def _rewrite(text_of: Any, renumber: bool) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_signal.c.id, _signal.c.item_id, _signal.c.frames)
        .where(_signal.c.signal_type == "vpdq")
        .order_by(_signal.c.id)
    ).all()
    items: list[int] = []
    for signal_id, item_id, frames in rows:
        if isinstance(frames, str):  # some drivers hand JSON back as text
            frames = json.loads(frames)
        if not frames:
            continue
        value = text_of(frames)
        connection.execute(
            _signal.update()
            .where(_signal.c.id == signal_id)
            .values(value=value, value_key=hashlib.sha256(value.encode()).hexdigest())
        )
        if item_id not in items:
            items.append(item_id)
    if renumber and items:
        seq = connection.scalar(sa.select(sa.func.max(_item.c.change_seq))) or 0
        for item_id in items:
            seq += 1
            connection.execute(_item.update().where(_item.c.id == item_id).values(change_seq=seq))


def upgrade() -> None:
    _rewrite(_pytx_text, renumber=True)


def downgrade() -> None:
    _rewrite(_old_text, renumber=False)
