"""young people's reports: report, report_hash, report_url

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("age_group", sa.String(length=24), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("threatened", sa.Boolean(), nullable=True),
        sa.Column("feels_safe", sa.String(length=10), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("pin_failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("reference", name=op.f("uq_report_reference")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_urgent"), ["urgent"], unique=False)

    op.create_table(
        "report_hash",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("exact_only", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_item.id"], name=op.f("fk_report_hash_item_id_content_item")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_hash_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_hash")),
    )
    with op.batch_alter_table("report_hash", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_hash_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_hash_report_id"), ["report_id"], unique=False)

    op.create_table(
        "report_url",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_url_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_url")),
    )
    with op.batch_alter_table("report_url", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_url_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_url", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_url_report_id"))
    op.drop_table("report_url")
    with op.batch_alter_table("report_hash", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_hash_report_id"))
        batch_op.drop_index(batch_op.f("ix_report_hash_item_id"))
    op.drop_table("report_hash")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_urgent"))
    op.drop_table("report")
