"""A canary scanner: proof that no image bytes reached a disk, a log or a database.

Images used in a journey carry a random canary (a PNG text chunk, a JPEG comment). After the
journey, :class:`CanaryScanner` reads every file under the places given (database files with
their ``-wal`` and ``-shm``, logs, temporary directories, the data directory, backups) and
reports any place holding the canary in any usual encoding, or any 1 KiB slice of an image.
"""

from __future__ import annotations

import base64
import secrets
import urllib.parse
from collections.abc import Iterable
from pathlib import Path


def new_canary() -> str:
    return f"reclaim-canary-{secrets.token_hex(16)}"


class CanaryScanner:
    def __init__(self, canary: str, images: Iterable[bytes] = (), slice_size: int = 1024) -> None:
        raw = canary.encode()
        self.forms = [raw, raw.hex().encode(), raw.hex().upper().encode()]
        self.forms.append(urllib.parse.quote(raw).encode())
        for shift in range(3):  # base64 at each alignment, minus the edge characters
            encoded = base64.b64encode(b"\0" * shift + raw)[4:-4]
            self.forms += [encoded, encoded.replace(b"+", b"-").replace(b"/", b"_")]
        self.slices = [
            data[i : i + slice_size]
            for data in images
            for i in range(0, max(1, len(data) - slice_size), slice_size // 2)
        ]

    def leaks(self, blob: bytes) -> list[str]:
        found = [f"canary ({form[:16]!r}...)" for form in self.forms if form in blob]
        if any(piece in blob for piece in self.slices):
            found.append("a slice of an image")
        return found

    def scan(self, *places: Path | tuple[str, bytes]) -> dict[str, list[str]]:
        """Every file under each path (recursively), and named blobs; {where: what leaked}.
        Also returns the number of files read under the key ``"(files read)"`` for sanity."""
        found: dict[str, list[str]] = {}
        read = 0
        for place in places:
            if isinstance(place, tuple):
                name, blob = place
                items: Iterable[tuple[str, bytes]] = [(name, blob)]
            else:
                paths = [place] if place.is_file() else sorted(place.rglob("*"))
                items = ((str(p), p.read_bytes()) for p in paths if p.is_file())
            for name, blob in items:
                read += 1
                leaked = self.leaks(blob)
                if leaked:
                    found[name] = leaked
        self.files_read = read
        return found
