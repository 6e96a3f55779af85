"""Email with the standard library: the message (which says only that there is news) and SMTP.

``smtp://`` uses STARTTLS, and refuses to go on without it unless the server is on this machine
(a local relay); ``smtps://`` is TLS from the first byte. Certificates are checked.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from reclaim.emailaddress import looks_like_email as looks_like_email  # re-exported

SUBJECT = "News about your report"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class MailError(Exception):
    """The message could not be sent; ``permanent`` when trying again will not help."""

    def __init__(self, kind: str, permanent: bool = False) -> None:
        super().__init__(kind)
        self.kind, self.permanent = kind, permanent


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    username: str | None
    password: str | None
    timeout: float = 20.0

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("an SMTP URL looks like smtp://user:pass@host:587")
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 587),
            implicit_tls=implicit,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    @property
    def local(self) -> bool:
        return self.host in LOOPBACK


def news_message(sender: str, to: str, status_url: str) -> EmailMessage:
    """The only email Reclaim sends a young person: no reference, PIN, link or platform."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = SUBJECT
    message["Date"] = formatdate(usegmt=True)
    domain = sender.rpartition("@")[2].strip(">").strip() or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "Hello,\n\n"
        "There is news about your report. Check it with your reference and PIN at "
        f"{status_url}\n\n"
        "We never put your PIN or any details in an email. If you did not ask for this "
        "message, you can ignore it.\n"
    )
    return message


ALERT_SUBJECT = "An urgent report is waiting"


def _staff_message(sender: str, to: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    domain = sender.rpartition("@")[2].strip(">").strip() or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    return message


def staff_alert_message(
    sender: str,
    to: str,
    sign_in_url: str,
    alerts_url: str | None = None,
    words: str = ALERT_SUBJECT,
) -> EmailMessage:
    """The alert a staff member gets for urgent reports and cases: nothing about the child,
    the report or its reference; only that one is waiting, and where to sign in."""
    message = _staff_message(sender, to, words)
    acknowledge = (
        f"When you are dealing with it, acknowledge it at {alerts_url} so that nobody else "
        "is called.\n\n"
        if alerts_url
        else ""
    )
    message.set_content(
        "Hello,\n\n"
        f"{words} on Reclaim. Sign in to see it: {sign_in_url}\n\n"
        f"{acknowledge}"
        "This email holds no details on purpose. Urgent reports are listed first on the "
        "dashboard until someone marks them seen.\n"
    )
    return message


REMINDER_SUBJECT = "A task is due"


def reminder_message(sender: str, to: str, task_url: str) -> EmailMessage:
    """A task's owner is told it is due: where to look, nothing about the case."""
    message = _staff_message(sender, to, REMINDER_SUBJECT)
    message.set_content(
        "Hello,\n\n"
        f"A task you own is due on Reclaim. Sign in to see it: {task_url}\n\n"
        "This email holds no details on purpose.\n"
    )
    return message


def send(server: SmtpServer, message: EmailMessage) -> None:
    """Send one message, or raise :class:`MailError` (never with the server's own words)."""
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if server.implicit_tls:
            client = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        with client:
            client.ehlo()
            if not server.implicit_tls:
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif not server.local:
                    raise MailError("no-starttls", permanent=False)
            if server.username:
                client.login(server.username, server.password or "")
            client.send_message(message)
    except MailError:
        raise
    except smtplib.SMTPRecipientsRefused:
        raise MailError("recipient-refused", permanent=True) from None
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
        raise MailError(f"smtp-{exc.smtp_code}-{type(exc).__name__}") from None  # ours to fix
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"smtp-{exc.smtp_code}", permanent=exc.smtp_code >= 500) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(type(exc).__name__) from None
