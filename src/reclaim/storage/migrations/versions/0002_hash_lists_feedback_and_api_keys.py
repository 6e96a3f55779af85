"""hash lists, feedback and api keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_api_key_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_key_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "hash_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("max_distance", sa.Integer(), nullable=False),
        sa.Column("min_quality", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_hash_list_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_list")),
        sa.UniqueConstraint("name", name=op.f("uq_hash_list_name")),
    )
    op.create_table(
        "content_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.String(length=20), nullable=False),
        sa.Column("provenance_ref", sa.String(length=200), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "change_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["hash_list.id"], name=op.f("fk_content_item_list_id_hash_list")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_item")),
    )
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_item_change_seq"), ["change_seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_content_item_list_id"), ["list_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_item_provenance_ref"), ["provenance_ref"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_content_item_status"), ["status"], unique=False)

    op.create_table(
        "platform_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_item.id"],
            name=op.f("fk_platform_feedback_item_id_content_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_platform_feedback_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_feedback")),
        sa.UniqueConstraint(
            "item_id", "organisation_id", name=op.f("uq_platform_feedback_item_id")
        ),
    )
    with op.batch_alter_table("platform_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_feedback_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_platform_feedback_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("signal_type", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_key", sa.String(length=64), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("frames", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_item.id"],
            name=op.f("fk_signal_item_id_content_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal")),
    )
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_signal_lookup", ["signal_type", "value_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.drop_index("ix_signal_lookup")
        batch_op.drop_index(batch_op.f("ix_signal_item_id"))

    op.drop_table("signal")
    with op.batch_alter_table("platform_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_feedback_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_platform_feedback_item_id"))

    op.drop_table("platform_feedback")
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_item_status"))
        batch_op.drop_index(batch_op.f("ix_content_item_provenance_ref"))
        batch_op.drop_index(batch_op.f("ix_content_item_list_id"))
        batch_op.drop_index(batch_op.f("ix_content_item_change_seq"))

    op.drop_table("content_item")
    op.drop_table("hash_list")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_organisation_id"))

    op.drop_table("api_key")
