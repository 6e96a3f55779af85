"""`reclaim apikey`: keys for platforms to use the API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from reclaim.cli.common import database, fail, out

app = typer.Typer(help="API keys for platforms.", no_args_is_help=True)


@app.command("create")
def create(
    org: Annotated[str, typer.Option(help="The platform's organisation (name or id).")],
    name: Annotated[str, typer.Option(help="Where the key is used, e.g. 'upload scanner'.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(help="match, feed, feedback, export (repeatable; default all)."),
    ] = None,
    rate: Annotated[int, typer.Option(help="Requests a minute allowed.")] = 600,
) -> None:
    """Create a key and print it once. Only a digest is kept: store the key now."""
    from reclaim.accounts.apikeys import ALL_SCOPES, ApiKeyError, issue
    from reclaim.accounts.staff import StaffError, find_organisation

    with database() as db, db.session() as session:
        try:
            issued = issue(
                session,
                find_organisation(session, org),
                name,
                scope or [s.value for s in ALL_SCOPES],
                rate,
            )
        except (StaffError, ApiKeyError) as exc:
            raise fail(str(exc)) from None
        out.print(
            f"Key {issued.key.prefix} for {issued.key.organisation.name!r} "
            f"({', '.join(issued.key.scopes)}):",
            highlight=False,
        )
    typer.echo(issued.token)


@app.command("list")
def list_keys() -> None:
    """Every key (never the secret)."""
    from reclaim.accounts.lookup import api_key_summaries

    with database() as db, db.read_session() as session:
        keys = api_key_summaries(session)
    table = Table("prefix", "organisation", "name", "scopes", "rate/min", "revoked")
    for key in keys:
        table.add_row(
            key.prefix,
            key.organisation,
            key.name,
            ",".join(key.scopes),
            str(key.rate_per_minute),
            "yes" if key.revoked_at else "",
        )
    out.print(table)


@app.command("revoke")
def revoke_command(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (from `reclaim apikey list`).")],
) -> None:
    """Revoke a key at once."""
    from reclaim.accounts.apikeys import revoke
    from reclaim.accounts.lookup import find_api_key

    with database() as db, db.session() as session:
        key = find_api_key(session, prefix)
        if key is None:
            raise fail(f"No key with prefix {prefix!r}.")
        revoke(session, key)
    out.print(f"Revoked {prefix}.")
