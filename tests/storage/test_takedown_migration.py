"""Migration 0010: each existing report link becomes a place (one per canonical URL) and
keeps its status ("sent" is "notice sent"); report_url.status goes; down and up again."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from reclaim.reports.models import ReportUrl
from reclaim.storage.database import Database
from reclaim.storage.encryption import field_cipher
from reclaim.storage.migrations_runner import alembic_config, upgrade
from reclaim.takedown.models import Place, PlaceMove


def test_existing_links_become_places_with_their_status(any_db: Database) -> None:
    command.downgrade(alembic_config(any_db), "0009_oncall_and_sharing")
    tables = sa.MetaData()
    tables.reflect(any_db.engine, only=["organisation", "report", "report_url"])
    now = datetime.now(UTC)
    cipher = field_cipher()
    with any_db.engine.begin() as connection:
        connection.execute(
            tables.tables["organisation"]
            .insert()
            .values(id=1, name="Hotline", kind="hotline", created_at=now)
        )
        for report_id, feels_safe in ((1, "no"), (2, None)):
            connection.execute(
                tables.tables["report"]
                .insert()
                .values(
                    id=report_id,
                    reference=f"REF{report_id}",
                    public_id=f"pub{report_id}",
                    organisation_id=1,
                    pin_hash="x",
                    age_group="under18",
                    country="GB",
                    urgent=feels_safe == "no",
                    feels_safe=feels_safe,
                    source="api",
                    busy_connection=False,
                    created_at=now,
                    updated_at=now,
                )
            )
        rows = [
            (1, 1, "https://pics.example.org/a?utm_source=x", "sent"),
            (2, 2, "https://PICS.example.org/a", "reported"),
            (3, 2, "https://pics.example.org/b", "removed"),
        ]
        for url_id, report_id, url, status in rows:
            connection.execute(
                tables.tables["report_url"]
                .insert()
                .values(
                    id=url_id,
                    report_id=report_id,
                    url=cipher.encrypt(url, "report_url.url"),
                    host="pics.example.org",
                    status=status,
                    updated_at=now,
                )
            )
    upgrade(any_db)
    with any_db.read_session() as session:
        places = list(session.scalars(select(Place).order_by(Place.id)))
        assert [(p.url, p.status, len(p.sources)) for p in places] == [
            ("https://pics.example.org/a", "notice_sent", 2),
            ("https://pics.example.org/b", "removed", 1),
        ]
        assert places[0].listed and places[0].priority >= 1000 and not places[1].listed
        assert [u.place_id for u in session.scalars(select(ReportUrl).order_by(ReportUrl.id))] == [
            places[0].id,
            places[0].id,
            places[1].id,
        ]
        moves = list(session.scalars(select(PlaceMove).order_by(PlaceMove.id)))
        assert [m.to_status for m in moves] == ["notice_sent", "removed"]
        assert all(m.actor == "migration:0010" for m in moves)
    command.downgrade(alembic_config(any_db), "0009_oncall_and_sharing")
    with any_db.engine.connect() as connection:
        statuses = (
            connection.execute(sa.text("SELECT status FROM report_url ORDER BY id")).scalars().all()
        )
    assert statuses == ["sent", "sent", "removed"]
    upgrade(any_db)
