"""The privacy proof (issue 5, item 4): a page hashes synthetic images whose bytes contain
a random canary; every request the page makes is recorded, in the browser (Playwright's
request events for the page, its workers and any service worker; routing; WebSockets;
CDP's network log, which includes beacons and prefetches) and by the server itself.

Asserted: no URL or body contains the canary (raw, hex, base64 or URL-encoded) or any
1 KB slice of a file; the only bodies are the hash payloads, whose bytes are all that is
uploaded; the file input is cleared; nothing is stored in Cache Storage, IndexedDB,
localStorage or sessionStorage, and no service worker exists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from reclaim.hashing import hamming_distance, hash_image
from reclaim.web.routes.hashing_demo import MAX_BODY_BYTES
from tests.browser.live import RecordingApp
from tests.browser.synthetic import jpeg_with_comment, noise_image, png_with_text

pytestmark = pytest.mark.browser

SLICE = 1024


def _forms(canary: bytes) -> list[bytes]:
    """The canary as it could appear in a URL or a body."""
    forms = [canary, canary.hex().encode(), urllib.parse.quote(canary).encode()]
    for shift in range(3):  # base64 of the canary at each alignment, minus the edge chars
        encoded = base64.b64encode(b"\0" * shift + canary)[4:-4]
        forms += [encoded, encoded.replace(b"+", b"-").replace(b"/", b"_")]
    return forms


def _leaks(blob: bytes, canary: bytes, files: list[bytes]) -> list[str]:
    found = [f"canary form {form[:12]!r}" for form in _forms(canary) if form in blob]
    if len(blob) >= SLICE:
        for index, data in enumerate(files):
            for offset in range(0, len(data) - SLICE + 1, SLICE // 2):
                if data[offset : offset + SLICE] in blob:
                    found.append(f"a 1 KB slice of file {index} at {offset}")
                    break
    return found


def test_only_hashes_leave_the_page(
    browser: Any, live_server: tuple[str, RecordingApp], tmp_path: Path
) -> None:
    base_url, server = live_server
    canary = f"reclaim-canary-{secrets.token_hex(24)}".encode()
    image = noise_image(480, 360, seed=secrets.randbits(32))
    files = [
        png_with_text(image, canary.decode()),
        jpeg_with_comment(image, canary.decode()),
    ]
    assert all(canary in data for data in files)
    paths = []
    for name, data in zip(("canary.png", "canary.jpg"), files, strict=True):
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)

    context = browser.new_context(base_url=base_url, service_workers="allow")
    seen: list[dict[str, Any]] = []  # every request, from every source
    sockets: list[str] = []
    socket_frames: list[bytes] = []
    workers: list[str] = []

    def on_request(request: Any) -> None:
        seen.append(
            {
                "source": "playwright",
                "url": request.url,
                "method": request.method,
                "type": request.resource_type,
                "body": request.post_data_buffer or b"",
            }
        )

    def route(route: Any) -> None:
        request = route.request
        seen.append({"source": "route", "url": request.url, "method": request.method})
        if request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            route.abort()  # nothing may go anywhere else (CSP forbids it too)

    def on_socket(ws: Any) -> None:
        sockets.append(ws.url)
        ws.on("framesent", lambda payload: socket_frames.append(_as_bytes(payload)))

    context.on("request", on_request)
    context.route("**/*", route)
    server_before = len(server.requests)
    page = context.new_page()
    page.on("websocket", on_socket)
    page.on("worker", lambda worker: workers.append(worker.url))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable", {"maxPostDataSize": 1 << 24})
    cdp.on(
        "Network.requestWillBeSent",
        lambda event: seen.append(
            {
                "source": "cdp",
                "url": event["request"]["url"],
                "method": event["request"]["method"],
                "type": event.get("type"),
                "body": event["request"].get("postData", "").encode("utf-8", "surrogateescape"),
            }
        ),
    )
    cdp.on("Network.webSocketCreated", lambda event: sockets.append(event["url"]))

    page.goto("/hash-check")
    page.set_input_files("[data-testid=hash-input]", [str(p) for p in paths])
    page.wait_for_selector("body[data-hashing=done]", timeout=60_000)
    # Not wait_for_function: Playwright polls a predicate with eval(), which the page's CSP
    # (script-src 'self') refuses once the first check has come back false.
    echoes = page.locator("[data-testid=echo]")
    expect(echoes.filter(has_not_text="bytes:")).to_have_count(0, timeout=30_000)
    page.wait_for_load_state("networkidle")

    # The file input is cleared: no File remains reachable from the form.
    cleared = page.evaluate(
        "() => { const i = document.querySelector('[data-testid=hash-input]');"
        " return {value: i.value, files: i.files.length}; }"
    )
    assert cleared == {"value": "", "files": 0}

    # Nothing kept in the browser's storage.
    stored = page.evaluate(
        """async () => ({
          local: Object.keys(localStorage).length,
          session: Object.keys(sessionStorage).length,
          caches: (await caches.keys()).length,
          idb: (await indexedDB.databases()).length,
          serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
          cookies: document.cookie,
        })"""
    )
    assert stored["local"] == stored["session"] == stored["caches"] == 0, stored
    assert stored["idb"] == stored["serviceWorkers"] == 0, stored
    assert canary.decode() not in stored["cookies"]
    usage = cdp.send("Storage.getUsageAndQuota", {"origin": base_url})
    used = {item["storageType"]: item["usage"] for item in usage["usageBreakdown"]}
    assert all(value == 0 for value in used.values()), used
    assert context.service_workers == []
    assert workers and all(url == f"{base_url}/static/js/reclaim-hash-worker.js" for url in workers)
    context.close()

    # Every request seen by the browser and by the server.
    received = server.requests[server_before:]
    assert received, "the server saw no request"
    assert sockets == [] and socket_frames == []
    assert {entry["source"] for entry in seen} == {"playwright", "route", "cdp"}
    for entry in seen:
        url = entry["url"].encode()
        assert entry["url"].startswith(base_url + "/"), entry["url"]
        assert not _leaks(url, canary, files), entry["url"]
        assert not _leaks(entry.get("body", b""), canary, files), entry["url"]
    bodies = []
    for request in received:
        target = request.path.encode() + b"?" + request.query
        assert not _leaks(target, canary, files)
        assert not _leaks(request.body, canary, files), request.path
        for name, value in request.headers:
            assert not _leaks(value, canary, files), name
        if request.method == "GET":
            assert request.body == b""
            assert request.path == "/hash-check" or request.path.startswith("/static/"), (
                request.path
            )
        else:
            assert (request.method, request.path) == ("POST", "/api/v1/hash-check")
            bodies.append(request.body)

    # The only uploads are the hash payloads: one per file, each exactly the four hashes of
    # that file, and nothing more.
    expected = []
    for data in files:
        python = hash_image(data)
        expected.append(
            {"sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest()}
        )
        assert python.quality >= 80
    assert len(bodies) == len(files)
    payloads = [json.loads(body) for body in bodies]
    for payload in payloads:
        assert set(payload) == {"pdq", "quality", "sha256", "md5"}
    by_sha = {payload["sha256"]: payload for payload in payloads}
    for data, want in zip(files, expected, strict=True):
        payload = by_sha[want["sha256"]]
        assert payload["md5"] == want["md5"]
        assert hamming_distance(payload["pdq"], hash_image(data).pdq) <= 10
    compact = sum(len(json.dumps(p, separators=(",", ":")).encode()) for p in payloads)
    uploaded = sum(len(body) for body in bodies)
    assert uploaded <= compact <= len(files) * MAX_BODY_BYTES
    browser_uploaded = sum(len(e.get("body", b"")) for e in seen if e["source"] == "playwright")
    assert browser_uploaded == uploaded


def _as_bytes(payload: str | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode()
