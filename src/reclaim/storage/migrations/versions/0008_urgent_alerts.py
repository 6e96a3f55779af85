"""urgent reports: staff alerts in the outbox, "seen" by staff, many reports from one connection

Revision ID: 0005_urgent_alerts
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_urgent_alerts"
down_revision = "0007_report_ownership"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("busy_connection", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("urgent_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("urgent_seen_by", sa.Integer(), nullable=True))
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_staff_user_id_staff_user"),
            "staff_user",
            ["staff_user_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_notification_staff_user_id"), ["staff_user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_staff_user_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_notification_staff_user_id_staff_user"), type_="foreignkey"
        )
        batch_op.drop_column("staff_user_id")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("urgent_seen_by")
        batch_op.drop_column("urgent_seen_at")
        batch_op.drop_column("busy_connection")
