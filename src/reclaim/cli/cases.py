"""`reclaim cases purge`: delete closed safeguarding cases past retention (for cron)."""

from __future__ import annotations

from datetime import UTC, datetime

from reclaim.cli.common import database, out


def purge(dry_run: bool) -> None:
    """Delete every closed case past its organisation's retention period, unless on legal
    hold; with ``dry_run``, only say how many would go."""
    from reclaim import cases

    with database() as db, db.session() as session:
        if dry_run:
            from sqlalchemy import select

            due = 0
            for case in session.scalars(select(cases.Case).where(cases.Case.status == "closed")):
                years = cases.retention_years(
                    session, case.organisation_id, db.settings.case_retention_years
                )
                when = cases.delete_after(case, years)
                due += when is not None and when <= datetime.now(UTC)
            session.rollback()
            out.print(
                f"{due} closed case(s) are past retention and would be deleted", highlight=False
            )
            return
        removed = cases.purge_expired(session, db.settings.case_retention_years)
    out.print(f"deleted {len(removed)} closed case(s) past retention", highlight=False)
