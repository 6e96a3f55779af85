"""a report made by an adult for a child (from the device that holds the image)

Revision ID: 0011_report_made_by
Revises: 0010_takedown
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_report_made_by"
down_revision = "0010_takedown"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: on SQLite with foreign keys on, batch mode rebuilds the
# report table, and dropping the old one cascades to every row that points at a report.
def upgrade() -> None:
    op.add_column(
        "report",
        sa.Column("made_by_adult", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("report", "made_by_adult")
