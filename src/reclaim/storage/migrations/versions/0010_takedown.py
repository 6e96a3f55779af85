"""takedown: places (one per canonical URL), their sources, moves and notices

Each existing report link becomes a place in its organisation's takedown queue (one per
canonical URL, however many reports named it), and the place's status becomes the link's:
``sent`` is "notice sent" and ``removed`` "removed", each with a move recorded as made by this
migration. ``report_url.status`` goes: the place's status is the one record.

Revision ID: 0010_takedown
Revises: 0009_oncall_and_sharing
Create Date: 2026-12-08
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0010_takedown"
down_revision = "0009_oncall_and_sharing"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _tables() -> None:
    op.create_table(
        "takedown_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_sha256", sa.String(length=64), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("registered_domain", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=80), nullable=True),
        sa.Column("flags", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("reported_at", _TS, nullable=False),
        sa.Column("first_action_due", _TS, nullable=False),
        sa.Column("first_action_at", _TS, nullable=True),
        sa.Column("recheck_due", _TS, nullable=True),
        sa.Column("removed_at", _TS, nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("list_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("last_liveness", sa.String(length=40), nullable=True),
        sa.Column("last_liveness_at", _TS, nullable=True),
        sa.Column("erased_at", _TS, nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["staff_user.id"],
            name=op.f("fk_takedown_place_assigned_to_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["takedown_place.id"],
            name=op.f("fk_takedown_place_duplicate_of_takedown_place"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_takedown_place_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_place")),
        sa.UniqueConstraint(
            "organisation_id", "url_sha256", name=op.f("uq_takedown_place_organisation_id")
        ),
    )
    with op.batch_alter_table("takedown_place", schema=None) as batch_op:
        for column in (
            "assigned_to",
            "list_seq",
            "organisation_id",
            "platform",
            "priority",
            "recheck_due",
            "registered_domain",
            "reported_at",
            "status",
        ):
            batch_op.create_index(batch_op.f(f"ix_takedown_place_{column}"), [column], unique=False)

    op.create_table(
        "takedown_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["takedown_place.id"],
            name=op.f("fk_takedown_move_place_id_takedown_place"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_takedown_move_staff_user_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_move")),
    )
    with op.batch_alter_table("takedown_move", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_takedown_move_place_id"), ["place_id"], unique=False)

    op.create_table(
        "takedown_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("recipient_email", sa.Text(), nullable=True),
        sa.Column("form_url", sa.Text(), nullable=True),
        sa.Column("hotline_country", sa.String(length=3), nullable=True),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_ref", sa.String(length=120), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("deadline_at", _TS, nullable=False),
        sa.Column("escalated_at", _TS, nullable=True),
        sa.Column("next_attempt_at", _TS, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("failed_at", _TS, nullable=True),
        sa.Column("last_error", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_user.id"],
            name=op.f("fk_takedown_notice_created_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["takedown_place.id"],
            name=op.f("fk_takedown_notice_place_id_takedown_place"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_notice")),
    )
    with op.batch_alter_table("takedown_notice", schema=None) as batch_op:
        for column in ("deadline_at", "next_attempt_at", "place_id"):
            batch_op.create_index(
                batch_op.f(f"ix_takedown_notice_{column}"), [column], unique=False
            )

    op.create_table(
        "takedown_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["takedown_place.id"],
            name=op.f("fk_takedown_source_place_id_takedown_place"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_takedown_source_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_source")),
    )
    with op.batch_alter_table("takedown_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_takedown_source_place_id"), ["place_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_takedown_source_report_id"), ["report_id"], unique=False
        )

    with op.batch_alter_table("report_url", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_report_url_place_id"), ["place_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_report_url_place_id_takedown_place"),
            "takedown_place",
            ["place_id"],
            ["id"],
            ondelete="SET NULL",
        )


_OLD_TO_NEW = {"reported": "reported", "sent": "notice_sent", "removed": "removed"}


def _places_for_existing_links() -> None:
    """Every existing link becomes (or joins) a place; its old status carries over."""
    from reclaim.storage.encryption import field_cipher
    from reclaim.takedown.canonical import UrlRejected, canonical
    from reclaim.takedown.hosts import host_directory
    from reclaim.takedown.urgency import Urgency, priority

    connection = op.get_bind()
    meta = sa.MetaData()
    report = sa.Table("report", meta, autoload_with=connection)
    report_url = sa.Table("report_url", meta, autoload_with=connection)
    place = sa.Table("takedown_place", meta, autoload_with=connection)
    source = sa.Table("takedown_source", meta, autoload_with=connection)
    move = sa.Table("takedown_move", meta, autoload_with=connection)
    rows = connection.execute(
        sa.select(
            report_url.c.id,
            report_url.c.url,
            report_url.c.status,
            report_url.c.updated_at,
            report.c.id.label("report_id"),
            report.c.organisation_id,
            report.c.created_at,
            report.c.feels_safe,
            report.c.threatened,
            report.c.age_group,
        )
        .join(report, report.c.id == report_url.c.report_id)
        .order_by(report_url.c.id)
    ).all()
    if not rows:
        return
    cipher = field_cipher()
    now = datetime.now(UTC)
    seq = 0
    made: dict[tuple[int | None, str], int] = {}
    for row in rows:
        try:
            found = canonical(cipher.decrypt(row.url, "report_url.url"))
        except UrlRejected:
            continue  # a link recorded before the checks: it keeps no place
        digest = hashlib.sha256(found.url.encode()).hexdigest()
        weight = priority(Urgency(row.feels_safe, row.threatened, row.age_group))
        key = (row.organisation_id, digest)
        status = _OLD_TO_NEW.get(row.status, "reported")
        created = row.created_at or now
        if key not in made:
            host = host_directory().host_for(found.registered_domain)
            listed = status == "notice_sent"
            if listed:
                seq += 1
            hours = 2 if weight >= 100 else 24
            place_id = connection.execute(
                place.insert()
                .values(
                    organisation_id=row.organisation_id,
                    url=cipher.encrypt(found.url, "takedown_place.url"),
                    url_sha256=digest,
                    host=found.host,
                    registered_domain=found.registered_domain,
                    platform=host.name if host else None,
                    flags=",".join(found.flags),
                    status=status,
                    priority=weight,
                    reported_at=created,
                    first_action_due=created + timedelta(hours=hours),
                    first_action_at=row.updated_at if status != "reported" else None,
                    removed_at=row.updated_at if status == "removed" else None,
                    listed=listed,
                    list_seq=seq if listed else None,
                    updated_at=now,
                )
                .returning(place.c.id)
            ).scalar_one()
            made[key] = place_id
            if status != "reported":
                connection.execute(
                    move.insert().values(
                        place_id=place_id,
                        from_status="reported",
                        to_status=status,
                        actor="migration:0010",
                        at=row.updated_at or now,
                        reason=cipher.encrypt(
                            f"set as '{row.status}' before the takedown queue existed",
                            "takedown_move.reason",
                        ),
                    )
                )
        place_id = made[key]
        connection.execute(
            source.insert().values(
                place_id=place_id,
                kind="report",
                report_id=row.report_id,
                priority=weight,
                created_at=created,
            )
        )
        connection.execute(
            report_url.update().where(report_url.c.id == row.id).values(place_id=place_id)
        )


def upgrade() -> None:
    _tables()
    _places_for_existing_links()
    with op.batch_alter_table("report_url", schema=None) as batch_op:
        batch_op.drop_column("status")


def downgrade() -> None:
    with op.batch_alter_table("report_url", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="reported")
        )
    connection = op.get_bind()
    meta = sa.MetaData()
    report_url = sa.Table("report_url", meta, autoload_with=connection)
    place = sa.Table("takedown_place", meta, autoload_with=connection)
    for old, statuses in (
        ("sent", ("notice_sent", "still_available", "rejected")),
        ("removed", ("removed",)),
    ):
        ids = sa.select(place.c.id).where(place.c.status.in_(statuses))
        connection.execute(
            report_url.update().where(report_url.c.place_id.in_(ids)).values(status=old)
        )
    with op.batch_alter_table("report_url", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_report_url_place_id_takedown_place"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_report_url_place_id"))
        batch_op.drop_column("place_id")
    for table in ("takedown_source", "takedown_notice", "takedown_move", "takedown_place"):
        op.drop_table(table)
