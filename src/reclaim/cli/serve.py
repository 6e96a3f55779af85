"""`reclaim serve`: the web service."""

from __future__ import annotations

from typing import Annotated

import typer

from reclaim.cli.common import open_database, out, settings_or_exit


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default RECLAIM_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default RECLAIM_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default RECLAIM_WORKERS).")
    ] = None,
) -> None:
    """Serve Reclaim over HTTP (put TLS in front of it in production)."""
    import uvicorn

    from reclaim.audit.recorder import head_problem
    from reclaim.storage.field_keys import undecryptable
    from reclaim.storage.migrations_runner import is_current

    settings = settings_or_exit()
    db = open_database(settings)
    try:
        if not is_current(db):
            out.print(
                "[yellow]The database schema is not current: run `reclaim db upgrade` first.[/]"
            )
            raise typer.Exit(2)
        with db.read_session() as session:
            problem = head_problem(session) or undecryptable(session)
        if problem:
            out.print(f"[yellow]Not serving: {problem}[/]", soft_wrap=True)
            raise typer.Exit(2)
    finally:
        db.dispose()
    bind_host, bind_port = host or settings.host, port or settings.port
    out.print(f"Reclaim is at http://{bind_host}:{bind_port}/  (staff: /staff/login)")
    uvicorn.run(
        "reclaim.web.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers or settings.workers,
        # h11 with a deadline for each request's headers and body (reclaim.web.protocol);
        # headers are at most 16 KiB; idle keep-alive connections close after 5 s.
        http="reclaim.web.protocol:ReadDeadlineProtocol",
        h11_max_incomplete_event_size=16 * 1024,
        timeout_keep_alive=5,
        # With workers > 1, uvicorn's manager pings each worker and kills one that does not
        # answer within this many seconds as hung. Its default (5 s) killed workers that were
        # only starting up slowly (two interpreters importing numba and loading the index on
        # a busy machine): a worker is now given a minute before it counts as hung.
        timeout_worker_healthcheck=60,
        proxy_headers=False,
        server_header=False,
        access_log=False,
    )
