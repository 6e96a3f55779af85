"""Clear failure (issue 5, item 2): a file the browser cannot decode gets a kind, plain
message naming the alternative, and nothing is uploaded instead."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import hash_in_page
from tests.browser.live import RecordingApp

pytestmark = pytest.mark.browser


def _heic_like() -> bytes:
    """An ISO-BMFF file with a HEIC brand (Chromium does not decode HEIC)."""
    ftyp = b"ftyp" + b"heic" + struct.pack(">I", 0) + b"mif1heic"
    body = struct.pack(">I", len(ftyp) + 4) + ftyp
    meta = b"meta" + bytes(64)
    return body + struct.pack(">I", len(meta) + 4) + meta + bytes(512)


def _write(tmp_path: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    return paths


def test_undecodable_files_fail_kindly(page: Any, tmp_path: Path) -> None:
    page.goto("/hash-check")
    paths = _write(
        tmp_path,
        {
            "IMG_0001.HEIC": _heic_like(),
            "broken.jpg": b"\xff\xd8\xff\xe0" + bytes(300),
            "empty.png": b"",
            "notes.txt": b"not a picture at all\n" * 10,
        },
    )
    heic, broken, empty, text = hash_in_page(page, paths)
    for outcome in (heic, broken, empty, text):
        error = outcome["error"]
        assert error["name"] == "HashingError"
        assert "`reclaim hash`" in error["message"]
        assert "Nothing has been sent anywhere" in error["message"]
    assert heic["error"]["code"] == "undecodable"
    assert "cannot open HEIC files" in heic["error"]["message"]
    assert "not your fault" in heic["error"]["message"]
    assert broken["error"]["code"] == "damaged"
    assert "could not open this JPEG file" in broken["error"]["message"]
    assert empty["error"]["code"] == "empty"
    assert text["error"]["code"] == "undecodable"


def test_failed_file_uploads_nothing(
    page: Any, live_server: tuple[str, RecordingApp], tmp_path: Path
) -> None:
    _, server = live_server
    page.goto("/hash-check")
    before = len(server.requests)
    (path,) = _write(tmp_path, {"IMG_0002.HEIC": _heic_like()})
    page.set_input_files("[data-testid=hash-input]", [str(path)])
    page.wait_for_selector("body[data-hashing=done]", timeout=30_000)
    message = page.text_content("[data-testid=hash-error]") or ""
    assert "HEIC" in message and "reclaim hash" in message
    assert page.eval_on_selector("[data-testid=hash-input]", "(i) => i.files.length") == 0
    page.wait_for_load_state("networkidle")
    assert [r for r in server.requests[before:] if r.method != "GET"] == []
