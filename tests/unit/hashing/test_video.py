"""vPDQ on synthetic videos made in memory with PyAV."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import av
import numpy as np
import pytest

from reclaim.hashing import VideoHashes, hamming_distance, hash_file, hash_video, pdq_from_luma
from reclaim.hashing.video import _frame_luma, frame_step
from tests.unit.hashing.synthetic import make_video, video_frames

WIDTH, HEIGHT = 160, 120
FRAMES = video_frames(WIDTH, HEIGHT)


def rgb_hash(rgb: np.ndarray) -> str:
    luma = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    return pdq_from_luma(luma.astype(np.float32)).hash


MP4 = make_video()


def test_default_is_one_frame_per_second_like_vpdq() -> None:
    result = hash_video(MP4)
    assert isinstance(result, VideoHashes)
    assert result.frame_rate == 10
    assert [f.frame for f in result.frames] == [0, 10, 20]
    assert [f.t for f in result.frames] == [0.0, 1.0, 2.0]
    for frame in result.frames:
        assert re.fullmatch(r"[0-9a-f]{64}", frame.pdq)
        assert 0 <= frame.quality <= 100
        assert hamming_distance(frame.pdq, rgb_hash(FRAMES[frame.frame])) <= 12


@pytest.mark.parametrize(("fps", "numbers"), [(2.0, list(range(0, 30, 5))), (0.5, [0, 20])])
def test_sampling_rate(fps: float, numbers: list[int]) -> None:
    result = hash_video(MP4, fps=fps)
    assert [f.frame for f in result.frames] == numbers
    assert [f.t for f in result.frames] == [n / 10 for n in numbers]
    assert result.fps == fps


def test_every_frame() -> None:
    result = hash_video(MP4, fps=None)
    assert [f.frame for f in result.frames] == list(range(30))
    # Frames of one scene hash alike; different scenes do not.
    assert hamming_distance(result.frames[0].pdq, result.frames[4].pdq) <= 8
    assert hamming_distance(result.frames[0].pdq, result.frames[5].pdq) > 31


def test_frame_step_matches_vpdq() -> None:
    assert frame_step(29.97, 1.0) == 29
    assert frame_step(30.0, None) == 1
    assert frame_step(0.5, 1.0) == 1  # never zero
    assert frame_step(25.0, 0.2) == 125


@pytest.mark.parametrize(
    ("codec", "container"),
    [("mpeg4", "mp4"), ("libx264", "matroska"), ("libvpx-vp9", "webm"), ("mjpeg", "avi")],
)
def test_containers_and_codecs(codec: str, container: str) -> None:
    data = make_video(codec=codec, container=container)
    result = hash_file(data)
    assert isinstance(result, VideoHashes)
    assert len(result.frames) == 3
    for frame in result.frames:
        assert hamming_distance(frame.pdq, rgb_hash(FRAMES[frame.frame])) <= 16, codec


@pytest.mark.parametrize("rotation", [-90, 90, 180])
def test_display_rotation_is_applied(rotation: int) -> None:
    """Phones store portrait video as landscape plus a rotation: hash it upright."""
    upright = [np.ascontiguousarray(np.rot90(f, rotation // 90)) for f in FRAMES[:10]]
    stored = [np.ascontiguousarray(np.rot90(f, -rotation // 90)) for f in upright]
    result = hash_video(make_video(frames=stored, rotation=rotation), fps=None)
    assert (result.width, result.height) == (upright[0].shape[1], upright[0].shape[0])
    for frame in result.frames:
        assert hamming_distance(frame.pdq, rgb_hash(upright[frame.frame])) <= 12


def test_path_and_bytes_agree_and_digests_are_of_the_bytes(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "clip.mp4"
    path.write_bytes(MP4)
    from_path = hash_video(path)
    assert from_path == hash_video(MP4)
    assert from_path.sha256 == hashlib.sha256(MP4).hexdigest()
    assert from_path.md5 == hashlib.md5(MP4).hexdigest()


def test_json_and_threatexchange_formats() -> None:
    result = hash_video(MP4, fps=2.0)
    line = json.loads(result.to_json())
    assert line["kind"] == "video"
    assert line["pdq"] is None and line["quality"] is None
    assert line["frames"][1] == {
        "t": 0.5,
        "quality": result.frames[1].quality,
        "pdq": result.frames[1].pdq,
    }
    # python-threatexchange's VPDQ signal: JSON list of "pdq,quality,timestamp".
    signal = json.loads(result.to_vpdq_signal())
    assert signal[1] == f"{result.frames[1].pdq},{result.frames[1].quality},0.5"
    pdq, quality, timestamp = signal[1].split(",")
    assert len(pdq) == 64 and 0 <= int(quality) <= 100 and float(timestamp) == 0.5
    # The vpdq CLI's lines, as in vpdq/sample-hashes.
    assert result.to_vpdq_lines()[1] == f"5,{result.frames[1].quality},{result.frames[1].pdq},0.500"


def test_limited_range_luma_is_stretched_to_full_range() -> None:
    """Limited-range video (Y in 16..235) is mapped back to 0..255, so a low-contrast
    frame gets the quality its RGB pixels have (unstretched it would lose ~14%)."""
    faint = (FRAMES[0].astype(np.float32) * 0.4 + 80).astype(np.uint8)
    luma = faint[..., 0] * 0.299 + faint[..., 1] * 0.587 + faint[..., 2] * 0.114
    expected = pdq_from_luma(luma.astype(np.float32)).quality
    assert 30 <= expected <= 80  # not saturated at 100: the test can see the scale
    result = hash_video(make_video(frames=[faint] * 10), fps=None)
    assert all(abs(f.quality - expected) <= 3 for f in result.frames)


def test_audio_only_file_is_not_a_video() -> None:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as output:
        stream = output.add_stream("aac", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate = 8000
        for _ in range(4):
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
    from reclaim.hashing import UnknownFormatError

    with pytest.raises(UnknownFormatError, match="no video track"):
        hash_video(buffer.getvalue())


@pytest.mark.parametrize(
    "pixel_format",
    ["yuv420p", "yuvj420p", "yuv422p", "yuv444p", "nv12", "gray", "yuv420p10le", "gbrp"],
)
def test_frame_luma_of_every_pixel_format_is_the_rgb_luma(pixel_format: str) -> None:
    """The fast Y-plane path and the RGB fallback give BT.601 luma on 0..255."""
    rgb = FRAMES[0]
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format=pixel_format)
    decoded = frame.to_ndarray(format="rgb24").astype(np.float32)
    expected = decoded[..., 0] * 0.299 + decoded[..., 1] * 0.587 + decoded[..., 2] * 0.114
    if pixel_format == "gray":
        expected = np.asarray(frame.to_ndarray(), dtype=np.float32)
    luma = _frame_luma(frame)
    assert luma.shape == (HEIGHT, WIDTH)
    assert float(np.abs(luma - expected).mean()) < 1.5
