"""Issue 9, items 11-13: what counts as urgent, what a young person is told, who on the staff
side is alerted, and limits that fall on an abuser rather than on a child."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user, disable_user
from reclaim.reports import AgeGroup, NewReport, create_report
from reclaim.reports.models import Report
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from reclaim.web.services import services_of
from tests.conftest import BASE_URL, PASSWORD, Staff, csrf_in, make_settings
from tests.functional.test_reports_api import make
from tests.smtp_sink import Sink, smtp_sink

CSS = Path(__file__).parents[2] / "src/reclaim/web/static/css/reclaim.css"


def report_by_form(client: TestClient, **fields: str) -> tuple[int, str]:
    page = client.get("/report?age=under18&country=GB")
    token = re.search(r'name="form_token" value="([^"]*)"', page.text)
    data = {"csrf_token": csrf_in(page.text), "age_group": "under18", **fields}
    if token:
        data["form_token"] = token.group(1)
    response = client.post("/report", data=data)
    return response.status_code, response.text


def urgent_panel(html: str) -> str:
    match = re.search(
        r"<div class=\"callout danger[^\"]*\" data-urgent-panel>(.*?)</div>", html, re.S
    )
    assert match, "no urgent panel shown"
    return re.sub(r"<(\w+)[^>]* hidden>.*?</\1>", "", match.group(1), flags=re.S)  # what shows


# Item 11 -------------------------------------------------------------------------------------


def test_not_sure_is_urgent(client: TestClient, app_db: Database) -> None:
    made = make(client, feels_safe="not_sure")
    assert made.status_code == 201 and made.json()["urgent"] is True
    code, page = report_by_form(client, urls="https://example.com/a", feels_safe="not_sure")
    assert code == 200
    panel = urgent_panel(page)
    assert 'href="tel:999"' in panel and "0800 1111" in panel
    assert "not sure" in panel and "do not feel safe" not in panel
    with app_db.session() as session:
        assert all(r.urgent for r in session.scalars(select(Report)))


def test_not_sure_shows_help_at_once_on_the_form() -> None:
    """The help under "Do you feel safe right now?" appears (CSS only) for No and Not sure."""
    css = CSS.read_text()
    rule = re.search(r"([^}]*)\{\s*display:\s*block;\s*\}", css[css.index(".not-safe-help") :])
    assert rule is not None
    assert 'input[value="no"]:checked' in rule.group(1)
    assert 'input[value="not_sure"]:checked' in rule.group(1)


def test_threatened_but_safe_is_told_what_they_said(client: TestClient) -> None:
    code, page = report_by_form(
        client, urls="https://example.com/b", feels_safe="yes", threatened="yes"
    )
    assert code == 200
    panel = urgent_panel(page)
    assert "someone is threatening you" in panel
    assert "do not feel safe" not in panel and "not sure" not in panel
    assert 'href="tel:999"' in panel


def test_not_safe_is_told_what_they_said(client: TestClient) -> None:
    code, page = report_by_form(client, urls="https://example.com/c", feels_safe="no")
    assert code == 200
    panel = urgent_panel(page)
    assert "You told us you do not feel safe" in panel
    assert "threatening" not in panel


# Item 13 and the no-JavaScript form's abuse control -----------------------------------------


@pytest.fixture
def busy(tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    """A school or family network: two reports an hour before the limit is reached."""
    settings = make_settings(
        tmp_path, report_rate_per_hour=2, bot_guard_pow_bits=2, login_rate_per_minute=1000
    )
    db = Database(settings)
    upgrade(db)
    with TestClient(create_app(settings, db), base_url=BASE_URL) as client:
        yield client, db
    db.dispose()


def test_danger_is_never_refused_by_the_address_limit(busy: tuple[TestClient, Database]) -> None:
    client, db = busy
    assert make(client).status_code == 201
    code, _ = report_by_form(client, urls="https://example.com/1")
    assert code == 200
    # The third report from this connection in the hour says "I do not feel safe".
    made = make(client, feels_safe="no")
    assert made.status_code == 201, made.text
    assert made.json()["urgent"] is True
    code, page = report_by_form(client, urls="https://example.com/2", feels_safe="not_sure")
    assert code == 200, page
    assert 'href="tel:999"' in urgent_panel(page)
    code, page = report_by_form(client, urls="https://example.com/3", threatened="yes")
    assert code == 200, page
    with db.session() as session:
        busy_flags = [
            r.busy_connection for r in session.scalars(select(Report).order_by(Report.id))
        ]
    assert busy_flags == [False, False, True, True, True]


def test_over_the_limit_the_work_grows_instead_of_a_refusal(
    busy: tuple[TestClient, Database],
) -> None:
    """The cost falls on whoever sends many reports, not on the child who sends one."""
    client, _ = busy
    assert make(client).status_code == 201
    assert make(client).status_code == 201
    bits = [client.get("/api/v1/reports/challenge").json()["bits"]]
    third = make(client)
    assert third.status_code == 201, third.text
    bits.append(client.get("/api/v1/reports/challenge").json()["bits"])
    assert bits[0] > 2 and bits[1] > bits[0]
    # An old, cheaper challenge is not enough any more.
    cheap = {"challenge": "x", "nonce": "0"}
    stale = make(client, proof=cheap)
    assert stale.status_code == 400


def test_a_refusal_shows_emergency_help(busy: tuple[TestClient, Database]) -> None:
    """Without JavaScript an ordinary report over the limit waits; the page shows 999 and
    Childline at once, and keeps what was typed."""
    client, _ = busy
    for n in range(2):
        assert report_by_form(client, urls=f"https://example.com/{n}")[0] == 200
    code, page = report_by_form(client, urls="https://example.com/kept")
    assert code == 429
    error = re.search(r'data-testid="report-error">(.*?)</div>', page, re.S)
    assert error is not None
    assert 'href="tel:999"' in error.group(1) and "0800 1111" in error.group(1)
    assert "https://example.com/kept" in page


def test_an_api_refusal_says_how_to_get_help(tmp_path: Path) -> None:
    """With the proof-of-work turned off, an ordinary report over the limit waits (429); the
    problem says how to get help now. A report that signals danger still goes in."""
    settings = make_settings(tmp_path, report_rate_per_hour=1, bot_guard_pow_bits=0)
    db = Database(settings)
    upgrade(db)
    with TestClient(create_app(settings, db), base_url=BASE_URL) as client:
        assert make(client).status_code == 201
        refused = make(client)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert "call 999 now" in refused.json()["detail"]
        assert "Childline on 0800 1111" in refused.json()["detail"]
        assert make(client, threatened=True).status_code == 201
    db.dispose()


def test_the_form_needs_a_fresh_single_use_token(client: TestClient) -> None:
    page = client.get("/report?age=under18&country=GB").text
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    base = {"csrf_token": csrf_in(page), "age_group": "under18", "urls": "https://example.com/t"}
    missing = client.post("/report", data=base)
    assert missing.status_code == 400 and "press Send" in missing.text
    assert "https://example.com/t" in missing.text  # nothing typed is lost
    first = client.post("/report", data={**base, "form_token": token.group(1)})
    assert first.status_code == 200
    # Used once: sent again, it makes no second report; it shows the one it made (a retry
    # after a lost answer, tests/functional/test_report_retries.py).
    again = client.post("/report", data={**base, "form_token": token.group(1)})
    made = re.compile(r'data-slot="reference">([A-Z0-9-]+)<')
    assert again.status_code == 200 and made.findall(again.text) == made.findall(first.text)


def test_the_form_token_must_be_a_few_seconds_old(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, bot_guard_form_seconds=3)
    db = Database(settings)
    upgrade(db)
    app = create_app(settings, db)
    with TestClient(app, base_url=BASE_URL) as client:
        page = client.get("/report").text
        token = re.search(r'name="form_token" value="([^"]+)"', page)
        assert token is not None
        data = {
            "csrf_token": csrf_in(page),
            "age_group": "under18",
            "urls": "https://example.com/fast",
            "form_token": token.group(1),
        }
        fast = client.post("/report", data=data)
        assert fast.status_code == 400 and "press Send" in fast.text
        later = time.time() + 4
        services_of(app).report_proof.clock = lambda: later
        page = client.get("/report").text  # a fresh token, now "4 seconds old" at once
        data["form_token"] = re.search(r'name="form_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        services_of(app).report_proof.clock = lambda: later + 4
        assert client.post("/report", data=data).status_code == 200
    db.dispose()


# Item 12: the staff side is told ------------------------------------------------------------

HASHING = PasswordHashing(Argon2Parameters(1, 8192, 1))


@pytest.fixture
def sink() -> Iterator[Sink]:
    with smtp_sink() as server:
        yield server


@pytest.fixture
def mailing(tmp_path: Path, sink: Sink) -> Iterator[tuple[TestClient, Database]]:
    settings = make_settings(
        tmp_path,
        smtp_url=sink.url,
        intake_organisation="Young People's Helpline",
        login_rate_per_minute=1000,
    )
    db = Database(settings)
    upgrade(db)
    with TestClient(create_app(settings, db), base_url=BASE_URL) as client:
        yield client, db
    db.dispose()


def _people(db: Database) -> None:
    """The intake organisation's staff, someone elsewhere, and a platform."""
    with db.session() as session:
        school = create_organisation(session, "Hillside Academy", "school")  # oldest, not intake
        intake = create_organisation(session, "Young People's Helpline", "charity")
        platform = create_organisation(session, "PhotoShare", "platform")
        for org, name, role, email in (
            (intake, "dsl", "dsl", "dsl@helpline.example"),
            (intake, "viewer", "viewer", "viewer@helpline.example"),
            (intake, "no-email", "caseworker", None),
            (intake, "gone", "dsl", "gone@helpline.example"),
            (school, "teacher", "dsl", "teacher@school.example"),
            (platform, "trust", "admin", "trust@photoshare.example"),
        ):
            user = create_user(
                session,
                HASHING,
                organisation=org,
                username=name,
                password=PASSWORD,
                role=role,
                email=email,
            )
            if name == "gone":
                disable_user(session, user)


