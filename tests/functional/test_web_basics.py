"""Headers, errors, health, metrics and logs: what every response promises."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reclaim.storage.database import Database
from reclaim.web.app import create_app
from tests.conftest import BASE_URL, PASSWORD, Staff, make_settings

PATHS = [
    "/",
    "/staff/login",
    "/healthz",
    "/readyz",
    "/api/v1/",
    "/api/v1/openapi.json",
    "/nowhere",
    "/api/v1/nowhere",
]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in response.headers  # plain HTTP here
    assert response.headers["x-request-id"]


def test_pages_have_no_inline_script(client: TestClient) -> None:
    for path in ("/", "/staff/login"):
        assert "<script>" not in client.get(path).text


def test_authenticated_pages_are_not_cached(client: TestClient, staff: Staff) -> None:
    staff.create()
    staff.sign_in(client)
    assert client.get("/staff").headers["cache-control"] == "no-store"


def test_https_turns_on_hsts_and_host_prefixed_secure_cookies(
    tmp_path: Path, app_db: Database
) -> None:
    settings = make_settings(tmp_path, public_url="https://reclaim.example.org")
    with TestClient(create_app(settings, app_db), base_url="https://reclaim.example.org") as client:
        response = client.get("/staff/login")
        assert response.headers["strict-transport-security"].startswith("max-age=")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-reclaim_csrf=")
        assert (
            "Secure" in cookie
            and "HttpOnly" in cookie
            and "SameSite=strict" in cookie
            and "Path=/" in cookie
        )
        assert "Domain" not in cookie


def test_cookies_are_httponly_and_samesite(client: TestClient, staff: Staff) -> None:
    staff.create()
    client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={
            "username": "dsl@school.example",
            "password": PASSWORD,
            "csrf_token": client.get("/staff/login")
            .text.split('name="csrf_token" value="')[1]
            .split('"')[0],
        },
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert (
        cookie.startswith("reclaim_session=")
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie
    )


def test_api_errors_are_problem_documents(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (
        body["status"] == 404
        and body["title"] == "Not Found"
        and body["type"].startswith("https://")
    )
    assert body["instance"] == "/api/v1/nowhere"
    assert client.post("/api/v1/").json()["status"] == 405


def test_html_errors_are_calm_pages(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404 and "We could not find that page." in response.text


def test_openapi_is_served_under_api_v1(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/" in spec["paths"]
    assert not any(path.startswith("/staff") for path in spec["paths"])
    assert client.get("/docs").status_code == 404  # no CDN-loaded docs UI


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"


def test_not_ready_until_migrated(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = Database(settings)
    with TestClient(create_app(settings, db), base_url=BASE_URL) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "reclaim db upgrade" in response.json()["checks"]["database"]
    db.dispose()


def test_metrics_are_not_public(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404  # the test client is not a loopback address


def test_metrics_with_a_token(tmp_path: Path, app_db: Database) -> None:
    settings = make_settings(tmp_path, metrics_token="a-long-random-metrics-token")
    with TestClient(create_app(settings, app_db), base_url=BASE_URL) as client:
        client.get("/healthz")
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        response = client.get(
            "/metrics", headers={"Authorization": "Bearer a-long-random-metrics-token"}
        )
        assert response.status_code == 200
        assert (
            'reclaim_http_requests_total{method="GET",route="/healthz",status="200"}'
            in response.text
        )


def test_logs_are_json_with_request_ids_and_nothing_personal(
    client: TestClient, staff: Staff, capfd: pytest.CaptureFixture[str]
) -> None:
    staff.create()
    logging.getLogger("reclaim").handlers[0].stream = __import__("sys").stderr  # type: ignore[attr-defined]
    capfd.readouterr()
    client.get("/staff/login", headers={"X-Request-ID": "test-request-0001"})
    client.post(
        "/staff/login?next=secret-query",
        data={
            "username": "dsl@school.example",
            "password": "a wrong password here",
            "csrf_token": "x",
        },
    )
    err = capfd.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(
        line.get("request_id") == "test-request-0001" and line["route"] == "/staff/login"
        for line in lines
    )
    for forbidden in ("dsl@school.example", "a wrong password here", "secret-query", "testclient"):
        assert forbidden not in err


@pytest.mark.parametrize(
    "path", ["/report", "/staff/login", "/api/v1/reports", "/api/v1/match", "/status"]
)
def test_file_uploads_are_refused_before_anything_reads_them(client: TestClient, path: str) -> None:
    """The promise, at the edge: a multipart body is refused from its headers alone."""
    picture = b"\xff\xd8\xff\xe0" + b"synthetic-bytes" * 100
    response = client.post(
        path, files={"photo": ("photo.jpg", picture, "image/jpeg")}, data={"x": "1"}
    )
    assert response.status_code == 415
    assert response.json()["detail"] == "Reclaim never accepts files: only hashes and text."


def test_oversized_bodies_are_refused(client: TestClient) -> None:
    response = client.post(
        "/staff/login",
        content=b"a=" + b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
