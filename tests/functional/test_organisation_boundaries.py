"""Each organisation sees and changes only its own (issue 9, items 4, 5 and 6).

4. A young person's report belongs to the intake organisation; staff elsewhere get 404, staff
   URLs carry an unguessable id, and roles apply as named.
5. Only a platform's own admins manage its API keys on the web; events are filed under the
   actor's organisation.
6. What a young person withdrew or erased stays withdrawn: staff can only switch it off further.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.apikeys import issue
from reclaim.accounts.models import ApiKey, Organisation
from reclaim.accounts.staff import create_organisation
from reclaim.audit.models import AuditEvent
from reclaim.bank.models import ContentItem, PlatformFeedback
from reclaim.reports.models import Report, ReportHash, ReportUrl
from reclaim.storage.database import Database
from reclaim.takedown.models import Place
from reclaim.web.app import create_app
from reclaim.web.services import services_of
from tests.conftest import BASE_URL, Staff, csrf, csrf_in, make_settings
from tests.functional.test_reports_api import image_hashes, make, pin_header

LINK = "https://pics.example.org/p/9"


def _report(client: TestClient, **fields: Any) -> dict[str, Any]:
    made = make(client, urls=[LINK], **fields)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def _row(db: Database, reference: str) -> tuple[int, str, int | None]:
    with db.read_session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        return report.id, report.public_id, report.organisation_id


def _url_status(db: Database) -> str:
    with db.read_session() as session:
        return session.scalars(select(Place.status)).one()


def _org(db: Database, name: str, kind: str = "school") -> int:
    with db.session() as session:
        return create_organisation(session, name, kind).id


# --- 4. reports belong to the intake organisation ------------------------------------------


def test_staff_of_another_organisation_cannot_open_or_change_a_report(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    intake = _org(app_db, "Intake Hotline", "hotline")
    made = _report(client)
    report_id, public_id, owner = _row(app_db, made["reference"])
    assert owner == intake
    staff.create("case@other.example", role="caseworker", org="Other School")
    staff.sign_in(client, "case@other.example")
    token = csrf(client, "/staff")
    with app_db.read_session() as session:
        url_id = session.scalars(select(ReportUrl.id)).one()

    for ident in (report_id, public_id):
        assert client.get(f"/staff/reports/{ident}").status_code == 404
        changed = client.post(
            f"/staff/reports/{ident}/urls/{url_id}",
            data={"status": "assessed", "reason": "in scope", "csrf_token": token},
            follow_redirects=False,
        )
        assert changed.status_code == 404
    assert _url_status(app_db) == "reported"
    assert made["reference"] not in client.get("/staff").text.replace("-", "")


def test_sequential_ids_open_nothing_and_the_dashboard_links_the_public_id(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create("case@hillside.example", role="caseworker")
    made = _report(client)
    report_id, public_id, _ = _row(app_db, made["reference"])
    assert len(public_id) >= 22 and not public_id.isdigit()
    staff.sign_in(client, "case@hillside.example")
    dashboard = client.get("/staff").text
    assert f'href="/staff/reports/{public_id}"' in dashboard
    assert f'href="/staff/reports/{report_id}"' not in dashboard
    assert client.get(f"/staff/reports/{report_id}").status_code == 404
    assert client.get(f"/staff/reports/{public_id}").status_code == 200


def test_a_report_belongs_to_the_configured_intake_organisation(
    tmp_path: Path, app_db: Database, staff: Staff
) -> None:
    settings = make_settings(
        tmp_path, login_rate_per_minute=1000, intake_organisation="Intake Hotline"
    )
    staff.create("dsl@hillside.example", role="dsl", org="Hillside Academy")  # oldest
    staff.create("dsl@intake.example", role="dsl", org="Intake Hotline")
    app = create_app(settings, app_db)
    with TestClient(app, base_url=BASE_URL) as client:
        services_of(app).matcher_loader.join(timeout=30)
        made = _report(client)
        _, public_id, owner = _row(app_db, made["reference"])
        with app_db.read_session() as session:
            intake = session.scalar(
                select(Organisation.id).where(Organisation.name == "Intake Hotline")
            )
        assert owner == intake
        staff.sign_in(client, "dsl@hillside.example")
        assert client.get(f"/staff/reports/{public_id}").status_code == 404
        assert f"/staff/reports/{public_id}" not in client.get("/staff").text
    with TestClient(app, base_url=BASE_URL) as client:
        staff.sign_in(client, "dsl@intake.example")
        assert client.get(f"/staff/reports/{public_id}").status_code == 200
        assert f"/staff/reports/{public_id}" in client.get("/staff").text


def test_reports_made_before_any_organisation_exists_go_to_it_once_it_does(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    made = _report(client)  # a fresh install: no organisation yet, the report is still taken
    _, public_id, owner = _row(app_db, made["reference"])
    assert owner is None
    _org(app_db, "PhotoShare", "platform")  # a platform never owns reports
    staff.create("dsl@hillside.example", role="dsl", org="Hillside Academy")
    staff.sign_in(client, "dsl@hillside.example")
    assert f"/staff/reports/{public_id}" in client.get("/staff").text
    assert client.get(f"/staff/reports/{public_id}").status_code == 200
    _, _, owner = _row(app_db, made["reference"])
    with app_db.read_session() as session:
        hillside = session.scalar(
            select(Organisation.id).where(Organisation.name == "Hillside Academy")
        )
        assigned = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "reports:report:assigned")
        )
    assert owner == hillside
    assert assigned is not None and assigned.organisation_id == hillside


def test_an_analyst_moves_links_along_and_a_viewer_only_reads(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create("viewer@hillside.example", role="viewer")
    staff.create("analyst@hillside.example", role="analyst")
    _report(client)
    with app_db.read_session() as session:
        public_id = session.scalars(select(Report.public_id)).one()
        url_id = session.scalars(select(ReportUrl.id)).one()
    staff.sign_in(client, "viewer@hillside.example")
    page = client.get(f"/staff/reports/{public_id}")
    assert page.status_code == 200 and 'data-testid="url-form"' not in page.text
    refused = client.post(
        f"/staff/reports/{public_id}/urls/{url_id}",
        data={"status": "assessed", "reason": "in scope", "csrf_token": csrf_in(page.text)},
        follow_redirects=False,
    )
    assert refused.status_code == 403 and _url_status(app_db) == "reported"
    client.cookies.clear()
    staff.sign_in(client, "analyst@hillside.example")
    page = client.get(f"/staff/reports/{public_id}")
    assert 'data-testid="url-form"' in page.text
    moved = client.post(
        f"/staff/reports/{public_id}/urls/{url_id}",
        data={"status": "assessed", "reason": "in scope", "csrf_token": csrf_in(page.text)},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and _url_status(app_db) == "assessed"


# --- 5. API keys stay with their platform ----------------------------------------------------


def _keys_world(app_db: Database) -> tuple[int, str, str]:
    """A victim platform with a key; returns (victim id, its key's prefix, its token)."""
    with app_db.session() as session:
        victim = create_organisation(session, "PhotoShare", "platform")
        issued = issue(session, victim, "upload scanner")
        return victim.id, issued.key.prefix, issued.token


def test_a_schools_admin_cannot_see_issue_or_revoke_a_platforms_keys(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    victim, prefix, _ = _keys_world(app_db)
    staff.create("admin@hillside.example", role="admin", org="Hillside Academy")
    staff.sign_in(client, "admin@hillside.example")
    page = client.get("/staff/api-keys")
    assert page.status_code == 403 and prefix not in page.text
    form = csrf(client, "/staff")
    issued = client.post(
        "/staff/api-keys",
        data={"organisation_id": victim, "name": "mine now", "csrf_token": form},
    )
    assert issued.status_code == 403 and "rk_" not in issued.text
    with app_db.read_session() as session:
        key_id = session.scalars(select(ApiKey.id)).one()
    revoked = client.post(f"/staff/api-keys/{key_id}/revoke", data={"csrf_token": form})
    assert revoked.status_code == 403
    with app_db.read_session() as session:
        keys = list(session.scalars(select(ApiKey)))
    assert len(keys) == 1 and keys[0].revoked_at is None


def test_another_platforms_admin_cannot_act_for_a_platform(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    victim, prefix, victim_token = _keys_world(app_db)
    staff.create("admin@rival.example", role="admin", org="Rival")
    with app_db.session() as session:
        rival = session.scalar(select(Organisation).where(Organisation.name == "Rival"))
        assert rival is not None
        rival.kind = "platform"
        rival_id = rival.id
    staff.sign_in(client, "admin@rival.example")
    page = client.get("/staff/api-keys")
    assert page.status_code == 200 and prefix not in page.text and "PhotoShare" not in page.text
    issued = client.post(
        "/staff/api-keys",
        data={
            "organisation_id": victim,
            "name": "as them",
            "scopes": ["feedback"],
            "csrf_token": csrf_in(page.text),
        },
    )
    assert issued.status_code == 200, issued.text
    token = issued.text.split('data-testid="new-api-key">')[1].split("<")[0]
    with app_db.read_session() as session:
        new_key = session.scalar(select(ApiKey).where(ApiKey.name == "as them"))
        assert new_key is not None and new_key.organisation_id == rival_id
        created = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "staff:api-key:created",
                AuditEvent.object_id == str(new_key.id),
            )
        )
        assert created is not None and created.organisation_id == rival_id
        victim_key = session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix))

    # Feedback with the rival's own key is the rival's, never the victim's.
    made = _report(client)
    with app_db.read_session() as session:
        item_id = session.scalars(select(ReportHash.item_id)).one()
    sent = client.post(
        "/api/v1/feedback",
        headers={"Authorization": f"Bearer {token}"},
        json={"feedback": [{"item_id": item_id, "status": "Blocked"}]},
    )
    assert sent.status_code == 200, sent.text
    with app_db.read_session() as session:
        assert session.scalars(select(PlatformFeedback.organisation_id)).all() == [rival_id]
    assert (
        "PhotoShare"
        not in client.get(
            f"/api/v1/reports/{made['reference']}", headers=pin_header(made["pin"])
        ).text
    )

    revoked = client.post(
        f"/staff/api-keys/{victim_key}/revoke", data={"csrf_token": csrf_in(page.text)}
    )
    assert revoked.status_code == 404
    live = client.get("/api/v1/hashes", headers={"Authorization": f"Bearer {victim_token}"})
    assert live.status_code == 200


