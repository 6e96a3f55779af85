"""Withdrawals pushed to platforms' webhooks: queued with the tombstone, read for the log.

When an item leaves the active set (withdrawn, disabled, expired: a tombstone in the feed), one
message per live API key with a webhook and the ``feed`` scope is queued in the same
transaction, so a withdrawal that commits is always pushed and one rolled back never is. The
message is fixed when queued (Standard Webhooks: the same ``webhook-id`` and body on every
retry); :mod:`reclaim.bank.webhook_sender` sends it after commit. The feed stays the source of
truth: the message carries the tombstone's checkpoint, and a platform that misses messages
catches up from the feed.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.accounts.apikeys import Scope
from reclaim.accounts.models import ApiKey
from reclaim.bank.models import WebhookAttempt, WebhookDelivery
from reclaim.storage.base import utcnow
from reclaim.storage.wakeups import Wakeup

WITHDRAWN_EVENT = "item.withdrawn"
#: Wakes the webhook sender once a transaction that queued messages commits.
WAKEUP = Wakeup("webhooks")


def queue_withdrawal(session: Session, item_id: int, checkpoint: int, data: dict[str, Any]) -> int:
    """Queue the tombstone ``data`` (as the feed's record) for every key with a webhook;
    returns how many messages were queued."""
    keys = session.scalars(
        select(ApiKey).where(ApiKey.webhook_url.is_not(None), ApiKey.revoked_at.is_(None))
    )
    now = utcnow()
    queued = 0
    for key in keys:
        if Scope.FEED.value not in key.scopes:
            continue
        message_id = "msg_" + secrets.token_urlsafe(18)
        body = json.dumps(
            {"type": WITHDRAWN_EVENT, "timestamp": now.isoformat(), "data": data},
            separators=(",", ":"),
            sort_keys=True,
        )
        session.add(
            WebhookDelivery(
                api_key_id=key.id,
                message_id=message_id,
                event_type=WITHDRAWN_EVENT,
                item_id=item_id,
                checkpoint=checkpoint,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
        )
        queued += 1
    if queued:
        WAKEUP.after_commit(session)
        session.flush()
    return queued


# Waking the senders of this process once a transaction that queued messages commits --------


def add_waker(wake: threading.Event) -> None:
    """Set ``wake`` whenever a transaction that queued webhook messages commits."""
    WAKEUP.add(wake)


def remove_waker(wake: threading.Event) -> None:
    WAKEUP.remove(wake)


# The delivery log, for the platform's admins ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebhookAttemptRow:
    key_prefix: str
    message_id: str
    event_type: str
    item_id: int
    checkpoint: int
    attempted_at: datetime
    attempt: int
    status_code: int | None
    outcome: str  # delivered, retrying, given-up
    error: str | None


@dataclass(frozen=True, slots=True)
class WebhookQueue:
    waiting: int  # messages not yet delivered (retrying or not yet tried)
    given_up: int


def webhook_log(session: Session, organisation_id: int, limit: int = 25) -> list[WebhookAttemptRow]:
    """The organisation's newest delivery attempts, newest first."""
    rows = session.execute(
        select(WebhookAttempt, WebhookDelivery, ApiKey.prefix)
        .join(WebhookDelivery, WebhookAttempt.delivery_id == WebhookDelivery.id)
        .join(ApiKey, WebhookAttempt.api_key_id == ApiKey.id)
        .where(ApiKey.organisation_id == organisation_id)
        .order_by(WebhookAttempt.id.desc())
        .limit(limit)
    )
    return [
        WebhookAttemptRow(
            key_prefix=prefix,
            message_id=delivery.message_id,
            event_type=delivery.event_type,
            item_id=delivery.item_id,
            checkpoint=delivery.checkpoint,
            attempted_at=attempt.attempted_at,
            attempt=attempt.attempt,
            status_code=attempt.status_code,
            outcome=attempt.outcome,
            error=attempt.error,
        )
        for attempt, delivery, prefix in rows
    ]


def webhook_queues(session: Session, organisation_id: int) -> dict[int, WebhookQueue]:
    """Per API key of the organisation: messages waiting and given up."""
    rows = session.execute(
        select(
            WebhookDelivery.api_key_id,
            WebhookDelivery.failed_at.is_(None),
            func.count(),
        )
        .join(ApiKey, WebhookDelivery.api_key_id == ApiKey.id)
        .where(ApiKey.organisation_id == organisation_id, WebhookDelivery.sent_at.is_(None))
        .group_by(WebhookDelivery.api_key_id, WebhookDelivery.failed_at.is_(None))
    )
    waiting: dict[int, int] = {}
    given_up: dict[int, int] = {}
    for key_id, pending, count in rows:
        (waiting if pending else given_up)[key_id] = int(count)
    return {
        key_id: WebhookQueue(waiting.get(key_id, 0), given_up.get(key_id, 0))
        for key_id in set(waiting) | set(given_up)
    }
