"""The platform API as a scan sees it: the feed (to build a bank) and feedback (to report).

Plain HTTP with the standard library, an API key as ``Authorization: Bearer rk_...``.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reclaim.scale.bank import BankContents

USER_AGENT = "reclaim-scan/1"


class ApiError(RuntimeError):
    """The platform API refused or could not be reached; the message says why."""


def _request(method: str, url: str, key: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - http(s) only
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("User-Agent", USER_AGENT)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if not url.startswith(("http://", "https://")):
        raise ApiError(f"{url}: the API address must start with http:// or https://")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            detail = json.loads(exc.read()).get("detail", "")
        except ValueError:
            detail = ""
        raise ApiError(f"{method} {url}: HTTP {exc.code} {detail}".strip()) from None
    except (urllib.error.URLError, OSError) as exc:
        raise ApiError(f"{method} {url}: {getattr(exc, 'reason', exc)}") from None


#: What ``fetch_bank`` keeps between runs (in the scan bank's directory).
FEED_STATE_FORMAT = 1
FEED_STATE_FILE = "feed-state.json"


@dataclass(slots=True)
class FeedFetch:
    """The lists as the feed says now, where the feed was read up to, and what this run read."""

    contents: BankContents
    checkpoint: str
    records: int  # feed records read by this run
    since: str  # the checkpoint this run started from ("" = the start)
    items: dict[int, dict[str, Any]]  # item -> its feed record's list name and signals


def _key_id(api: str, key: str) -> str:
    """Which server and key a saved feed state belongs to (a digest: the key is not stored)."""
    return hashlib.sha256(f"{api}\n{key}".encode()).hexdigest()[:32]


def _load_state(path: Path | None, owner: str) -> tuple[dict[int, dict[str, Any]], str]:
    if path is None or not path.exists():
        return {}, ""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FEED_STATE_FORMAT or document.get("owner") != owner:
            return {}, ""
        items = {int(k): v for k, v in document["items"].items()}
        return items, str(document["checkpoint"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, ""  # unreadable: replay from the start


def save_feed_state(path: Path, api: str, key: str, fetched: FeedFetch) -> None:
    """Remember the items and the checkpoint (atomic replace), so the next run reads only what
    changed since. Call once the bank made from ``fetched`` is written."""
    document = {
        "format": FEED_STATE_FORMAT,
        "owner": _key_id(api.rstrip("/"), key),
        "checkpoint": fetched.checkpoint,
        "items": {str(k): v for k, v in fetched.items.items()},
    }
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)


def fetch_bank(api: str, key: str, *, page: int = 1000, state: Path | None = None) -> FeedFetch:
    """The active items from the delta feed, withdrawals (tombstones) applied.

    With ``state`` (a file :func:`save_feed_state` wrote for the same server and key) only the
    records after its checkpoint are read and applied to its items; otherwise, or if the
    server refuses that checkpoint, the feed is replayed from the start."""
    base = api.rstrip("/")
    items, since = _load_state(state, _key_id(base, key))
    try:
        checkpoint, records = _read_feed(base, key, page, items, since)
    except ApiError:
        if not since:
            raise
        items, since = {}, ""
        checkpoint, records = _read_feed(base, key, page, items, since)
    contents = BankContents()
    next_signal = 0
    for item_id in sorted(items):
        record = items[item_id]
        next_signal = contents.add_item(
            item_id, record["list_name"], record["signals"], next_signal_id=next_signal
        )
    return FeedFetch(contents, checkpoint, records, since, items)


def _read_feed(
    base: str, key: str, page: int, items: dict[int, dict[str, Any]], checkpoint: str
) -> tuple[str, int]:
    records = 0
    while True:
        query = f"?limit={page}" + (f"&checkpoint={checkpoint}" if checkpoint else "")
        answer = _request("GET", f"{base}/api/v1/hashes{query}", key)
        for record in answer["records"]:
            records += 1
            if record["deleted"]:
                items.pop(int(record["item_id"]), None)
            else:
                items[int(record["item_id"])] = {
                    "list_name": record["list_name"],
                    "signals": record["signals"],
                }
        checkpoint = answer["next_checkpoint"]
        if not answer["has_more"]:
            return checkpoint, records


def post_feedback(
    api: str,
    key: str,
    item_ids: Iterable[int],
    status: str = "PendingReview",
    tags: Iterable[str] = ("reclaim-scan",),
) -> int:
    """Say these items were matched (StopNCII's PendingReview by default); in batches of
    1,000. Returns how many were recorded."""
    ids = sorted(set(item_ids))
    recorded = 0
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        body = {"feedback": [{"item_id": i, "status": status, "tags": list(tags)} for i in batch]}
        answer = _request("POST", f"{api.rstrip('/')}/api/v1/feedback", key, body)
        recorded += int(answer["recorded"])
    return recorded
