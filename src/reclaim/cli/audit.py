"""`reclaim audit`: check the tamper-evident trail."""

from __future__ import annotations

import typer

from reclaim.audit.actions import AuditAction
from reclaim.audit.recorder import record, verify_chain
from reclaim.cli.common import database, out

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@app.command("verify")
def verify_command() -> None:
    """Walk the hash chain; print OK, or the first broken link (exit status 1)."""
    with database() as db:
        with db.read_session() as session:
            verdict = verify_chain(session)
        if verdict.ok:
            with db.session() as session:
                record(
                    session,
                    AuditAction.AUDIT_VERIFIED,
                    object_type="audit",
                    detail={"checked": verdict.checked},
                )
    out.print(str(verdict), highlight=False)
    if not verdict.ok:
        raise typer.Exit(1)
