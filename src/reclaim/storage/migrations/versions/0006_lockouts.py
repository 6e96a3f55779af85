"""one lockout for every guessable secret: lockout replaces login_throttle and the report's
own PIN counters

Revision ID: 0005_lockouts
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_lockouts"
down_revision = "0005_vpdq_pytx_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lockout",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_lockout")),
    )
    # Counters only (no one's data): starting them afresh is safe.
    op.drop_table("login_throttle")
    # Plain ALTER TABLE (SQLite >= 3.35 and PostgreSQL): rebuilding the report table in batch
    # mode would cascade-delete its hashes and links under PRAGMA foreign_keys=ON.
    op.execute("ALTER TABLE report DROP COLUMN pin_failures")
    op.execute("ALTER TABLE report DROP COLUMN locked_until")


def downgrade() -> None:
    op.add_column(
        "report", sa.Column("pin_failures", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("report", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.drop_table("lockout")
