"""safety plan: a child's safety plan in a case (one per child), its versions, the child's
consent to see it on their status page, and the reason when there is no plan yet

Revision ID: 0015_safety_plan
Revises: 0014_reliability
Create Date: 2027-01-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_safety_plan"
down_revision = "0014_reliability"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only (plain create_table): nothing existing is rebuilt.
    op.create_table(
        "case_safety_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown_to_child", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("consent_by", sa.Integer(), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_share_id", sa.Integer(), nullable=True),
        sa.Column("no_plan_reason", sa.Text(), nullable=True),
        sa.Column("no_plan_by", sa.Integer(), nullable=True),
        sa.Column("no_plan_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["safeguarding_case.id"],
            name=op.f("fk_case_safety_plan_case_id_safeguarding_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["case_child.id"],
            name=op.f("fk_case_safety_plan_child_id_case_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consent_by"],
            ["staff_user.id"],
            name=op.f("fk_case_safety_plan_consent_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["consent_share_id"],
            ["report_share.id"],
            name=op.f("fk_case_safety_plan_consent_share_id_report_share"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["no_plan_by"],
            ["staff_user.id"],
            name=op.f("fk_case_safety_plan_no_plan_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_safety_plan")),
        sa.UniqueConstraint("child_id", name=op.f("uq_case_safety_plan_child_id")),
    )
    op.create_index(
        op.f("ix_case_safety_plan_case_id"), "case_safety_plan", ["case_id"], unique=False
    )
    op.create_table(
        "case_safety_plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("warning_signs", sa.Text(), nullable=True),
        sa.Column("on_my_own", sa.Text(), nullable=True),
        sa.Column("distractions", sa.Text(), nullable=True),
        sa.Column("people", sa.Text(), nullable=True),
        sa.Column("professionals", sa.Text(), nullable=True),
        sa.Column("surroundings", sa.Text(), nullable=True),
        sa.Column("what_matters", sa.Text(), nullable=True),
        sa.Column("made_by", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["made_by"],
            ["staff_user.id"],
            name=op.f("fk_case_safety_plan_version_made_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["case_safety_plan.id"],
            name=op.f("fk_case_safety_plan_version_plan_id_case_safety_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_safety_plan_version")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_case_safety_plan_version_plan_id")),
    )
    op.create_index(
        op.f("ix_case_safety_plan_version_plan_id"),
        "case_safety_plan_version",
        ["plan_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_case_safety_plan_version_plan_id"), table_name="case_safety_plan_version"
    )
    op.drop_table("case_safety_plan_version")
    op.drop_index(op.f("ix_case_safety_plan_case_id"), table_name="case_safety_plan")
    op.drop_table("case_safety_plan")
