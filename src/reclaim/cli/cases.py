"""`reclaim cases`: safeguarding cases' retention (for cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from reclaim.cli.common import database, out

app = typer.Typer(help="Safeguarding cases: retention.", no_args_is_help=True)


@app.command("purge")
def purge_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only count what would be deleted.")
    ] = False,
) -> None:
    """Delete closed cases past retention (RECLAIM_CASE_RETENTION_YEARS or the organisation's
    own), never one on legal hold; the audit trail keeps verifying."""
    from reclaim.cases.records import count_expired, purge_expired

    with database() as db:
        default_years = db.settings.case_retention_years
        if dry_run:
            with db.read_session() as session:
                due = count_expired(session, default_years)
            out.print(
                f"{due} closed case(s) are past retention and would be deleted", highlight=False
            )
            return
        with db.session() as session:
            removed = purge_expired(session, default_years)
    out.print(f"deleted {len(removed)} closed case(s) past retention", highlight=False)
