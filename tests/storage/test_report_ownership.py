"""Migration 0005 on both databases: existing reports get an unguessable staff-URL id, and
reports without an owner go to the intake organisation the first time it is resolved."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from reclaim.accounts.staff import create_organisation
from reclaim.audit.recorder import verify_chain
from reclaim.reports.models import Report
from reclaim.reports.ownership import ASSIGNED, report_for_staff, resolve_intake
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from tests.conftest import make_settings

_INSERT = text(
    "INSERT INTO report (reference, pin_hash, age_group, country, urgent, source, pin_failures,"
    " created_at, updated_at) VALUES (:ref, 'x', 'under18', 'GB', false, 'web', 0,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_existing_reports_get_a_public_id_and_then_the_intake_organisation(
    any_db_url: str, tmp_path: Path
) -> None:
    db = Database(make_settings(tmp_path, database_url=any_db_url))
    upgrade(db, "0004")
    with db.engine.begin() as connection:
        for ref in ("AAAAAAAAA", "BBBBBBBBB"):
            connection.execute(_INSERT, {"ref": ref})
    upgrade(db)
    with db.session() as session:
        reports = list(session.scalars(select(Report).order_by(Report.id)))
        ids = [r.public_id for r in reports]
        assert all(len(i) == 22 for i in ids) and len(set(ids)) == 2
        assert [r.organisation_id for r in reports] == [None, None]
        assert resolve_intake(session, "") is None  # no organisation yet: nothing to assign
        create_organisation(session, "PhotoShare", "platform")
        hotline = create_organisation(session, "Hotline", "hotline")
        create_organisation(session, "Later School", "school")
        assert report_for_staff(session, hotline.id, ids[0], "") is not None
        owners = session.scalars(select(Report.organisation_id)).all()
        assert owners == [hotline.id, hotline.id]
        events = session.execute(
            text("SELECT organisation_id FROM audit_event WHERE action = :a"), {"a": ASSIGNED}
        ).all()
        assert [e[0] for e in events] == [hotline.id]
        assert resolve_intake(session, "") is not None  # nothing left: no second event
        assert verify_chain(session).ok
    with db.session() as session:
        count = session.execute(
            text("SELECT count(*) FROM audit_event WHERE action = :a"), {"a": ASSIGNED}
        ).scalar()
        assert count == 1
    db.dispose()
