"""hashFile's contract beyond the hashes: progress reports and the video duration cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import hash_in_page
from tests.conformance.reference import reference_dir

pytestmark = pytest.mark.browser

_PROGRESS = """async () => {
  const m = await import('/static/js/reclaim-hash.js');
  const file = document.getElementById('one').files[0];
  const seen = [];
  const result = await m.hashFile(file, {onProgress: (p) => seen.push([p.phase, p.fraction])});
  return {seen, kind: result.kind, keys: Object.keys(result).sort()};
}"""


def test_progress_is_reported(page: Any) -> None:
    video = reference_dir() / "tmk/sample-videos/doorknob-hd-no-bar.mp4"
    image = reference_dir() / "pdq/data/bridge-mods/aaa-orig.jpg"
    page.goto("/hash-check")
    page.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'file'; i.id = 'one';"
        " document.body.appendChild(i); }"
    )
    for path, phases in (
        (image, {"reading", "fingerprinting", "decoding", "hashing", "done"}),
        (video, {"decoding", "frames", "done"}),
    ):
        page.set_input_files("#one", str(path))
        got = page.evaluate(_PROGRESS)
        assert phases <= {phase for phase, _ in got["seen"]}, got
        assert got["seen"][-1] == ["done", 1]
        assert all(0 <= fraction <= 1 for _, fraction in got["seen"])
    assert got["keys"] == ["frames", "kind", "md5", "pdq", "quality", "sha256"]


def test_video_duration_cap(page: Any, tmp_path: Path) -> None:
    video = reference_dir() / "tmk/sample-videos/doorknob-hd-no-bar.mp4"
    page.goto("/hash-check")
    (capped,) = hash_in_page(page, [video], options={"maxVideoSeconds": 2})
    assert [frame["t"] for frame in capped["ok"]["frames"]] == [0, 1]
    assert capped["ok"]["capped"] is True
