"""the multi-agency plan of a safeguarding case: actions (agency, named owner, due date,
status), reviews (who came, what changed, the next date) and the GP decision

Revision ID: 0016_agency_plan
Revises: 0015_safety_plan
Create Date: 2027-01-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_agency_plan"
down_revision = "0015_safety_plan"
branch_labels = None
depends_on = None


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"],
        ["safeguarding_case.id"],
        name=op.f(f"fk_{table}_case_id_safeguarding_case"),
        ondelete="CASCADE",
    )


def _staff_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["staff_user.id"],
        name=op.f(f"fk_{table}_{column}_staff_user"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    # New tables only (plain create_table, no batch mode: nothing existing is rebuilt).
    op.create_table(
        "case_plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("agency", sa.String(length=16), nullable=False),
        sa.Column("agency_name", sa.Text(), nullable=True),
        sa.Column("owner_name", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk("case_plan_action"),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["case_child.id"],
            name=op.f("fk_case_plan_action_child_id_case_child"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["case_task.id"],
            name=op.f("fk_case_plan_action_task_id_case_task"),
            ondelete="SET NULL",
        ),
        _staff_fk("case_plan_action", "owner_id"),
        _staff_fk("case_plan_action", "created_by"),
        _staff_fk("case_plan_action", "updated_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_plan_action")),
    )
    op.create_index(
        op.f("ix_case_plan_action_case_id"), "case_plan_action", ["case_id"], unique=False
    )
    op.create_table(
        "case_plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attended", sa.Text(), nullable=True),
        sa.Column("changed", sa.Text(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk("case_plan_review"),
        _staff_fk("case_plan_review", "recorded_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_plan_review")),
    )
    op.create_index(
        op.f("ix_case_plan_review_case_id"), "case_plan_review", ["case_id"], unique=False
    )
    op.create_table(
        "case_plan_gp_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk("case_plan_gp_decision"),
        _staff_fk("case_plan_gp_decision", "decided_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_plan_gp_decision")),
    )
    op.create_index(
        op.f("ix_case_plan_gp_decision_case_id"),
        "case_plan_gp_decision",
        ["case_id"],
        unique=False,
    )


def downgrade() -> None:
    for table in ("case_plan_gp_decision", "case_plan_review", "case_plan_action"):
        op.drop_index(op.f(f"ix_{table}_case_id"), table_name=table)
        op.drop_table(table)
