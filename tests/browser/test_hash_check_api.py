"""``POST /api/v1/hash-check`` accepts only the four hashes as small JSON: never a file."""

from __future__ import annotations

from fastapi.testclient import TestClient

from reclaim.web.routes.hashing_demo import MAX_BODY_BYTES

PAYLOAD = {"pdq": "a" * 64, "quality": 100, "sha256": "b" * 64, "md5": "c" * 32}


def test_echoes_the_hashes(client: TestClient) -> None:
    response = client.post("/api/v1/hash-check", json=PAYLOAD)
    assert response.status_code == 200
    assert response.json()["received"] == PAYLOAD
    assert response.headers["cache-control"] == "no-store"


def test_video_payload_has_no_pdq(client: TestClient) -> None:
    payload = {**PAYLOAD, "pdq": None, "quality": None}
    assert client.post("/api/v1/hash-check", json=payload).status_code == 200


def test_refuses_files_forms_and_extras(client: TestClient) -> None:
    files = {"file": ("a.jpg", b"\xff\xd8\xff" + bytes(100), "image/jpeg")}
    assert client.post("/api/v1/hash-check", files=files).status_code == 415
    assert client.post("/api/v1/hash-check", data={"pdq": "a" * 64}).status_code == 415
    extra = {**PAYLOAD, "image": "AAAA"}
    assert client.post("/api/v1/hash-check", json=extra).status_code == 422
    bad = {**PAYLOAD, "pdq": "A" * 64}
    assert client.post("/api/v1/hash-check", json=bad).status_code == 422
    assert client.post("/api/v1/hash-check", json=[1, 2]).status_code == 422


def test_refuses_large_bodies(client: TestClient) -> None:
    big = b'{"pdq": "' + b"a" * MAX_BODY_BYTES + b'"}'
    response = client.post(
        "/api/v1/hash-check", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_page_has_the_promise_and_no_inline_script(client: TestClient) -> None:
    page = client.get("/hash-check")
    assert page.status_code == 200
    assert "Your photo stays on your phone" in page.text
    assert '<script type="module" src="/static/js/hash-check.js"></script>' in page.text
    assert "<script>" not in page.text
    assert client.get("/static/js/reclaim-hash.js").status_code == 200