def test_an_urgent_report_alerts_the_intake_staff_at_once(
    mailing: tuple[TestClient, Database], sink: Sink
) -> None:
    client, db = mailing
    _people(db)
    assert make(client, feels_safe="yes").status_code == 201  # not urgent: nobody is alerted
    made = make(client, feels_safe="not_sure", apps="Snapchat @someone_bad")
    assert made.status_code == 201, made.text
    received = sink.wait_for(2)
    assert sorted(r.recipients[0] for r in received) == [
        "dsl@helpline.example",
        "viewer@helpline.example",
    ]
    for mail in received:
        body = mail.body
        assert "urgent report is waiting" in body and f"{BASE_URL}/staff/login" in body
        for secret in (made.json()["reference"], made.json()["pin"], "someone_bad", "not sure"):
            assert secret not in body and secret not in str(mail.message["Subject"])
    assert made.json()["staff_alerted"] is True
    assert make(client, feels_safe="yes").json()["staff_alerted"] is False


def test_a_flood_of_urgent_reports_is_one_email_per_person(
    mailing: tuple[TestClient, Database], sink: Sink
) -> None:
    client, db = mailing
    _people(db)
    for _ in range(5):
        assert make(client, feels_safe="no").status_code == 201
    sink.wait_for(2)
    time.sleep(0.5)  # let the sender thread run again: it must not send more
    assert len(sink.received) == 2


