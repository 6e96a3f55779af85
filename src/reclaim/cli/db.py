"""`reclaim db`: the schema."""

from __future__ import annotations

import typer

from reclaim.cli.common import database, fail, out

app = typer.Typer(help="The database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Apply every pending migration. Safe to run again: it does nothing when current."""
    from reclaim.storage.schema import DatabaseUnreachable, upgrade_schema

    with database() as db:
        try:
            before, after = upgrade_schema(db)
        except DatabaseUnreachable as exc:
            raise fail(f"Cannot reach the database: {exc}", 2) from None
    if before == after:
        out.print(f"Database already current (revision {after}).")
    else:
        out.print(f"Database upgraded: {before or 'empty'} -> {after}.")


@app.command("current")
def current_command() -> None:
    """Print the database's revision and the newest one Reclaim knows."""
    from reclaim.storage.schema import current_revision, head_revision

    with database() as db:
        current = current_revision(db)
    head = head_revision()
    out.print(f"current: {current or 'empty'}\nhead:    {head}")
    if current != head:
        raise typer.Exit(1)
