"""Entry point of the `reclaim` command: each sub-command lives in a module of its own."""

from __future__ import annotations

import typer

from reclaim.cli import admin, apikey, audit, backup, bank, db, notify
from reclaim.cli.field_key import rotate_field_key
from reclaim.cli.hashing import hash_command
from reclaim.cli.serve import serve

app = typer.Typer(
    name="reclaim",
    help="Reclaim: hashes, hash lists, takedowns and safeguarding cases, without the image.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
admin.app.command("rotate-field-key")(rotate_field_key)
app.add_typer(admin.app, name="admin")
app.add_typer(audit.app, name="audit")
app.add_typer(bank.app, name="bank")
app.add_typer(apikey.app, name="apikey")
app.add_typer(notify.app, name="notify")
app.add_typer(backup.app, name="backup")
app.command("serve")(serve)
app.command("hash")(hash_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
