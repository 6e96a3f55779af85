"""`reclaim notify`: send the news waiting for young people who left an email (for cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from reclaim.cli.common import database, fail, out, settings_or_exit

app = typer.Typer(help="Emails telling young people there is news.", no_args_is_help=True)


def _enabled() -> None:
    if not settings_or_exit().notifications_enabled:
        raise fail("RECLAIM_SMTP_URL is not set, so no email can be sent.", 2)


@app.command("send")
def send_command() -> None:
    """Send what is due now (failures wait and are tried again; the web app does this too)."""
    from reclaim.notify.sender import Notifier

    _enabled()
    with database() as db:
        result = Notifier(db, db.settings).deliver_all()
    out.print(
        f"sent {result.sent}, to try again {result.retrying}, given up {result.given_up}",
        highlight=False,
    )
    if result.errors:
        out.print(f"errors: {', '.join(sorted(set(result.errors)))}", highlight=False)


@app.command("test")
def test_command(
    address: Annotated[str, typer.Argument(help="Where to send a sample message.")],
) -> None:
    """Send the sample news email to ADDRESS, to check the SMTP settings."""
    from reclaim.notify.mail import MailError, SmtpServer, looks_like_email, news_message, send

    _enabled()
    if not looks_like_email(address):
        raise fail("That is not an email address.")
    settings = settings_or_exit()
    server = SmtpServer.from_url(settings.smtp_url.get_secret_value())
    try:
        send(server, news_message(settings.mail_sender, address, f"{settings.public_url}/status"))
    except MailError as exc:
        raise fail(f"The message was not sent ({exc.kind}).") from None
    out.print(f"sent to {address}", highlight=False)
