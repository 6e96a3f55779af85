"""reports belong to an organisation and have an unguessable id for staff URLs

Existing reports get a random ``public_id`` each. Their ``organisation_id`` stays empty here:
the intake organisation is a setting (``RECLAIM_INTAKE_ORGANISATION``) that a migration cannot
see, so reports without one are assigned to the intake organisation the first time it is
resolved (the next report, or its staff opening their reports): see
``reclaim.reports.ownership``.

Revision ID: 0005_report_ownership
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007_report_ownership"
down_revision = "0006_lockouts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))

    connection = op.get_bind()
    report = sa.table("report", sa.column("id", sa.Integer()), sa.column("public_id", sa.String()))
    ids = connection.execute(sa.select(report.c.id).where(report.c.public_id.is_(None))).scalars()
    for report_id in list(ids):
        connection.execute(
            sa.update(report)
            .where(report.c.id == report_id)
            .values(public_id=secrets.token_urlsafe(16))
        )

    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.alter_column("public_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_report_public_id"), ["public_id"])
        batch_op.create_index(
            batch_op.f("ix_report_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_report_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_report_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_report_organisation_id"))
        batch_op.drop_constraint(batch_op.f("uq_report_public_id"), type_="unique")
        batch_op.drop_column("organisation_id")
        batch_op.drop_column("public_id")
