"""on-call lists, alerts with escalation, reminders, web push subscriptions; share codes and
reports shared by young people

Revision ID: 0009_oncall_and_sharing
Revises: 0008_urgent_alerts
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_oncall_and_sharing"
down_revision = "0008_urgent_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oncall_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_oncall_contact_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_oncall_contact_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_contact")),
        sa.UniqueConstraint(
            "organisation_id", "staff_user_id", name=op.f("uq_oncall_contact_organisation_id")
        ),
    )
    op.create_index(
        op.f("ix_oncall_contact_organisation_id"), "oncall_contact", ["organisation_id"]
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_url", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("level_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_alert_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["staff_user.id"],
            name=op.f("fk_alert_acknowledged_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    op.create_index(op.f("ix_alert_organisation_id"), "alert", ["organisation_id"])
    op.create_index(op.f("ix_alert_level_at"), "alert", ["level_at"])
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("subject_url", sa.String(length=300), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_reminder_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
    )
    op.create_index(op.f("ix_reminder_staff_user_id"), "reminder", ["staff_user_id"])
    op.create_index(op.f("ix_reminder_due_at"), "reminder", ["due_at"])
    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("endpoint_digest", sa.String(length=64), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_push_subscription_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscription")),
        sa.UniqueConstraint("endpoint_digest", name=op.f("uq_push_subscription_endpoint_digest")),
    )
    op.create_index(
        op.f("ix_push_subscription_staff_user_id"), "push_subscription", ["staff_user_id"]
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("report_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("alert_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("subject_url", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_alert_id_alert"),
            "alert",
            ["alert_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_notification_alert_id"), ["alert_id"], unique=False)
    op.create_table(
        "share_code",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_share_code_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_share_code")),
        sa.UniqueConstraint("code", name=op.f("uq_share_code_code")),
    )
    op.create_table(
        "report_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_share_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_report_share_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_share")),
        sa.UniqueConstraint("public_id", name=op.f("uq_report_share_public_id")),
    )
    op.create_index(op.f("ix_report_share_report_id"), "report_share", ["report_id"])
    op.create_index(op.f("ix_report_share_organisation_id"), "report_share", ["organisation_id"])


def downgrade() -> None:
    op.drop_table("report_share")
    op.drop_table("share_code")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_alert_id"))
        batch_op.drop_constraint(batch_op.f("fk_notification_alert_id_alert"), type_="foreignkey")
        batch_op.drop_column("subject_url")
        batch_op.drop_column("alert_id")
        batch_op.alter_column("report_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("push_subscription")
    op.drop_table("reminder")
    op.drop_table("alert")
    op.drop_table("oncall_contact")
