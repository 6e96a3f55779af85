"""The HTTP edge in-process (issue 9, items 1, 3, 10 and 21): headers, bodies, ids, proxies."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from fastapi import params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.config import Settings
from reclaim.storage.database import Database
from reclaim.web.app import create_app
from reclaim.web.body import MAX_JSON_DEPTH
from reclaim.web.ids import MAX_DB_ID
from reclaim.web.middleware import client_address
from reclaim.web.routes import platform, reports_api
from tests.conftest import BASE_URL, Staff, csrf

TOO_BIG = str(2**63)


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every APIRoute of the app, inside included routers too."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI's wrapper of an included router
            yield from api_routes(route.original_router.routes)


@pytest.fixture
def api_key(app_db: Database) -> str:
    with app_db.session() as session:
        return issue(session, create_organisation(session, "PhotoShare", "platform"), "t").token


# Item 1: one Content-Type, an allow-list of media types --------------------------------


def test_two_content_types_are_refused(client: TestClient) -> None:
    response = client.post(
        "/report",
        content=b"age_group=under18",
        headers=[
            ("content-type", "multipart/form-data; boundary=x"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/ambiguous-headers")


@pytest.mark.parametrize("path", ["/report", "/staff/login", "/api/v1/reports"])
@pytest.mark.parametrize("media_type", ["text/plain", "application/octet-stream", "image/jpeg"])
def test_bodies_other_than_json_or_forms_are_refused(
    client: TestClient, path: str, media_type: str
) -> None:
    response = client.post(path, content=b"\xff\xd8\xff\xe0", headers={"content-type": media_type})
    assert response.status_code == 415
    assert response.json()["status"] == 415


def test_a_chunked_form_is_capped_while_it_streams(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b"csrf_token=x&urls="
        for _ in range(64):
            yield b"a" * 16384

    response = client.post(
        "/report",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "only hashes and text" in response.text


def test_a_chunked_json_body_is_capped_per_route(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"pdq": "'
        for _ in range(4):
            yield b"a" * 512

    response = client.post(
        "/api/v1/hash-check", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/content-too-large")


# Item 3 and issue 10: authenticate first, one JSON reader -------------------------------


def test_match_without_a_key_is_refused_before_the_body_is_read(client: TestClient) -> None:
    read = []

    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            read.append(1)
            yield b"x" * 65536

    response = client.post(
        "/api/v1/match", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 401
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("path", ["/api/v1/match", "/api/v1/feedback"])
def test_platform_bodies_are_read_after_the_key_and_invalid_json_is_400(
    client: TestClient, api_key: str, path: str
) -> None:
    headers = {"authorization": f"Bearer {api_key}", "content-type": "application/json"}
    assert client.post(path, content=b"{not json", headers=headers).status_code == 400
    wrong = client.post(path, content=b'{"nothing": 1}', headers=headers)
    assert wrong.status_code == 422 and wrong.json()["errors"]


@pytest.mark.parametrize(
    "path", ["/api/v1/reports", "/api/v1/match", "/api/v1/feedback", "/api/v1/hash-check"]
)
def test_deeply_nested_json_is_a_400_not_a_500(client: TestClient, api_key: str, path: str) -> None:
    for depth in (MAX_JSON_DEPTH + 1, 100_000 // 2):
        body = "[" * depth + "]" * depth
        response = client.post(
            path,
            content=body.encode()[:500] if path.endswith("hash-check") else body.encode(),
            headers={"authorization": f"Bearer {api_key}", "content-type": "application/json"},
        )
        assert response.status_code == 400, response.text
        assert response.json()["type"].endswith("/bad-json")


def test_no_route_lets_the_framework_parse_a_json_body(client: TestClient) -> None:
    """JSON bodies go through reclaim.web.body, after authentication; never a body param."""
    routes = list(api_routes(client.app.routes))  # type: ignore[attr-defined]
    assert len(routes) > 20
    for route in routes:
        for param in route.dependant.body_params:
            assert isinstance(param.field_info, params.Form), (
                f"{route.path} takes a JSON body the framework reads before authentication"
            )


# Item 21: ids at or above 2**63 --------------------------------------------------------


def test_every_integer_parameter_is_a_bounded_id(client: TestClient) -> None:
    """A new route taking an int id cannot forget the bound: 2**63 fails validation."""
    checked = 0
    for route in api_routes(client.app.routes):  # type: ignore[attr-defined]
        found = route.dependant.path_params + route.dependant.query_params
        found += route.dependant.body_params
        for param in found:
            if param.field_info.annotation not in (int, int | None) or not (
                param.name.endswith("_id") or param.name == "before"
            ):
                continue
            checked += 1
            _, errors = param.validate(2**63, {}, loc=("x",))
            assert errors, f"{route.path}: {param.name} accepts 2**63"
            _, errors = param.validate(MAX_DB_ID, {}, loc=("x",))
            assert not errors, f"{route.path}: {param.name} refuses the largest id"
    # staff items, report links, API keys, the audit's `before`, feedback's item_id at least
    assert checked >= 4


def test_ids_of_2_63_on_staff_pages_answer_4xx(client: TestClient, staff: Staff) -> None:
    staff.create()
    staff.sign_in(client)
    for path in (
        f"/staff/items/{TOO_BIG}",
        f"/staff/reports/{TOO_BIG}",
        f"/staff/audit?before={TOO_BIG}",
    ):
        response = client.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    token = csrf(client, "/staff/audit")
    response = client.post(f"/staff/api-keys/{TOO_BIG}/revoke", data={"csrf_token": token})
    assert 400 <= response.status_code < 500


def test_ids_of_2_63_in_json_bodies_answer_422(client: TestClient, api_key: str) -> None:
    response = client.post(
        "/api/v1/feedback",
        content=json.dumps({"feedback": [{"item_id": 2**63, "status": "blocked"}]}),
        headers={"authorization": f"Bearer {api_key}", "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "feedback.0.item_id"
    response = client.post(
        "/api/v1/reports/ABCD-EFGH-JKLM/withdraw",
        content=json.dumps({"hash_ids": [2**63]}),
        headers={"x-reclaim-pin": "123456", "content-type": "application/json"},
    )
    assert response.status_code == 422


def test_feedback_tags_are_bounded(client: TestClient, api_key: str) -> None:
    response = client.post(
        "/api/v1/feedback",
        content=json.dumps({"feedback": [{"item_id": 1, "status": "blocked", "tags": ["x" * 65]}]}),
        headers={"authorization": f"Bearer {api_key}", "content-type": "application/json"},
    )
    assert response.status_code == 422


# Item 10: X-Forwarded-For across all lines ---------------------------------------------


def _scope(peer: str, *lines: str) -> dict[str, object]:
    return {
        "client": (peer, 1234),
        "headers": [(b"x-forwarded-for", line.encode()) for line in lines],
    }


def test_the_right_most_untrusted_address_across_all_forwarded_lines(
    settings: Settings,
) -> None:
    trusting = settings.model_copy(update={"trusted_proxies": ["127.0.0.1", "10.0.0.2"]})
    # The client forged a line of its own; the proxy appended the real address on a new line.
    assert client_address(_scope("127.0.0.1", "127.0.0.1", "203.0.113.9"), trusting) == (
        "203.0.113.9"
    )
    assert client_address(_scope("127.0.0.1", "1.1.1.1, 203.0.113.9", "10.0.0.2"), trusting) == (
        "203.0.113.9"
    )
    # Not an address: never believed, never loopback, never stored as typed.
    assert client_address(_scope("127.0.0.1", "x" * 500), trusting) == "unknown"
    # From a peer that is not a trusted proxy, the header is ignored.
    assert client_address(_scope("198.51.100.7", "127.0.0.1"), trusting) == "198.51.100.7"
    # Only trusted hops: the left-most one is the client.
    assert client_address(_scope("127.0.0.1", "10.0.0.2"), trusting) == "10.0.0.2"


def test_a_forged_forwarded_line_does_not_open_metrics(
    app_settings: Settings, app_db: Database
) -> None:
    trusting = app_settings.model_copy(update={"trusted_proxies": ["127.0.0.1", "testclient"]})
    app = create_app(trusting, app_db)
    with TestClient(app, base_url=BASE_URL) as client:
        response = client.get(
            "/metrics",
            headers=[("x-forwarded-for", "127.0.0.5"), ("x-forwarded-for", "203.0.113.9")],
        )
        assert response.status_code in {401, 403, 404}


# Item 21: request ids and the OpenAPI document -----------------------------------------


@pytest.mark.parametrize("sent", ["a" * 65, "abc\u00e9defgh", "short", "abcdefgh<script>"])
def test_an_unchecked_request_id_is_replaced(client: TestClient, sent: str) -> None:
    response = client.get("/healthz", headers={"x-request-id": sent.encode("utf-8")})  # type: ignore[dict-item]
    assert response.headers["x-request-id"] != sent
    assert len(response.headers["x-request-id"]) <= 64


def test_openapi_declares_the_api_key_and_the_pin_header(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    bearer = [s for s in schemes.values() if s.get("scheme") == "bearer"]
    pin = [s for s in schemes.values() if s.get("in") == "header"]
    assert bearer and pin and pin[0]["name"] == "X-Reclaim-PIN"
    names = {name for name, s in schemes.items() if s in bearer}
    for path in ("/api/v1/match", "/api/v1/feedback"):
        assert {n for req in spec["paths"][path]["post"]["security"] for n in req} & names
    for method in ("get", "delete"):
        operation = spec["paths"]["/api/v1/reports/{reference}"][method]
        assert operation["security"]
    assert "requestBody" in spec["paths"]["/api/v1/match"]["post"]
    assert reports_api.MAX_BODY_BYTES and platform.MATCH_MAX_BYTES
