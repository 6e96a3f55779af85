"""Entry point of the `reclaim` command: each sub-command lives in a module of its own.

Sub-commands are registered by name in :data:`COMMANDS` and imported only when used, so that
`reclaim hash` does not load the modules of `reclaim bank` and the rest. `reclaim --help`
imports them all (they are light: each imports its heavy dependencies inside the command
functions), so its text comes from the commands themselves and stays complete.
"""

from __future__ import annotations

import importlib

import typer
from typer import _click  # Typer's own Click: the types TyperGroup's methods are declared with
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group
from typer.models import CommandInfo

COMMANDS: dict[str, str] = {
    "serve": "reclaim.cli.serve:serve",
    "hash": "reclaim.cli.hashing:hash_command",
    "scan": "reclaim.cli.scan:scan_command",
    "db": "reclaim.cli.db:app",
    "admin": "reclaim.cli.admin:app",
    "audit": "reclaim.cli.audit:app",
    "bank": "reclaim.cli.bank:app",
    "apikey": "reclaim.cli.apikey:app",
    "notify": "reclaim.cli.notify:app",
    "cases": "reclaim.cli.cases:app",
    "backup": "reclaim.cli.backup:app",
    "url": "reclaim.cli.url:app",
}
"""Name -> ``module:attribute``: a ``typer.Typer`` (a group of commands) or a command function.

In the order `reclaim --help` lists them."""


def _load(name: str, target: str) -> _click.Command:
    module, attribute = target.split(":")
    found = getattr(importlib.import_module(module), attribute)
    if isinstance(found, typer.Typer):
        group = get_group(found)  # as app.add_typer(found, name=name) would build it
        group.name = name
        return group
    return get_command_from_info(
        CommandInfo(name=name, callback=found),
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


class LazyCommands(TyperGroup):
    """A group that imports a sub-command's module the first time the sub-command is asked for."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        eager = [name for name in super().list_commands(ctx) if name not in COMMANDS]
        return [*COMMANDS, *eager]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.commands[cmd_name] = _load(cmd_name, COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS and args[0] not in self.commands:
            for name in self.list_commands(ctx):  # so "Did you mean ...?" knows every command
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="reclaim",
    help="Reclaim: hashes, hash lists, takedowns and safeguarding cases, without the image.",
    cls=LazyCommands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _reclaim() -> None:
    # With its commands registered lazily, `app` has none of its own: a callback is what makes
    # Typer build it as a group (the help text is the `help=` above).
    pass


def main() -> None:
    app()


if __name__ == "__main__":
    main()
