"""What every command shares: settings and database with clear errors, and the CLI's actor."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from reclaim.audit.recorder import AuditChainError, fresh_context, install_row_auditing
from reclaim.config import ConfigurationError, Settings, get_settings
from reclaim.storage.database import Database

err = Console(stderr=True)
out = Console()


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    return typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except ConfigurationError as exc:
        raise fail(str(exc), 2) from None


@contextmanager
def database() -> Iterator[Database]:
    settings = settings_or_exit()
    try:
        db = Database(settings)
    except Exception as exc:  # a bad URL or driver: say so plainly
        raise fail(f"Cannot open the database ({type(exc).__name__}: {exc}).", 2) from None
    install_row_auditing()
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    fresh_context(actor=f"cli:{user}")
    try:
        yield db
    except AuditChainError as exc:  # the trail refuses new events until an operator looks
        raise fail(str(exc), 1) from None
    finally:
        db.dispose()
