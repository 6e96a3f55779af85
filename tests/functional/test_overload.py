"""When the process is behind: platform traffic is refused at once (503, Retry-After, a
problem document) while health checks and young people's reports still go through; and a
platform key revoked a moment ago stops working on the very next request.

No timing here: "behind" is made by filling a class's places (the counters the middleware
keeps), or by requests held on an event."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reclaim.accounts.apikeys import issue, revoke
from reclaim.accounts.models import ApiKey
from reclaim.accounts.staff import create_organisation
from reclaim.storage.database import Database
from reclaim.web.admission import PLATFORM, PUBLIC, Admission, AdmissionMiddleware
from reclaim.web.services import services_of
from tests.functional.test_reports_api import image_hashes, proof

MATCH = {"signals": [{"type": "md5", "value": "b" * 32}]}


@pytest.fixture
def token(app_db: Database) -> str:
    with app_db.session() as session:
        return issue(session, create_organisation(session, "PhotoShare", "platform"), "k").token


def admission(client: TestClient) -> Admission:
    app: Any = client.app
    return services_of(app).admission


def report(client: TestClient) -> Any:
    body = {"age_group": "under18", "country": "GB", "files": [image_hashes()]}
    return client.post("/api/v1/reports", json={**body, "proof": proof(client)})


def test_platform_requests_are_shed_while_reports_and_health_go_through(
    client: TestClient, token: str
) -> None:
    places = admission(client)
    assert client.post("/api/v1/match", json=MATCH, headers={"Authorization": f"Bearer {token}"})
    places.in_flight[PLATFORM] = places.limits[PLATFORM]  # as if that many were being served

    refused = client.post("/api/v1/match", json=MATCH, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/overloaded") and refused.json()["status"] == 503
    assert refused.headers["x-content-type-options"] == "nosniff"  # still the strict headers
    assert (
        client.get("/api/v1/hashes", headers={"Authorization": f"Bearer {token}"}).status_code
        == 503
    )
    assert places.refused[PLATFORM] == 2

    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    made = report(client)  # a young person's report is not the one refused
    assert made.status_code == 201, made.text
    status = client.get(
        f"/api/v1/reports/{made.json()['reference']}",
        headers={"X-Reclaim-PIN": made.json()["pin"]},
    )
    assert status.status_code == 200

    places.in_flight[PLATFORM] = 0  # caught up: served again
    again = client.post("/api/v1/match", json=MATCH, headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200
    assert places.in_flight == {PLATFORM: 0, PUBLIC: 0}  # every request gave its place back


def test_a_full_public_class_does_not_starve_matches(client: TestClient, token: str) -> None:
    places = admission(client)
    places.in_flight[PUBLIC] = places.limits[PUBLIC]
    refused = client.post("/api/v1/reports", json={"age_group": "under18"})
    assert refused.status_code == 503 and refused.headers["retry-after"] == "2"
    assert refused.json()["type"].endswith("/overloaded")
    assert client.get("/healthz").status_code == 200
    ok = client.post("/api/v1/match", json=MATCH, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    places.in_flight[PUBLIC] = 0


def test_reports_in_flight_take_places_from_the_platforms() -> None:
    places = Admission(platform_limit=8, public_limit=64)
    assert places.bound(PLATFORM) == 8
    for _ in range(5):
        assert places.enter(PUBLIC)
    assert places.bound(PLATFORM) == 3
    for _ in range(10):
        places.enter(PUBLIC)
    assert places.bound(PLATFORM) == 1  # never none: platforms are slowed, not locked out
    assert places.enter(PLATFORM) and not places.enter(PLATFORM)
    assert places.bound(PUBLIC) == 64  # reports never yield to matches


def _run_on_own_loop(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``scenario`` with asyncio.run on a thread of its own: a test run that earlier drove
    a browser may leave an event loop running in this thread, where asyncio.run() refuses."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as exc:  # handed back to the test's thread
            failures.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the scenario did not finish"
    if failures:
        raise failures[0]


def test_places_are_held_while_requests_are_served_and_given_back_after() -> None:
    """The middleware on its own, with requests held on an event: the (limit+1)th request in
    flight is refused, and once one finishes the next is served."""
    release = asyncio.Event()
    served: list[str] = []

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        await release.wait()
        served.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    places = Admission(platform_limit=2, public_limit=5, platform_wait=0)
    app = AdmissionMiddleware(slow_app, places)

    async def call(path: str) -> int:
        statuses: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app({"type": "http", "path": path, "method": "POST"}, receive, send)
        return statuses[0]

    async def scenario() -> None:
        held = [asyncio.create_task(call("/api/v1/match")) for _ in range(2)]
        await asyncio.sleep(0)  # let both take their places
        assert places.in_flight[PLATFORM] == 2
        assert await call("/api/v1/match") == 503  # answered without waiting
        health = asyncio.create_task(call("/healthz"))  # never counted, never refused
        report = asyncio.create_task(call("/api/v1/reports"))
        await asyncio.sleep(0)
        assert places.in_flight[PUBLIC] == 1
        release.set()
        assert [await t for t in held] == [200, 200]
        assert await health == 200 and await report == 200
        assert places.in_flight == {PLATFORM: 0, PUBLIC: 0}
        assert await call("/api/v1/match") == 200

    _run_on_own_loop(scenario)


def test_a_brief_pause_queues_matches_for_a_moment_instead_of_refusing_them() -> None:
    """A platform request that finds its class full waits in a short first-come queue: served
    as soon as a place comes free, refused when ``platform_wait`` runs out, and at most four
    times the bound wait (the next is refused at once). Nobody jumps the queue, and a client
    that goes away while waiting takes nothing with it."""

    async def scenario() -> None:
        places = Admission(platform_limit=2, public_limit=5, platform_wait=30)
        assert places.enter(PLATFORM) and places.enter(PLATFORM)
        first = asyncio.create_task(places.admit(PLATFORM))
        second = asyncio.create_task(places.admit(PLATFORM))
        await asyncio.sleep(0)
        assert len(places.waiting) == 2 and not first.done()
        assert not places.enter(PLATFORM)  # no jumping the queue
        places.leave(PLATFORM)  # a place comes free: the oldest waiter gets it
        assert await first is True and not second.done()
        assert places.in_flight[PLATFORM] == 2
        gone = asyncio.create_task(places.admit(PLATFORM))
        await asyncio.sleep(0)
        gone.cancel()  # its client went away
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert len(places.waiting) == 1
        places.leave(PLATFORM)
        assert await second is True
        assert places.in_flight[PLATFORM] == 2 and not places.waiting
        # The queue holds four times the bound; past that, refused at once.
        queued = [asyncio.create_task(places.admit(PLATFORM)) for _ in range(8)]
        await asyncio.sleep(0)
        assert len(places.waiting) == 8
        assert await places.admit(PLATFORM) is False
        places.limits[PLATFORM] = 10  # caught up: every waiter is served, oldest first
        places.leave(PLATFORM)
        assert all(await asyncio.gather(*queued))
        assert places.in_flight[PLATFORM] == 1 + 8 and not places.waiting
        # A pause longer than the wait: refused when it runs out, and counted.
        short = Admission(platform_limit=1, public_limit=5, platform_wait=0.01)
        assert short.enter(PLATFORM)
        assert await short.admit(PLATFORM) is False
        assert short.refused[PLATFORM] == 1 and not short.waiting
        assert short.in_flight[PLATFORM] == 1
        # Reports never wait: a full public class refuses at once.
        full = Admission(platform_limit=1, public_limit=1, platform_wait=30)
        assert full.enter(PUBLIC) and await full.admit(PUBLIC) is False

    _run_on_own_loop(scenario)


def test_a_revoked_key_stops_working_on_the_next_request(
    client: TestClient, app_db: Database, token: str
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/match", json=MATCH, headers=headers).status_code == 200
    assert client.post("/api/v1/match", json=MATCH, headers=headers).status_code == 200
    with app_db.session() as session:  # as another process (the CLI, another worker) would
        key = session.query(ApiKey).one()
        revoke(session, key)
    gone = client.post("/api/v1/match", json=MATCH, headers=headers)
    assert gone.status_code == 401 and gone.json()["type"].endswith("/unauthenticated")
    assert client.get("/api/v1/hashes", headers=headers).status_code == 401
