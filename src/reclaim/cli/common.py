"""What every command shares: settings and the database with clear errors, and the CLI's actor.

Only Typer and Rich load when `reclaim` starts, so that `--help` and `reclaim hash` stay quick:
settings (pydantic), the database (SQLAlchemy) and the audit recorder are imported by the
function that needs them. Commands get a ``Database`` (the engine wrapper, one per command) from
:func:`database` and a unit of work from ``db.session()`` or ``db.read_session()``, and hand it
to the services of a context; the CLI itself runs no query (import-linter checks it).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from reclaim.config import Settings
    from reclaim.storage.database import Database

err = Console(stderr=True)
out = Console()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``Error: message`` on stderr; ``raise`` the result to exit with ``code``."""
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    return typer.Exit(code)


def settings_or_exit() -> Settings:
    """The settings, or exit 2 with what is wrong in them."""
    from reclaim.config import ConfigurationError, get_settings

    try:
        return get_settings()
    except ConfigurationError as exc:
        raise fail(str(exc), 2) from None


def open_database(settings: Settings) -> Database:
    """The engine wrapper for ``settings``, or exit 2 saying why it cannot be opened."""
    from reclaim.storage.database import Database

    try:
        return Database(settings)
    except Exception as exc:  # a bad URL or driver: say so plainly
        raise fail(f"Cannot open the database ({type(exc).__name__}: {exc}).", 2) from None


@contextmanager
def database() -> Iterator[Database]:
    """The database for one command, with its changes audited as ``cli:<user>``."""
    from reclaim.audit.recorder import AuditChainError, fresh_context, install_row_auditing

    db = open_database(settings_or_exit())
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