def test_a_change_to_another_organisations_row_is_filed_under_the_actor(
    app_db: Database,
) -> None:
    from reclaim.audit.recorder import acting_as

    with app_db.session() as session:
        victim = create_organisation(session, "PhotoShare", "platform")
        actor = create_organisation(session, "Hillside", "school")
        actor_id, victim_id = actor.id, victim.id
        with acting_as(actor="user:99", organisation_id=actor_id):
            key_id = issue(session, victim, "k").key.id
    with app_db.read_session() as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "staff:api-key:created", AuditEvent.object_id == str(key_id)
            )
        )
        assert event is not None
        assert event.organisation_id == actor_id and event.detail == {"organisation": victim_id}


def test_the_operator_issues_keys_for_any_platform_but_only_platforms(
    cli: Any, tmp_path: Path
) -> None:
    assert cli("db", "upgrade").exit_code == 0
    assert cli("admin", "create-org", "--name", "PhotoShare", "--kind", "platform").exit_code == 0
    assert cli("admin", "create-org", "--name", "Hillside", "--kind", "school").exit_code == 0
    made = cli("apikey", "create", "--org", "PhotoShare", "--name", "scanner")
    assert made.exit_code == 0 and "rk_" in made.output
    refused = cli("apikey", "create", "--org", "Hillside", "--name", "scanner")
    assert refused.exit_code == 1 and "platform" in refused.output


