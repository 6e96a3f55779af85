"""reliability: the database's instance id (index snapshots tell whose they are), report
idempotency (a retried submission returns the first report)

Revision ID: 0012_reliability
Revises: 0009_oncall_and_sharing
Create Date: 2027-01-10
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012_reliability"
down_revision = "0009_oncall_and_sharing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    instance = op.create_table(
        "database_instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_instance")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_database_instance_instance_id")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    op.bulk_insert(instance, [{"id": 1, "instance_id": secrets.token_hex(16), "created_at": now}])
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("retry_pin", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_report_idempotency_digest"), ["idempotency_digest"]
        )


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_report_idempotency_digest"), type_="unique")
        batch_op.drop_column("retry_pin")
        batch_op.drop_column("idempotency_digest")
    op.drop_table("database_instance")
