"""The platform API as a scan sees it: the feed (to build a bank) and feedback (to report).

Plain HTTP with the standard library, an API key as ``Authorization: Bearer rk_...``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
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


def fetch_bank(api: str, key: str, *, page: int = 1000) -> tuple[BankContents, str]:
    """Replay the delta feed from the start into bank contents; returns them and the last
    checkpoint. Withdrawn items (tombstones) are dropped as the feed says."""
    base = api.rstrip("/")
    items: dict[int, dict[str, Any]] = {}
    checkpoint = ""
    while True:
        query = f"?limit={page}" + (f"&checkpoint={checkpoint}" if checkpoint else "")
        answer = _request("GET", f"{base}/api/v1/hashes{query}", key)
        for record in answer["records"]:
            if record["deleted"]:
                items.pop(int(record["item_id"]), None)
            else:
                items[int(record["item_id"])] = record
        checkpoint = answer["next_checkpoint"]
        if not answer["has_more"]:
            break
    contents = BankContents()
    next_signal = 0
    for item_id in sorted(items):
        record = items[item_id]
        next_signal = contents.add_item(
            item_id, record["list_name"], record["signals"], next_signal_id=next_signal
        )
    return contents, checkpoint


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
