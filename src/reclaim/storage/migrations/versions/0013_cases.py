"""safeguarding cases: the case, its children, review answers, places, referrals, tasks,
chronology; an organisation's local pathways and case policy; a case's link to a report a
young person shared (urgent cases alert through the on-call alerts of 0009); a case's web
addresses are takedown places (0010)

Revision ID: 0013_cases
Revises: 0012_webhooks
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_cases"
down_revision = "0012_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_pathway",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_pathway_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_pathway")),
    )
    with op.batch_alter_table("case_pathway", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_pathway_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "case_policy",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("retention_years", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_policy_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_case_policy")),
    )
    op.create_table(
        "safeguarding_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("urgent_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("close_rationale", sa.Text(), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("legal_hold_reason", sa.Text(), nullable=True),
        sa.Column("linked_share_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["staff_user.id"],
            name=op.f("fk_safeguarding_case_assigned_to_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["staff_user.id"],
            name=op.f("fk_safeguarding_case_closed_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["linked_share_id"],
            ["report_share.id"],
            name=op.f("fk_safeguarding_case_linked_share_id_report_share"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["staff_user.id"],
            name=op.f("fk_safeguarding_case_opened_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_safeguarding_case_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_case")),
        sa.UniqueConstraint(
            "organisation_id", "number", name=op.f("uq_safeguarding_case_organisation_id")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_safeguarding_case_public_id")),
    )
    with op.batch_alter_table("safeguarding_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_case_assigned_to"), ["assigned_to"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safeguarding_case_linked_share_id"), ["linked_share_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safeguarding_case_opened_by"), ["opened_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safeguarding_case_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_safeguarding_case_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_safeguarding_case_urgent"), ["urgent"], unique=False)

    op.create_table(
        "case_child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("date_of_birth", sa.Text(), nullable=True),
        sa.Column("year_group", sa.Text(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("role_note", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["safeguarding_case.id"],
            name=op.f("fk_case_child_case_id_safeguarding_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_child")),
    )
    with op.batch_alter_table("case_child", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_child_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_chronology_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["safeguarding_case.id"],
            name=op.f("fk_case_chronology_entry_case_id_safeguarding_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["case_chronology_entry.id"],
            name=op.f("fk_case_chronology_entry_corrects_id_case_chronology_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff_user.id"],
            name=op.f("fk_case_chronology_entry_recorded_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_chronology_entry")),
    )
    with op.batch_alter_table("case_chronology_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_chronology_entry_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("learned_from", sa.Text(), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("platform_reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("iwf_reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("iwf_reference", sa.Text(), nullable=True),
        sa.Column("police_reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("police_reference", sa.Text(), nullable=True),
        sa.Column("takedown_place_id", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["staff_user.id"],
            name=op.f("fk_case_place_added_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["safeguarding_case.id"],
            name=op.f("fk_case_place_case_id_safeguarding_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["takedown_place_id"],
            ["takedown_place.id"],
            name=op.f("fk_case_place_takedown_place_id_takedown_place"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_place")),
    )
    with op.batch_alter_table("case_place", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_place_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_place_takedown_place_id"), ["takedown_place_id"], unique=False
        )

    op.create_table(
        "case_review_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=24), nullable=False),
        sa.Column("answer", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("who", sa.Text(), nullable=True),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["staff_user.id"],
            name=op.f("fk_case_review_answer_answered_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["safeguarding_case.id"],
            name=op.f("fk_case_review_answer_case_id_safeguarding_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_review_answer")),
    )
    with op.batch_alter_table("case_review_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_review_answer_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=12), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["safeguarding_case.id"],
            name=op.f("fk_case_task_case_id_safeguarding_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["staff_user.id"],
            name=op.f("fk_case_task_done_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["staff_user.id"],
            name=op.f("fk_case_task_owner_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_task")),
    )
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_task_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_task_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_task_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "case_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=16), nullable=False),
        sa.Column("agency_name", sa.Text(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by", sa.Integer(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_task_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["safeguarding_case.id"],
            name=op.f("fk_case_referral_case_id_safeguarding_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_task_id"],
            ["case_task.id"],
            name=op.f("fk_case_referral_follow_up_task_id_case_task"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["made_by"],
            ["staff_user.id"],
            name=op.f("fk_case_referral_made_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_referral")),
    )
    with op.batch_alter_table("case_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_referral_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_referral_case_id"))

    op.drop_table("case_referral")
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_task_owner_id"))
        batch_op.drop_index(batch_op.f("ix_case_task_due_at"))
        batch_op.drop_index(batch_op.f("ix_case_task_case_id"))

    op.drop_table("case_task")
    with op.batch_alter_table("case_review_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_review_answer_case_id"))

    op.drop_table("case_review_answer")
    with op.batch_alter_table("case_place", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_place_takedown_place_id"))
        batch_op.drop_index(batch_op.f("ix_case_place_case_id"))

    op.drop_table("case_place")
    with op.batch_alter_table("case_chronology_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_chronology_entry_case_id"))

    op.drop_table("case_chronology_entry")
    with op.batch_alter_table("case_child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_child_case_id"))

    op.drop_table("case_child")
    with op.batch_alter_table("safeguarding_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_case_urgent"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_case_status"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_case_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_case_opened_by"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_case_linked_share_id"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_case_assigned_to"))

    op.drop_table("safeguarding_case")
    op.drop_table("case_policy")
    with op.batch_alter_table("case_pathway", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_pathway_organisation_id"))

    op.drop_table("case_pathway")