def test_the_screen_promises_only_what_happens(
    mailing: tuple[TestClient, Database], client: TestClient
) -> None:
    """With email and someone to tell: "we are telling our team now". Without: only what is
    always true (urgent reports go to the top of the staff's list, counted on every page)."""
    told, db = mailing
    _people(db)
    code, page = report_by_form(told, urls="https://example.com/a", feels_safe="no")
    assert code == 200
    assert "We are telling our team now" in urgent_panel(page)
    assert "top of our team's list" in urgent_panel(page)
    code, page = report_by_form(client, urls="https://example.com/b", feels_safe="no")
    assert code == 200
    assert "telling our team" not in urgent_panel(page)
    assert "top of our team's list" in urgent_panel(page)
    form = client.get("/report").text
    help_box = re.search(r'data-testid="not-safe-help">(.*?)</div>', form, re.S)
    assert help_box is not None and "sees your report first" not in help_box.group(1)


def test_every_staff_page_shows_urgent_reports_waiting(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    staff.create()
    staff.sign_in(client)
    assert "urgent-waiting" not in client.get("/staff").text
    make(client, threatened=True)
    make(client, feels_safe="no")
    for path in ("/staff", "/staff/audit", "/staff/lists"):
        page = client.get(path).text
        banner = re.search(r'data-testid="urgent-waiting"[^>]*>(.*?)</a>', page, re.S)
        assert banner is not None, path
        assert "2 urgent reports" in banner.group(1)


def test_spam_cannot_push_a_real_urgent_report_out_of_sight(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    """60 spam "urgent" reports around a real one: the real one stays reachable on the
    dashboard (urgent reports have their own list and pages), and marking spam as seen
    brings it to the top."""
    staff.create()
    with app_db.session() as session:
        for n in range(30):
            create_report(session, HASHING, _spam(n))
    real = make(client, feels_safe="no", apps="real one").json()["reference_display"]
    with app_db.session() as session:
        for n in range(30, 60):
            create_report(session, HASHING, _spam(n))
        for _ in range(60):
            create_report(session, HASHING, _spam(0, urgent=False))
    staff.sign_in(client)
    pages = []
    url: str | None = "/staff"
    while url:
        page = client.get(url).text
        pages.append(page)
        found = re.search(r'<a href="([^"]+)"[^>]*data-testid="urgent-next"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
        assert len(pages) < 10
    assert "61 urgent reports" in pages[0]
    assert any(real in p for p in pages)
    # Staff mark the spam as seen, one by one (each opened and judged): the real one remains.
    with app_db.session() as session:
        spam_ids = list(
            session.scalars(
                select(Report.public_id).where(Report.source == "form", Report.urgent.is_(True))
            )
        )
    for report_id in spam_ids:
        page = client.get(f"/staff/reports/{report_id}").text
        seen = client.post(
            f"/staff/reports/{report_id}/seen",
            data={"csrf_token": csrf_in(page)},
            follow_redirects=False,
        )
        assert seen.status_code == 303
    dashboard = client.get("/staff").text
    urgent_list = dashboard[: dashboard.index('data-testid="all-reports"')]
    assert real in urgent_list and "1 urgent report " in dashboard


def _spam(n: int, urgent: bool = True) -> NewReport:
    return NewReport(
        age_group=AgeGroup.UNDER_18,
        country="GB",
        urls=[f"https://spam.example/{n}"],
        feels_safe="no" if urgent else "yes",
        source="form",
    )


def test_only_roles_that_act_on_cases_mark_urgent_reports_seen(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    make(client, feels_safe="no")
    with app_db.session() as session:
        report_id = session.scalars(select(Report.public_id)).one()
    staff.create("viewer@school.example", role="viewer")
    staff.sign_in(client, "viewer@school.example")
    page = client.get(f"/staff/reports/{report_id}").text
    assert "not yet seen" in page and 'data-testid="mark-seen"' not in page
    refused = client.post(f"/staff/reports/{report_id}/seen", data={"csrf_token": csrf_in(page)})
    assert refused.status_code == 403
    missing = client.post("/staff/reports/999999/seen", data={"csrf_token": csrf_in(page)})
    assert missing.status_code in (403, 404)
    assert "1 urgent report not yet seen" in client.get("/staff").text
