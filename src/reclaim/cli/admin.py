"""`reclaim admin`: organisations, staff accounts and keys."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from reclaim.accounts.roles import OrganisationKind, Role
from reclaim.cli.common import database, fail, out
from reclaim.cli.field_key import rotate_field_key

app = typer.Typer(help="Organisations, staff accounts and keys.", no_args_is_help=True)


@app.command("create-org")
def create_org(
    name: Annotated[
        str, typer.Option(help="The organisation's name, e.g. 'Hillside Academy'.", prompt=True)
    ],
    kind: Annotated[
        OrganisationKind, typer.Option(help="What it is.", prompt=True, case_sensitive=False)
    ] = OrganisationKind.SCHOOL,
) -> None:
    """Create an organisation (a school, a hotline, a charity, a platform)."""
    from reclaim.accounts.staff import StaffError, create_organisation

    with database() as db, db.session() as session:
        try:
            organisation = create_organisation(session, name, kind.value)
        except StaffError as exc:
            raise fail(str(exc)) from None
        out.print(
            f"Created organisation {organisation.name!r} "
            f"(id {organisation.id}, {organisation.kind})."
        )


@app.command("create-user")
def create_user_command(
    org: Annotated[str, typer.Option(help="Organisation name or id.", prompt="Organisation")],
    username: Annotated[
        str, typer.Option(help="Sign-in name (an email address works).", prompt=True)
    ],
    role: Annotated[
        Role, typer.Option(help="The role.", prompt=True, case_sensitive=False)
    ] = Role.VIEWER,
    display_name: Annotated[str | None, typer.Option(help="Name shown to colleagues.")] = None,
    email: Annotated[
        str | None,
        typer.Option(
            help="Email (stored encrypted). Staff of the intake organisation with an email are "
            "alerted there to urgent reports (when RECLAIM_SMTP_URL is set)."
        ),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from standard input (automation)."
        ),
    ] = False,
) -> None:
    """Create a staff account. Asks for the password (no default passwords exist).

    The person sets up two-step sign-in the first time they sign in.
    """
    from reclaim.accounts.passwords import Argon2Parameters, PasswordHasher, PasswordRejected
    from reclaim.accounts.staff import StaffError, create_user, find_organisation
    from reclaim.notify.mail import looks_like_email

    if email is not None:
        email = email.strip() or None
        if email is not None and not looks_like_email(email):
            raise fail(f"{email!r} does not look like one email address; check it.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with database() as db, db.session() as session:
        settings = db.settings
        password_hasher = PasswordHasher(
            Argon2Parameters(
                settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
            )
        )
        try:
            organisation = find_organisation(session, org)
            user = create_user(
                session,
                password_hasher,
                organisation=organisation,
                username=username,
                password=password,
                role=role.value,
                display_name=display_name,
                email=email,
            )
        except (StaffError, PasswordRejected) as exc:
            raise fail(str(exc)) from None
        out.print(
            f"Created {user.role} {user.username!r} in {organisation.name!r}. "
            "They will set up two-step sign-in when they first sign in at /staff/login."
        )


@app.command("disable-user")
def disable_user_command(
    username: Annotated[str, typer.Argument(help="The sign-in name.")],
) -> None:
    """Disable an account and end all of its sessions at once."""
    from reclaim.accounts.lookup import find_user
    from reclaim.accounts.staff import disable_user

    with database() as db, db.session() as session:
        user = find_user(session, username)
        if user is None:
            raise fail(f"No staff account {username!r}.")
        disable_user(session, user)
    out.print(f"Disabled {username!r}; every session it had has ended.")


@app.command("generate-key")
def generate_key() -> None:
    """Print a new field-encryption key (for RECLAIM_FIELD_ENCRYPTION_KEY)."""
    from reclaim.config import new_field_key

    typer.echo(new_field_key())


app.command("rotate-field-key")(rotate_field_key)
