"""A platform's webhook for withdrawals: an https URL and the secret that signs each message.

Optional, for platforms that cannot poll the feed; the feed stays the source of truth. Set on
/staff/api-keys by the platform's own admins, per API key with the ``feed`` scope. The secret
(Standard Webhooks, ``whsec_...``) is made here and shown once, like a key.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from reclaim.accounts.apikeys import ApiKeyError, Scope
from reclaim.accounts.models import ApiKey
from reclaim.audit.actions import StaffAction
from reclaim.audit.recorder import record
from reclaim.standard_webhooks import new_secret

MAX_URL = 2048


def check_webhook_url(url: str) -> str:
    """``url`` tidied, or :class:`ApiKeyError` saying what is wrong with it."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise ApiKeyError(f"A webhook URL is at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ApiKeyError("That is not a URL: use https://your-platform.example/reclaim.") from None
    if parts.scheme != "https":
        raise ApiKeyError("A webhook URL starts with https:// (messages are sent only over TLS).")
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        raise ApiKeyError(
            "A webhook URL names a host, with no user name, password or #fragment in it."
        )
    if port == 0 or any(c.isspace() for c in url):
        raise ApiKeyError("That is not a URL: use https://your-platform.example/reclaim.")
    return url


def set_webhook(session: Session, key: ApiKey, url: str) -> str | None:
    """Send this key's withdrawals to ``url``, with a new secret (returned, to show once);
    an empty ``url`` stops them (returns None). Pending messages go to the new URL, signed with
    the new secret; a stopped webhook's pending messages are not sent."""
    if key.revoked_at is not None:
        raise ApiKeyError("That key is revoked.")
    if not url.strip():
        if key.webhook_url is None:
            return None
        host = urlsplit(key.webhook_url).hostname
        key.webhook_url, key.webhook_secret = None, None
        session.flush()
        record(
            session,
            StaffAction.WEBHOOK_REMOVED,
            object_type="api_key",
            object_id=key.id,
            detail={"host": host},
        )
        return None
    if Scope.FEED.value not in key.scopes:
        raise ApiKeyError("Webhooks carry the feed's withdrawals: the key needs the feed scope.")
    key.webhook_url = check_webhook_url(url)
    secret = new_secret()
    key.webhook_secret = secret
    session.flush()
    record(
        session,
        StaffAction.WEBHOOK_SET,
        object_type="api_key",
        object_id=key.id,
        detail={"host": urlsplit(key.webhook_url).hostname},
    )
    return secret
