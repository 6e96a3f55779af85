"""`reclaim notify`: send the news waiting for young people who left an email and the staff
alerts (for cron), escalate alerts nobody acknowledged, make VAPID keys for web push."""

from __future__ import annotations

from typing import Annotated

import typer

from reclaim.cli.common import database, fail, out, settings_or_exit

app = typer.Typer(
    help="News for young people, alerts and reminders for staff.", no_args_is_help=True
)


def _enabled() -> None:
    if not settings_or_exit().notifications_enabled:
        raise fail("RECLAIM_SMTP_URL is not set, so no email can be sent.", 2)


def _sending() -> None:
    settings = settings_or_exit()
    if not (settings.notifications_enabled or settings.push_enabled):
        raise fail(
            "Neither RECLAIM_SMTP_URL nor the VAPID keys are set, so nothing can be sent.", 2
        )


@app.command("send")
def send_command() -> None:
    """Send what is due now (failures wait and are tried again; the web app does this too).
    Also escalates alerts nobody acknowledged and queues reminders that are due."""
    from reclaim.notify.sender import Notifier

    _sending()
    with database() as db:
        result = Notifier(db, db.settings).tick()
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


@app.command("escalate")
def escalate_command() -> None:
    """Move alerts nobody acknowledged in RECLAIM_ALERT_ESCALATE_MINUTES to the next on-call
    contact, queue reminders that are due, and send (the web app does this every 30 seconds)."""
    from datetime import timedelta

    from reclaim.notify.alerts import escalate_due, queue_task_reminders
    from reclaim.notify.sender import Notifier

    settings = settings_or_exit()
    after = timedelta(minutes=settings.alert_escalate_minutes)
    with database() as db:
        with db.session() as session:
            moved = escalate_due(session, after=after)
            reminders = queue_task_reminders(session)
        sent = "nothing sent (no email or web push configured)"
        if settings.notifications_enabled or settings.push_enabled:
            result = Notifier(db, db.settings).deliver_all()
            sent = f"sent {result.sent}, to try again {result.retrying}"
    out.print(f"escalated {moved}, reminders due {reminders}, {sent}", highlight=False)


@app.command("vapid-keys")
def vapid_keys_command() -> None:
    """Print a new VAPID key pair for web push (set both, keep the private key secret)."""
    from reclaim.notify.push import new_vapid_keys

    public, private = new_vapid_keys()
    out.print(f"RECLAIM_VAPID_PUBLIC_KEY={public}", highlight=False)
    out.print(f"RECLAIM_VAPID_PRIVATE_KEY={private}", highlight=False)
