"""What a report can carry (issue 9, item 2): hashes of real media, not arbitrary bytes.

A 1 KB JPEG cut into 32-byte values and sent as vPDQ frame hashes must not be stored nor reach
platforms through the feed; real videos (synthetic ones made here with PyAV and hashed by
Reclaim's own engine) still go through.
"""

from __future__ import annotations

import io
import secrets
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.hashing import hash_video
from reclaim.matching.plausible import MAX_REPORT_FRAMES, MAX_VIDEO_FRAMES
from reclaim.storage.database import Database
from tests.functional.test_reports_api import make, plausible_pdq
from tests.unit.hashing.synthetic import make_video, scene


@pytest.fixture
def platform_feed(app_db: Database) -> dict[str, str]:
    with app_db.session() as session:
        org = create_organisation(session, "FeedReader", "platform")
        return {"Authorization": f"Bearer {issue(session, org, 'sync', ['feed']).token}"}


def small_jpeg() -> bytes:
    rng = np.random.default_rng(1)
    picture = Image.fromarray(rng.integers(0, 255, (24, 24, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    data = buffer.getvalue()
    return data[:1024].ljust(1024, b"\0")


def video(frames: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": "video",
        "sha256": secrets.token_hex(32),
        "md5": secrets.token_hex(16),
        "frames": frames,
    }


def test_a_jpeg_smuggled_as_frame_hashes_is_refused(
    client: TestClient, platform_feed: dict[str, str]
) -> None:
    data = small_jpeg()
    frames = [
        {"t": float(i), "quality": 100, "pdq": data[i * 32 : (i + 1) * 32].hex()}
        for i in range(len(data) // 32)
    ]
    made = make(client, files=[video(frames)])
    assert made.status_code == 422, made.text
    problem = made.json()
    assert problem["type"].endswith("report-invalid")
    assert "try" in problem["detail"].lower()  # calm words, no blame
    feed = client.get("/api/v1/hashes", headers=platform_feed).json()
    carried = "".join(str(r["signals"]) for r in feed["records"])
    assert data[:32].hex() not in carried


def test_frames_must_follow_the_sampling_rate(client: TestClient) -> None:
    frames = [{"t": t, "quality": 90, "pdq": plausible_pdq()} for t in (0.0, 0.137, 5.71, 5.9)]
    assert make(client, files=[video(frames)]).status_code == 422


def test_a_video_and_a_report_carry_a_bounded_number_of_frames(client: TestClient) -> None:
    too_long = [{"t": float(i), "quality": 90, "pdq": plausible_pdq()} for i in range(301)]
    assert MAX_VIDEO_FRAMES == 300
    assert make(client, files=[video(too_long)]).status_code == 422
    per_video = MAX_REPORT_FRAMES // 2 + 1
    two = [
        video([{"t": float(i), "quality": 90, "pdq": plausible_pdq()} for i in range(per_video)])
        for _ in range(2)
    ]
    assert make(client, files=two).status_code == 422


def test_an_image_code_must_look_like_a_pdq(client: TestClient) -> None:
    image = {
        "kind": "image",
        "pdq": small_jpeg()[:32].hex(),
        "quality": 90,
        "sha256": secrets.token_hex(32),
        "md5": secrets.token_hex(16),
    }
    assert make(client, files=[image]).status_code == 422


@pytest.mark.parametrize("seconds", [3, 12])
def test_real_videos_hashed_by_reclaim_go_through(client: TestClient, seconds: int) -> None:
    rng = np.random.default_rng(seconds)
    frames = []
    for second in range(seconds):  # a new scene every 2 s, moving noise within a scene
        base = np.asarray(scene(160, 120, seed=second // 2), dtype=np.int16)
        for _ in range(5):
            jitter = rng.integers(-12, 12, base.shape, dtype=np.int16)
            frames.append((base + jitter).clip(0, 255).astype(np.uint8))
    hashes = hash_video(make_video(rate=5, frames=frames))
    sent = [{"t": f.t, "quality": f.quality, "pdq": f.pdq} for f in hashes.frames]
    made = make(client, files=[video(sent)])
    assert made.status_code == 201, made.text
    # frames that can never match (quality below 50) or repeat an earlier one are not stored
    assert made.json()["exact_only"] == []
