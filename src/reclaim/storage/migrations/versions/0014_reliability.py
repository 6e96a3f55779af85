"""reliability: the database's instance id (index snapshots tell whose they are), report
idempotency (a retried submission returns the first report)

Revision ID: 0014_reliability
Revises: 0013_cases
Create Date: 2027-01-10
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014_reliability"
down_revision = "0013_cases"
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
    # Plain ALTER TABLE and an index, not batch mode: on SQLite with foreign keys on, batch
    # mode rebuilds the report table, and dropping the old one cascades to every row that
    # points at a report (takedown sources among them).
    op.add_column("report", sa.Column("idempotency_digest", sa.String(length=64), nullable=True))
    op.add_column("report", sa.Column("retry_pin", sa.Text(), nullable=True))
    op.create_index("uq_report_idempotency_digest", "report", ["idempotency_digest"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_report_idempotency_digest", table_name="report")
    op.drop_column("report", "retry_pin")
    op.drop_column("report", "idempotency_digest")
    op.drop_table("database_instance")
