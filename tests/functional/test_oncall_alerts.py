"""Issue 12 item 6: alerts for the organisation's on-call staff (email and web push), that need
acknowledging and escalate down the on-call list; task reminders. Clocks are injected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from reclaim.accounts.models import StaffUser
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.notify.alerts import (
    AlertError,
    PushTarget,
    acknowledge,
    escalate_due,
    open_alerts,
    queue_task_reminders,
    raise_alert,
    remind,
    set_oncall,
    subscribe_push,
)
from reclaim.notify.models import Alert
from reclaim.notify.push import PushGone, new_vapid_keys
from reclaim.notify.sender import Notifier
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from reclaim.web.services import services_of
from tests.conftest import BASE_URL, PASSWORD, Staff, csrf_in, make_settings
from tests.functional.test_reports_api import make

HASHING = PasswordHashing(Argon2Parameters(1, 8192, 1))
T0 = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
AFTER = timedelta(minutes=10)


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    """A helpline with a DSL, a caseworker, a viewer; a school; a platform."""
    ids: dict[str, int] = {}
    with db.session() as session:
        helpline = create_organisation(session, "Helpline", "charity")
        school = create_organisation(session, "School", "school")
        platform = create_organisation(session, "PhotoShare", "platform")
        ids.update(helpline=helpline.id, school=school.id, platform=platform.id)
        for org, name, role in (
            (helpline, "first", "dsl"),
            (helpline, "second", "caseworker"),
            (helpline, "third", "viewer"),
            (school, "teacher", "dsl"),
        ):
            user = create_user(
                session,
                HASHING,
                organisation=org,
                username=name,
                password=PASSWORD,
                role=role,
                email=f"{name}@example.org",
            )
            ids[name] = user.id
    return ids


def _notifier(
    db: Database, push: list[tuple[PushTarget, bytes]] | None = None
) -> tuple[Notifier, list[EmailMessage]]:
    sent: list[EmailMessage] = []

    def pusher(target: PushTarget, payload: bytes) -> None:
        assert push is not None
        push.append((target, payload))

    return Notifier(db, db.settings, transport=sent.append, pusher=pusher), sent


def _to(messages: list[EmailMessage]) -> list[str]:
    return [str(m["To"]) for m in messages]


def test_an_alert_emails_the_first_on_call_contact_only(
    db: Database, world: dict[str, int]
) -> None:
    with db.session() as session:
        set_oncall(session, world["helpline"], [world["second"], world["first"]])
        raise_alert(session, world["helpline"], "urgent-case", "/staff/cases/abc", now=T0)
    notifier, sent = _notifier(db)
    assert notifier.deliver(now=T0).sent == 1
    assert _to(sent) == ["second@example.org"]
    body = sent[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert str(sent[0]["Subject"]) == "An urgent case is waiting"
    assert f"{BASE_URL}/staff/alerts" in body and "/staff/cases/abc" not in body


def test_nobody_acknowledges_so_it_moves_down_the_list_then_to_everyone(
    db: Database, world: dict[str, int]
) -> None:
    with db.session() as session:
        set_oncall(session, world["helpline"], [world["first"], world["second"]])
        alert_id = raise_alert(session, world["helpline"], "urgent-report", "/staff/x", now=T0)
    notifier, sent = _notifier(db)
    notifier.deliver(now=T0)
    with db.session() as session:  # not yet: 9 minutes
        assert escalate_due(session, T0 + timedelta(minutes=9), AFTER) == 0
    with db.session() as session:
        assert escalate_due(session, T0 + AFTER, AFTER) == 1
    notifier.deliver(now=T0 + AFTER)
    assert _to(sent) == ["first@example.org", "second@example.org"]
    with db.session() as session:  # past the list: everyone who can view cases, once
        assert escalate_due(session, T0 + 2 * AFTER, AFTER) == 1
        assert escalate_due(session, T0 + 5 * AFTER, AFTER) == 0
        alert = session.get(Alert, alert_id)
        assert alert is not None and alert.final and alert.level == 2
    notifier.deliver(now=T0 + 2 * AFTER)
    assert sorted(_to(sent)[2:]) == [
        "first@example.org",
        "second@example.org",
        "third@example.org",
    ]


def test_acknowledging_stops_the_escalation_and_unsent_messages(
    db: Database, world: dict[str, int]
) -> None:
    with db.session() as session:
        set_oncall(session, world["helpline"], [world["first"], world["second"]])
        alert_id = raise_alert(session, world["helpline"], "urgent-report", "/staff/x", now=T0)
    with db.session() as session:
        user = session.get(StaffUser, world["first"])
        assert user is not None
        assert acknowledge(session, alert_id, user, now=T0 + timedelta(minutes=1))
        assert not acknowledge(session, alert_id, user)
        assert open_alerts(session, world["helpline"]) == []
    notifier, sent = _notifier(db)
    assert notifier.deliver(now=T0 + timedelta(minutes=1)).sent == 0  # dropped, not sent
    with db.session() as session:
        assert escalate_due(session, T0 + 3 * AFTER, AFTER) == 0
    assert sent == []


def test_another_organisation_cannot_acknowledge(db: Database, world: dict[str, int]) -> None:
    with db.session() as session:
        alert_id = raise_alert(session, world["helpline"], "urgent-report", "/staff/x")
        teacher = session.get(StaffUser, world["teacher"])
        assert teacher is not None
        with pytest.raises(LookupError):
            acknowledge(session, alert_id, teacher)


def test_with_no_on_call_list_everyone_who_can_view_cases_is_told(
    db: Database, world: dict[str, int]
) -> None:
    with db.session() as session:
        raise_alert(session, world["helpline"], "urgent-report", "/staff/x", now=T0)
        assert escalate_due(session, T0 + 3 * AFTER, AFTER) == 0  # nothing further to do
    notifier, sent = _notifier(db)
    notifier.deliver(now=T0)
    assert sorted(_to(sent)) == ["first@example.org", "second@example.org", "third@example.org"]


def test_platforms_never_get_alerts_and_urls_are_staff_pages(
    db: Database, world: dict[str, int]
) -> None:
    with db.session() as session:
        with pytest.raises(AlertError):
            raise_alert(session, world["platform"], "urgent-report", "/staff/x")
        with pytest.raises(AlertError):
            raise_alert(session, world["helpline"], "urgent-report", "https://evil.example/")
        with pytest.raises(AlertError):  # only colleagues who can view cases, of this org
            set_oncall(session, world["helpline"], [world["teacher"]])


def test_web_push_carries_no_personal_data(db: Database, world: dict[str, int]) -> None:
    endpoint = "https://push.example.org/send/abc"
    with db.session() as session:
        subscribe_push(session, world["first"], endpoint, "BNcRdreALRFXTkOOUHK1EtK2w", "tBHItJI5s")
        set_oncall(session, world["helpline"], [world["first"]])
        raise_alert(session, world["helpline"], "urgent-report", "/staff/reports/secretid", now=T0)
    pushed: list[tuple[PushTarget, bytes]] = []
    notifier, sent = _notifier(db, pushed)
    result = notifier.deliver(now=T0)
    assert result.sent == 1 and result.pushed == 1
    target, payload = pushed[0]
    assert target.endpoint == endpoint
    assert b"secretid" not in payload and "secretid" not in sent[0].as_string()
    assert json.loads(payload) == {
        "title": "Reclaim",
        "body": "An urgent report is waiting",
        "url": "/staff/alerts",
    }


def test_a_push_subscription_that_is_gone_is_forgotten(db: Database, world: dict[str, int]) -> None:
    with db.session() as session:
        subscribe_push(session, world["third"], "https://push.example.org/x", "BNc", "tBH")
        raise_alert(session, world["helpline"], "urgent-report", "/staff/x", now=T0)

    def gone(target: PushTarget, payload: bytes) -> None:
        raise PushGone("410")

    Notifier(db, db.settings, transport=lambda m: None, pusher=gone).deliver(now=T0)
    with db.session() as session:
        from reclaim.notify.alerts import push_subscriptions_of

        assert push_subscriptions_of(session, world["third"]) == []


def test_push_only_servers_send_alerts_without_email(db: Database, world: dict[str, int]) -> None:
    public, private = new_vapid_keys()
    settings = db.settings.model_copy(
        update={"vapid_public_key": public, "vapid_private_key": SecretStr(private)}
    )
    assert settings.push_enabled and not settings.notifications_enabled
    pushed: list[tuple[PushTarget, bytes]] = []
    with db.session() as session:
        subscribe_push(session, world["second"], "https://push.example.org/y", "BNc", "tBH")
        raise_alert(session, world["helpline"], "urgent-report", "/staff/x", now=T0)
    notifier = Notifier(db, settings, pusher=lambda t, p: pushed.append((t, p)))
    result = notifier.deliver(now=T0)
    assert result.pushed == 1 and [t.endpoint for t, _ in pushed] == ["https://push.example.org/y"]


def test_a_task_owner_is_reminded_once_when_it_is_due(db: Database, world: dict[str, int]) -> None:
    with db.session() as session:
        remind(session, world["second"], "/staff/cases/c1/tasks/7", T0 + timedelta(hours=1))
        # The due date moved: still one reminder, at the new time.
        remind(session, world["second"], "/staff/cases/c1/tasks/7", T0 + timedelta(hours=2))
        assert queue_task_reminders(session, T0 + timedelta(hours=1)) == 0
        assert queue_task_reminders(session, T0 + timedelta(hours=2)) == 1
        assert queue_task_reminders(session, T0 + timedelta(hours=3)) == 0
    notifier, sent = _notifier(db)
    assert notifier.deliver(now=T0 + timedelta(hours=2)).sent == 1
    assert _to(sent) == ["second@example.org"] and str(sent[0]["Subject"]) == "A task is due"
    body = sent[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"{BASE_URL}/staff/cases/c1/tasks/7" in body


def test_the_sender_escalates_on_its_own_round(db: Database, world: dict[str, int]) -> None:
    with db.session() as session:
        set_oncall(session, world["helpline"], [world["first"], world["third"]])
        raise_alert(session, world["helpline"], "urgent-report", "/staff/x", now=T0)
        remind(session, world["first"], "/staff/cases/c/tasks/1", T0)
    notifier, sent = _notifier(db)
    notifier.tick(now=T0)
    assert sorted(_to(sent)) == ["first@example.org", "first@example.org"]  # alert + reminder
    notifier.tick(now=T0 + timedelta(minutes=db.settings.alert_escalate_minutes))
    assert _to(sent)[2:] == ["third@example.org"]


# The web side --------------------------------------------------------------------------------


@pytest.fixture
def pushing(tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    public, private = new_vapid_keys()
    settings = make_settings(
        tmp_path,
        intake_organisation="Helpline",
        vapid_public_key=public,
        vapid_private_key=private,
        login_rate_per_minute=1000,
    )
    db = Database(settings)
    upgrade(db)
    app = create_app(settings, db)
    pushed: list[tuple[PushTarget, bytes]] = []
    sender = services_of(app).notification_sender
    assert sender is not None
    sender.notifier._pusher = lambda t, p: pushed.append((t, p))
    app.state.pushed = pushed  # the test's own record of what was pushed
    with TestClient(app, base_url=BASE_URL) as client:
        yield client, db
    db.dispose()


def test_an_urgent_report_is_an_alert_staff_acknowledge_on_the_alerts_page(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create("dsl@helpline.example", role="dsl", org="Helpline")
    made = make(client, feels_safe="no", apps="Snapchat @someone_bad")
    assert made.status_code == 201
    staff.sign_in(client, "dsl@helpline.example")
    page = client.get("/staff/alerts")
    assert page.status_code == 200
    assert page.text.count('data-testid="alert-row"') == 1
    assert "An urgent report is waiting" in page.text and "someone_bad" not in page.text
    assert "1 alert not yet acknowledged" in client.get("/staff").text
    with app_db.read_session() as session:
        alert = session.scalars(select(Alert)).one()
    assert alert.subject_url.startswith("/staff/reports/")
    done = client.post(
        f"/staff/alerts/{alert.id}/acknowledge",
        data={"csrf_token": csrf_in(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get("/staff/alerts").text
    assert 'data-testid="no-alerts"' in after and "not yet acknowledged" not in after


def test_marking_an_urgent_report_seen_acknowledges_its_alert(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create("dsl@helpline.example", role="dsl", org="Helpline")
    make(client, threatened=True)
    staff.sign_in(client, "dsl@helpline.example")
    with app_db.read_session() as session:
        url = session.scalars(select(Alert.subject_url)).one()
    page = client.get(url)
    client.post(f"{url}/seen", data={"csrf_token": csrf_in(page.text)})
    assert 'data-testid="no-alerts"' in client.get("/staff/alerts").text


def test_admins_set_the_on_call_list_on_the_alerts_page(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create("dsl@helpline.example", role="dsl", org="Helpline")
    second = staff.create("cw@helpline.example", role="caseworker", org="Helpline")
    first = staff.create("viewer@helpline.example", role="viewer", org="Helpline")
    staff.sign_in(client, "dsl@helpline.example")
    page = client.get("/staff/alerts").text
    saved = client.post(
        "/staff/oncall",
        data={"csrf_token": csrf_in(page), f"place-{first}": "1", f"place-{second}": "2"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    rows = client.get("/staff/alerts").text
    assert rows.index("viewer@helpline.example") < rows.index("cw@helpline.example")
    with app_db.read_session() as session:
        from reclaim.notify.alerts import oncall_list

        on = [e.staff_user_id for e in oncall_list(session, 1) if e.position is not None]
    assert on == [first, second]


def test_a_browser_subscribes_to_web_push_and_gets_the_alert(
    pushing: tuple[TestClient, Database], tmp_path: Path
) -> None:
    client, db = pushing
    staff = Staff(db, HASHING)
    staff.create("dsl@helpline.example", role="dsl", org="Helpline")
    staff.sign_in(client, "dsl@helpline.example")
    page = client.get("/staff/alerts").text
    assert 'data-push-key="' in page and "/static/js/staff-push.js" in page
    done = client.post(
        "/staff/push/subscribe",
        data={
            "csrf_token": csrf_in(page),
            "endpoint": "https://push.example.org/abc",
            "p256dh": "BNcRdreALRFXTkOOUHK1EtK2w",
            "auth": "tBHItJI5s",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    bad = client.post(
        "/staff/push/subscribe",
        data={
            "csrf_token": csrf_in(page),
            "endpoint": "http://127.0.0.1/x",
            "p256dh": "a",
            "auth": "b",
        },
    )
    assert bad.status_code == 400
    made = make(client, feels_safe="not_sure", apps="Snapchat @someone_bad")
    assert made.json()["staff_alerted"] is True
    app = client.app
    sender = services_of(app).notification_sender  # type: ignore[arg-type]
    assert sender is not None
    sender.notifier.tick()
    pushed = app.state.pushed  # type: ignore[attr-defined]
    assert pushed and all(b"someone_bad" not in p for _, p in pushed)
    assert json.loads(pushed[0][1])["body"] == "An urgent report is waiting"
    assert client.get("/static/js/staff-push-sw.js").status_code == 200


def test_reclaim_notify_escalate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("db", "upgrade").exit_code == 0
    result = cli("notify", "escalate")
    assert result.exit_code == 0, result.output
    assert "escalated 0" in result.output
    keys = cli("notify", "vapid-keys")
    assert "RECLAIM_VAPID_PUBLIC_KEY=" in keys.output
