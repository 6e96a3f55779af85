"""Public API: results, JSON form, digests, and format sniffing."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reclaim.hashing as hashing
from reclaim.hashing import ImageHashes, hash_file, hash_image
from reclaim.hashing.digests import digest_bytes, digest_stream
from reclaim.hashing.formats import claimed_kind, sniff
from tests.unit.hashing.synthetic import encode, scene

PNG = encode(scene(200, 150, seed=7), "PNG")


def test_public_api_is_explicit() -> None:
    assert set(hashing.__all__) >= {"hash_file", "hash_image", "hash_video", "HashingLimits"}
    for name in hashing.__all__:
        assert hasattr(hashing, name), name


def test_image_result_and_json(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(PNG)
    result = hash_image(path)
    assert isinstance(result, ImageHashes)
    assert result == hash_image(PNG) == hash_file(path)
    assert re.fullmatch(r"[0-9a-f]{64}", result.pdq)
    assert result.sha256 == hashlib.sha256(PNG).hexdigest()
    assert result.md5 == hashlib.md5(PNG).hexdigest()
    line = json.loads(result.to_json())
    assert line == {
        "kind": "image",
        "pdq": result.pdq,
        "quality": result.quality,
        "sha256": result.sha256,
        "md5": result.md5,
    }
    assert "\n" not in result.to_json()


def test_dihedral_in_json() -> None:
    result = hash_image(PNG, dihedral=True)
    assert result.dihedral is not None
    assert len(result.dihedral) == 8
    assert result.dihedral[0] == result.pdq
    assert result.to_dict()["dihedral"] == list(result.dihedral)
    assert hash_image(PNG).dihedral is None


def test_bytes_like_sources() -> None:
    assert hash_image(bytearray(PNG)) == hash_image(memoryview(PNG)) == hash_image(PNG)


@given(st.binary(max_size=3_000_000 // 1000))
def test_digests(data: bytes) -> None:
    expected = (hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest())
    in_memory = digest_bytes(data)
    streamed = digest_stream(io.BytesIO(data))
    assert (in_memory.sha256, in_memory.md5) == expected
    assert (streamed.sha256, streamed.md5) == expected


def test_digest_stream_in_chunks() -> None:
    data = bytes(range(256)) * 20_000  # several 1 MiB chunks
    assert digest_stream(io.BytesIO(data)).sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("head", "kind", "name"),
    [
        (b"\xff\xd8\xff\xe0", "image", "JPEG"),
        (b"\x89PNG\r\n\x1a\n", "image", "PNG"),
        (b"GIF89a", "image", "GIF"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image", "WebP"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video", "AVI"),
        (b"II*\x00", "image", "TIFF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image", "HEIC/HEIF"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "image", "AVIF"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif", "image", "AVIF"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "video", "MP4/QuickTime"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video", "MP4/QuickTime"),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "video", "MP4/QuickTime"),
        (b"\x1a\x45\xdf\xa3\x9f", "video", "Matroska/WebM"),
        (b"BM" + bytes(40), "image", "BMP"),
    ],
)
def test_sniff(head: bytes, kind: str, name: str) -> None:
    found = sniff(head)
    assert found is not None
    assert (found.kind, found.name) == (kind, name)


@given(st.binary(max_size=600))
def test_sniff_never_raises(head: bytes) -> None:
    sniff(head)


def test_claimed_kind() -> None:
    assert claimed_kind("IMG_0001.HEIC") == ("heic", "image")
    assert claimed_kind("/a/b/clip.mov") == ("mov", "video")
    assert claimed_kind("notes.txt") is None
    assert claimed_kind("README") is None
