"""Takedown end to end, as people use it: young people report links; an analyst works the
queue to "removed"; the young person sees it; the figures show the time taken; a platform
follows the member URL list. Nothing is ever fetched."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.storage.database import Database
from reclaim.takedown.models import Place
from reclaim.web.services import services_of
from tests.conftest import Staff, csrf, csrf_in
from tests.functional.test_reports_api import make, pin_header

SHARED = "https://www.Facebook.com/photo.php?fbid=42&utm_source=share"
SHARED_AGAIN = "m.facebook.com/photo.php?fbid=42#comments"
OTHER = "https://pics.example.org/p/7"


def _post(client: TestClient, path: str, page: str, **data: str) -> str:
    response = client.post(path, data={**data, "csrf_token": csrf_in(page)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"]).text


def _status(client: TestClient, reference: str, pin: str) -> str:
    page = client.post(
        "/status",
        data={"reference": reference, "pin": pin, "csrf_token": csrf(client, "/status")},
    )
    assert page.status_code == 200, page.text
    return page.text


def test_an_analyst_works_links_from_several_reports_to_removed(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    with app_db.session() as session:
        create_organisation(session, "Intake Hotline", "hotline")
    first = make(client, urls=[SHARED, OTHER]).json()
    second = make(client, urls=[SHARED_AGAIN], feels_safe="not_sure").json()
    staff.create("analyst@hotline.example", role="analyst", org="Intake Hotline")
    staff.sign_in(client, "analyst@hotline.example")

    # The queue: two places, the one a child in danger named first, with both reports.
    page = client.get("/staff/takedown")
    assert page.status_code == 200, page.text
    rows = re.findall(r'data-testid="queue-row" data-place="(\d+)" data-status="(\w+)"', page.text)
    assert len(rows) == 2 and all(status == "reported" for _, status in rows)
    shared_id = int(rows[0][0])
    assert (
        "https://www.facebook.com/photo.php?fbid=42" in page.text and "immediate risk" in page.text
    )
    assert '<a href="https://www.facebook.com' not in page.text  # an address, never a link
    filtered = client.get("/staff/takedown?platform=Facebook").text
    assert filtered.count('data-testid="queue-row"') == 1

    # One place: assign, assess, notice through the host's form, removed.
    place = client.get(f"/staff/takedown/places/{shared_id}").text
    assert "2 reports" in place and 'data-testid="links-warning"' in place
    place = _post(client, f"/staff/takedown/places/{shared_id}/assign", place, to="me")
    assert "analyst@hotline.example" in place
    refused = _post(client, f"/staff/takedown/places/{shared_id}/notices", place, channel="form")
    assert "Assess the link as in scope" in refused
    place = _post(
        client,
        f"/staff/takedown/places/{shared_id}/move",
        place,
        status="assessed",
        reason="in scope: assessed under our procedure",
    )
    assert 'data-testid="notice-form"' in place and "Facebook" in place
    place = _post(
        client,
        f"/staff/takedown/places/{shared_id}/notices",
        place,
        channel="form",
        submitted_ref="FB-123",
    )
    assert "RCL-" in place and "FB-123" in place and "Notice sent" in place
    place = _post(
        client,
        f"/staff/takedown/places/{shared_id}/move",
        place,
        status="removed",
        reason="checked: the page is gone",
    )
    assert 'data-testid="place-status">Removed' in place
    assert place.count('data-testid="move-row"') == 3 and "checked: the page is gone" in place
    bad = _post(
        client, f"/staff/takedown/places/{shared_id}/move", place, status="reported", reason="x"
    )
    assert "cannot move to reported" in bad

    # Both young people see it in plain words, on the page and through the API.
    for made in (first, second):
        young = _status(client, made["reference"], made["pin"])
        assert "The website took it down." in young
    assert "We have it on our list." in _status(client, first["reference"], first["pin"])
    api = client.get(f"/api/v1/reports/{second['reference']}", headers=pin_header(second["pin"]))
    assert [u["status"] for u in api.json()["urls"]] == ["removed"]

    # The figures page shows the time taken (the clock moved back by 30 hours for the test).
    with app_db.session() as session:
        stored = session.get(Place, shared_id)
        assert stored is not None
        stored.reported_at -= timedelta(hours=30)
    figures = client.get("/staff/takedown/figures")
    assert figures.status_code == 200 and "<svg" in figures.text and "<script" not in figures.text
    table = figures.text.split('data-testid="figures-platform"')[1]
    assert re.search(r"Facebook</th><td>1</td><td>1</td><td>30\.\d</td><td>1</td><td>30\.\d", table)
    csv_text = client.get("/staff/takedown/figures.csv")
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert re.search(r"platform,Facebook,1,1,30\.\d+,1,30\.\d+", csv_text.text)


def test_an_import_keeps_every_good_line_and_names_each_bad_one(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    with app_db.session() as session:
        create_organisation(session, "Intake Hotline", "hotline")
    staff.create("analyst@hotline.example", role="analyst", org="Intake Hotline")
    staff.sign_in(client, "analyst@hotline.example")
    page = client.get("/staff/takedown").text
    text = "url\nhttps://a.example.com/1\nhttp://192.168.0.9/x\nftp://b.example.com/\nhttps://a.example.com/1?utm_source=z\n"
    done = client.post(
        "/staff/takedown/import", data={"csv_text": text, "csrf_token": csrf_in(page)}
    )
    assert done.status_code == 200, done.text
    assert "1 new place added; 1 already in the queue; 2 lines not added." in done.text
    errors = re.findall(r'data-testid="import-error"><td>(\d+)</td><td>([^<]+)<', done.text)
    assert [e[0] for e in errors] == ["3", "4"]
    assert "private network" in errors[0][1] and "http://" in errors[1][1]


def test_platforms_follow_the_member_url_list(client: TestClient, app_db: Database) -> None:
    with app_db.session() as session:
        intake = create_organisation(session, "Intake Hotline", "hotline")
        platform = create_organisation(session, "PhotoShare", "platform")
        member = issue(session, platform, "url list", scopes=["urls"]).token
        no_scope = issue(session, platform, "feed only", scopes=["feed"]).token
        from reclaim.notify import ReportOutbox
        from reclaim.takedown import PlaceStatus, move, record_place

        listed = record_place(session, intake.id, "https://l.example.com/1", kind="import")
        other = record_place(session, intake.id, "https://l.example.com/2", kind="import")
        record_place(session, intake.id, "https://l.example.com/3", kind="import")  # not assessed
        for place in (listed, other):
            move(session, place, PlaceStatus.ASSESSED, reason="in scope", news=ReportOutbox())
        move(session, other, PlaceStatus.REMOVED, reason="gone", news=ReportOutbox())
    auth = {"Authorization": f"Bearer {member}"}
    assert client.get("/api/v1/urls").status_code == 401
    assert (
        client.get("/api/v1/urls", headers={"Authorization": f"Bearer {no_scope}"}).status_code
        == 403
    )
    assert client.get("/api/v1/urls?checkpoint=x", headers=auth).status_code == 400
    body = client.get("/api/v1/urls?limit=1", headers=auth).json()
    assert body["has_more"] is True and len(body["records"]) == 1
    rest = client.get(f"/api/v1/urls?checkpoint={body['next_checkpoint']}", headers=auth).json()
    records = body["records"] + rest["records"]
    live = {r["id"]: r["url"] for r in records if not r["deleted"]}
    assert live == {listed.id: "https://l.example.com/1"}
    assert any(r["deleted"] and r["id"] == other.id for r in records)
    export = client.get("/api/v1/urls/export?format=jsonl", headers=auth)
    assert export.status_code == 200 and export.headers["x-reclaim-list-version"]
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert [line["url"] for line in lines] == ["https://l.example.com/1"]
    csv_export = client.get("/api/v1/urls/export?platform=Facebook", headers=auth)
    assert csv_export.text.strip() == "id,url,registered_domain,platform,status"


def test_reclaim_url_canonical_prints_json_or_the_reason(cli) -> None:  # type: ignore[no-untyped-def]
    ok = cli(
        "url",
        "canonical",
        "HTTPS://Sub.Example.co.uk:443/a/../b?utm_source=x",
        "youtu.be/dQw4w9WgXcQ",
    )
    assert ok.exit_code == 0, ok.output
    first, second = (json.loads(line) for line in ok.output.splitlines())
    assert first["canonical"] == "https://sub.example.co.uk/b"
    assert first["registered_domain"] == "example.co.uk"
    assert second["canonical"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    refused = cli("url", "canonical", "https://example.com/", "http://192.168.1.1/")
    assert refused.exit_code == 1
    lines = [json.loads(line) for line in refused.output.splitlines()]
    assert lines[0]["canonical"] == "https://example.com/" and "private" in lines[1]["refused"]


def test_places_are_never_fetched(client: TestClient, app_db: Database, staff: Staff) -> None:
    """The queue and place pages name addresses as text: no element that a browser would load
    or follow points at a reported address."""
    with app_db.session() as session:
        create_organisation(session, "Intake Hotline", "hotline")
    make(client, urls=[OTHER])
    staff.create("analyst@hotline.example", role="analyst", org="Intake Hotline")
    staff.sign_in(client, "analyst@hotline.example")
    with app_db.read_session() as session:
        place_id = session.scalars(select(Place.id)).one()
    for path in ("/staff/takedown", f"/staff/takedown/places/{place_id}"):
        html = client.get(path).text
        assert OTHER in html
        assert not re.search(r'(href|src|action)="https?://pics\.example\.org', html)


def test_the_liveness_check_is_off_by_default_and_head_only_when_on(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    from reclaim.takedown.liveness import LivenessCheck
    from tests.unit.takedown.test_liveness import OK, Listener

    with app_db.session() as session:
        create_organisation(session, "Intake Hotline", "hotline")
    make(client, urls=["https://live.example.com/p"])
    staff.create("analyst@hotline.example", role="analyst", org="Intake Hotline")
    staff.sign_in(client, "analyst@hotline.example")
    with app_db.read_session() as session:
        place_id = session.scalars(select(Place.id)).one()
    page = client.get(f"/staff/takedown/places/{place_id}").text
    assert 'data-testid="liveness"' not in page
    path = f"/staff/takedown/places/{place_id}/liveness"
    off = client.post(path, data={"csrf_token": csrf_in(page)}, follow_redirects=False)
    assert off.status_code == 404
    listener = Listener("127.0.0.1", OK)
    services = services_of(client.app)  # type: ignore[arg-type]
    try:
        # On, with a resolver that answers loopback and a rule that allows only it (tests
        # may use loopback only): the check sends one HEAD and keeps the answer.
        client.app.state.services = replace(  # type: ignore[attr-defined]
            services,
            liveness=LivenessCheck(
                timeout=2,
                resolver=lambda host, port: ["127.0.0.1"],
                allow=lambda address: address == "127.0.0.1",
            ),
        )
        with app_db.session() as session:
            place = session.get(Place, place_id)
            assert place is not None
            place.url = f"http://live.example.com:{listener.port}/p"
        done = _post(client, path, page)
        assert "available" in done and 'data-testid="place-liveness"' in done
        assert listener.connections == 1 and listener.requests[0].startswith(b"HEAD /p ")
    finally:
        client.app.state.services = services  # type: ignore[attr-defined]
        listener.close()