# --- 6. a young person's choice stays made ---------------------------------------------------


def _item_of(db: Database) -> ContentItem:
    with db.read_session() as session:
        item = session.scalars(select(ContentItem)).one()
        session.expunge(item)
        return item


def _set_item(client: TestClient, item_id: int, status: str, reason: str) -> Any:
    return client.post(
        f"/staff/items/{item_id}/status",
        data={"status": status, "reason": reason, "csrf_token": csrf(client, "/staff")},
        follow_redirects=False,
    )


def _platform_token(app_db: Database) -> str:
    with app_db.session() as session:
        return issue(session, create_organisation(session, "PhotoShare", "platform"), "k").token


def _matches(client: TestClient, token: str, pdq: str) -> int:
    found = client.post(
        "/api/v1/match",
        headers={"Authorization": f"Bearer {token}"},
        json={"signals": [{"type": "pdq", "value": pdq, "quality": 90}]},
    )
    assert found.status_code == 200, found.text
    return len(found.json()["results"][0]["matches"])


def test_staff_cannot_make_an_erased_report_match_again(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    token = _platform_token(app_db)
    staff.create("analyst@hillside.example", role="analyst")
    file = image_hashes()
    made = _report(client, files=[file])
    erased = client.request(
        "DELETE", f"/api/v1/reports/{made['reference']}", headers=pin_header(made["pin"])
    )
    assert erased.status_code in (200, 204), erased.text
    item = _item_of(app_db)
    assert item.status == "withdrawn" and item.provenance_ref is None
    assert _matches(client, token, file["pdq"]) == 0

    staff.sign_in(client, "analyst@hillside.example")
    for reason in ("", "looked again, it is fine"):
        refused = _set_item(client, item.id, "active", reason)
        assert refused.status_code == 400, refused.text
    assert _item_of(app_db).status == "withdrawn"
    assert _matches(client, token, file["pdq"]) == 0
    status = client.get(f"/api/v1/reports/{made['reference']}", headers=pin_header(made["pin"]))
    assert status.json()["erased"] is True

    assert _set_item(client, item.id, "disabled", "").status_code == 400
    assert _set_item(client, item.id, "disabled", "a false positive").status_code == 303
    assert _set_item(client, item.id, "active", "undo").status_code == 400
    assert _item_of(app_db).status == "disabled"
    assert made["reference"] not in client.get(f"/staff/items/{item.id}").text


def test_staff_cannot_undo_a_withdrawal_but_reporting_again_can(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    token = _platform_token(app_db)
    staff.create("dsl@hillside.example", role="dsl")
    file = image_hashes()
    made = _report(client, files=[file])
    withdrawn = client.post(
        f"/api/v1/reports/{made['reference']}/withdraw",
        headers=pin_header(made["pin"]),
        json={"all": True},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    item = _item_of(app_db)
    assert item.status == "withdrawn"
    staff.sign_in(client, "dsl@hillside.example")
    assert _set_item(client, item.id, "active", "reinstated").status_code == 400
    assert _matches(client, token, file["pdq"]) == 0

    again = _report(client, files=[file])  # the young person's own new choice
    assert again["reference"] != made["reference"]
    assert _item_of(app_db).status == "active"
    assert _matches(client, token, file["pdq"]) == 1


def test_every_staff_status_change_needs_a_reason(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create("analyst@hillside.example", role="analyst")
    _report(client)
    item = _item_of(app_db)
    staff.sign_in(client, "analyst@hillside.example")
    assert _set_item(client, item.id, "disabled", "false positive").status_code == 303
    refused = _set_item(client, item.id, "active", "  ")
    assert refused.status_code == 400 and "Say why" in refused.text
    assert _set_item(client, item.id, "active", "checked again").status_code == 303
    assert _item_of(app_db).status == "active"


def test_an_item_page_shows_the_report_reference_only_to_its_own_organisation(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    _org(app_db, "Intake Hotline", "hotline")
    staff.create("analyst@intake.example", role="analyst", org="Intake Hotline")
    staff.create("analyst@other.example", role="analyst", org="Other School")
    made = _report(client)
    item = _item_of(app_db)
    staff.sign_in(client, "analyst@other.example")
    page = client.get(f"/staff/items/{item.id}")
    assert page.status_code == 200 and made["reference"] not in page.text.replace("-", "")
    assert "a young person's report" in page.text and "/staff/reports/" not in page.text
    client.cookies.clear()
    staff.sign_in(client, "analyst@intake.example")
    page = client.get(f"/staff/items/{item.id}")
    _, public_id, _ = _row(app_db, made["reference"])
    assert made["reference"] in page.text.replace("-", "")
    assert f"/staff/reports/{public_id}" in page.text
