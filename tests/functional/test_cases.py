"""Safeguarding cases over real HTTP (issue 12): a disclosure becomes a case and is taken
through the guidance to a closed case with a PDF and CSV chronology; who sees what."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from reclaim.accounts.models import Organisation, StaffUser
from reclaim.audit.chain import load_checkpoint
from reclaim.audit.models import AuditEvent
from reclaim.audit.recorder import keys_of, verify_chain
from reclaim.cases import Case, CasePlace, ChronologyEntry, EntryChanged, purge_expired
from reclaim.notify.models import Alert, Notification, Reminder
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from tests.conftest import BASE_URL, Staff, csrf_in

SCHOOL = "Hillside Academy"


def _browser(client: TestClient, staff: Staff, username: str) -> tuple[TestClient, str]:
    browser = TestClient(client.app, base_url=BASE_URL)
    staff.sign_in(browser, username)
    return browser, csrf_in(browser.get("/staff").text)


def _post(browser: TestClient, token: str, path: str, **data: Any) -> Any:
    return browser.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _open(browser: TestClient, token: str, summary: str = "Child A says a photo was shared") -> str:
    response = _post(browser, token, "/staff/cases", source="disclosure", summary=summary)
    assert response.status_code == 303, response.text
    match = re.match(r"/staff/cases/([^?]+)\?saved=opened", response.headers["location"])
    assert match
    return match.group(1)


@pytest.fixture
def dsl(client: TestClient, staff: Staff, app_db: Database) -> tuple[TestClient, str]:
    staff.create("dsl@hillside.example", role="dsl", org=SCHOOL)
    with app_db.session() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "dsl@hillside.example"))
        assert user is not None
        user.email = "dsl@hillside.example"
    return _browser(client, staff, "dsl@hillside.example")


def test_a_disclosure_is_taken_through_the_guidance_to_a_closed_case(
    client: TestClient, dsl: tuple[TestClient, str], app_db: Database
) -> None:
    browser, token = dsl
    public_id = _open(browser, token)
    base = f"/staff/cases/{public_id}"
    page = browser.get(base)
    assert page.status_code == 200 and "Never view, copy, print, share, store or save" in page.text

    assert (
        _post(
            browser,
            token,
            f"{base}/children",
            role="pictured",
            name="Sam Example",
            date_of_birth="2011-05-04",
        ).status_code
        == 303
    )
    assert (
        _post(
            browser,
            token,
            f"{base}/children",
            role="received",
            name="Alex Example",
            year_group="Year 9",
        ).status_code
        == 303
    )

    # The review, in order; "yes" to blackmail makes the case urgent.
    assert _post(browser, token, f"{base}/review/supported", answer="done").status_code == 303
    refused = _post(browser, token, f"{base}/review/childline", answer="not_suggested")
    assert refused.status_code == 400 and "Write the reason" in refused.text
    urgent = _post(browser, token, f"{base}/review/coercion", answer="yes")
    assert urgent.headers["location"].endswith("saved=urgent#urgent")
    page = browser.get(base).text
    assert "Refer to the police and/or children&#39;s social care now" in page
    assert 'data-testid="call-999"' not in page  # only for immediate risk of harm
    with app_db.read_session() as session:
        case = session.scalar(select(Case).where(Case.public_id == public_id))
        assert case is not None and case.urgent
        # One on-call alert (no on-call list: everyone who can view cases), about the page.
        alerts = session.scalars(select(Alert)).all()
        assert [(a.kind, a.subject_url) for a in alerts] == [("urgent-case", base)]
        told = session.scalars(select(Notification).where(Notification.alert_id == alerts[0].id))
        assert [n.reason for n in told] == ["urgent"]
        tasks = sorted(case.tasks, key=lambda t: t.id)
        assert tasks[0].urgent and tasks[0].title.startswith("Refer to the police")
    # A second "yes" does not alert again.
    _post(browser, token, f"{base}/review/adult", answer="not_sure")
    with app_db.read_session() as session:
        assert len(session.scalars(select(Alert)).all()) == 1
        assert len(session.scalars(select(Notification)).all()) == 1
    # Acknowledged from the case page: it stops escalating.
    assert 'data-testid="acknowledge-form"' in browser.get(base).text
    assert _post(browser, token, f"{base}/acknowledge").status_code == 303
    assert 'data-testid="acknowledge-form"' not in browser.get(base).text
    with app_db.read_session() as session:
        assert all(a.acknowledged_at is not None for a in session.scalars(select(Alert)))

    # Immediate risk: 999 on the page, and who called it.
    _post(browser, token, f"{base}/review/immediate", answer="yes")
    assert 'data-testid="call-999"' in browser.get(base).text
    assert _post(browser, token, f"{base}/emergency-call", who="Ms Head").status_code == 303
    assert "999 called by Ms Head" in browser.get(base).text

    # Places: the same page twice is one record.
    for url in ("https://Pics.Example.org/p/1?utm_source=x#top", "pics.example.org/p/1"):
        _post(browser, token, f"{base}/places", kind="url", url=url, learned_from="Child A")
    _post(browser, token, f"{base}/places", kind="group", detail="Year 9 group chat")
    _post(browser, token, f"{base}/places", kind="device", detail="Child B's phone")
    with app_db.read_session() as session:
        places = session.scalars(select(CasePlace).order_by(CasePlace.id)).all()
        assert [p.kind for p in places] == ["url", "group", "device"]
        assert places[0].url == "https://pics.example.org/p/1"
        place_id = places[0].id
    _post(
        browser,
        token,
        f"{base}/places/{place_id}",
        status="asked",
        iwf_reported="yes",
        iwf_reference="IWF-555",
    )
    assert "IWF reference IWF-555" in browser.get(base).text

    # A CEOP referral with its reference and a follow-up that becomes a task.
    follow = (utcnow() + timedelta(days=3)).date().isoformat()
    _post(
        browser,
        token,
        f"{base}/referrals",
        agency="ceop",
        reference="CEOP-2026-0042",
        follow_up_on=follow,
    )
    page = browser.get(base).text
    assert "CEOP-2026-0042" in page and "Follow up the referral to CEOP" in page

    # Parents not told, with the reason; a decision with its rationale.
    no_reason = _post(browser, token, f"{base}/review/parents", answer="not_told")
    assert no_reason.status_code == 400
    _post(
        browser,
        token,
        f"{base}/review/parents",
        answer="not_told",
        note="Telling them would put Child A at risk; social care advised",
    )
    _post(
        browser,
        token,
        f"{base}/review/decision",
        answer="refer",
        note="Blackmail: police and social care involved",
    )

    # A note about an earlier time, then a correction of it.
    _post(
        browser,
        token,
        f"{base}/notes",
        text="Spoke to Child B's form tutor",
        occurred_at="2026-01-05T08:40",
    )
    with app_db.read_session() as session:
        count = len(session.scalars(select(ChronologyEntry)).all())
    _post(
        browser,
        token,
        f"{base}/notes",
        text="It was the head of year, not the form tutor",
        corrects=str(count),
    )
    page = browser.get(base).text
    assert f"Corrected by entry {count + 1}" in page and "happened 2026-01-05 08:40" in page

    # Exports: the PDF's text, the CSV's rows, and the audit digest in both.
    pdf = browser.get(f"{base}/chronology.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = re.sub(r"\s+", " ", text)
    for words in (
        "CEOP-2026-0042",
        "Telling them would put Child A at risk",
        "Chain head",
        "case:case:opened",
        "Child A: Pictured",
        "corrects entry",
    ):
        assert words in text, words
    assert "Sam Example" not in text  # exports use labels
    rows = list(
        csv.reader(io.StringIO(browser.get(f"{base}/chronology.csv").content.decode("utf-8-sig")))
    )
    assert rows[0][0] == "record" and {r[0] for r in rows} >= {
        "entry",
        "audit_event",
        "chain_head",
        "checkpoint",
    }
    with app_db.read_session() as session:
        case_id = session.scalar(select(Case.id).where(Case.public_id == public_id))
        hashes = dict(
            session.execute(
                select(AuditEvent.seq, AuditEvent.hash).where(
                    AuditEvent.object_type == "case", AuditEvent.object_id == str(case_id)
                )
            ).all()
        )
    # The export's checkpoint line is what `reclaim audit verify --checkpoint FILE` reads.
    line = next(r[6] for r in rows if r[0] == "checkpoint")
    with app_db.read_session() as session:
        assert verify_chain(session, [load_checkpoint(line, keys_of(session))]).ok
    listed = {int(r[1]): r[6] for r in rows if r[0] == "audit_event"}
    assert listed and all(hashes[seq] == h for seq, h in listed.items())

    # Closed with a rationale (and, for each child, a safety plan or why not), reopened.
    assert _post(browser, token, f"{base}/close", rationale="").status_code == 400
    for child_id in sorted(set(re.findall(r"/safety-plan/(\d+)\"", browser.get(base).text))):
        reason = "Not today: the child wants to talk with their mum first; ask again Monday"
        _post(browser, token, f"{base}/safety-plan/{child_id}/reason", reason=reason)
    assert (
        _post(
            browser, token, f"{base}/close", rationale="Police leading; support in place"
        ).status_code
        == 303
    )
    page = browser.get(base).text
    assert "Closed" in page and "Police leading" in page
    assert _post(browser, token, f"{base}/places", kind="person", detail="x").status_code == 400
    assert _post(browser, token, f"{base}/reopen", reason="New image reported").status_code == 303
    assert 'data-testid="close-form"' in browser.get(base).text
    with app_db.read_session() as session:
        assert verify_chain(session).ok


def test_formula_like_text_is_inert_in_the_csv(dsl: tuple[TestClient, str]) -> None:
    browser, token = dsl
    public_id = _open(browser, token, summary="ok")
    _post(browser, token, f"/staff/cases/{public_id}/notes", text='=HYPERLINK("http://x.example")')
    body = browser.get(f"/staff/cases/{public_id}/chronology.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_chronology_entries_cannot_be_changed(
    app_db: Database, dsl: tuple[TestClient, str]
) -> None:
    browser, token = dsl
    _open(browser, token)
    with pytest.raises(EntryChanged), app_db.session() as session:
        entry = session.scalars(select(ChronologyEntry)).first()
        assert entry is not None
        entry.text = "rewritten"
        session.flush()


def test_legal_hold_stops_erasure_and_erasure_keeps_the_chain(
    dsl: tuple[TestClient, str], app_db: Database
) -> None:
    browser, token = dsl
    public_id = _open(browser, token, summary="Name Surname told me")
    base = f"/staff/cases/{public_id}"
    _post(browser, token, f"{base}/legal-hold", hold="on", reason="Police investigation")
    refused = _post(browser, token, f"{base}/erase", confirm="erase")
    assert refused.status_code == 400 and "legal hold" in refused.text
    _post(browser, token, f"{base}/legal-hold", hold="off", reason="Investigation over")
    assert _post(browser, token, f"{base}/erase", confirm="erase").status_code == 303
    assert browser.get(base).status_code == 404
    with app_db.read_session() as session:
        assert session.scalars(select(Case)).all() == []
        assert session.scalars(select(ChronologyEntry)).all() == []
        assert verify_chain(session).ok
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "case")
        ).all()
        assert "case:case:erased" in actions


def test_closed_cases_past_retention_are_purged_unless_on_hold(
    dsl: tuple[TestClient, str], app_db: Database
) -> None:
    browser, token = dsl
    kept, gone = _open(browser, token), _open(browser, token)
    for public_id in (kept, gone):
        _post(browser, token, f"/staff/cases/{public_id}/close", rationale="done")
    _post(browser, token, f"/staff/cases/{kept}/legal-hold", hold="on", reason="court")
    with app_db.session() as session:
        assert purge_expired(session, 25) == []
        removed = purge_expired(session, 25, now=utcnow() + timedelta(days=366 * 25))
        assert len(removed) == 1
    with app_db.read_session() as session:
        assert [c.public_id for c in session.scalars(select(Case))] == [kept]
        assert verify_chain(session).ok


def test_who_sees_a_case(
    client: TestClient, staff: Staff, dsl: tuple[TestClient, str], app_db: Database
) -> None:
    browser, token = dsl
    public_id = _open(browser, token)
    base = f"/staff/cases/{public_id}"
    staff.create("viewer@hillside.example", role="viewer", org=SCHOOL)
    staff.create("worker@hillside.example", role="caseworker", org=SCHOOL)
    staff.create("analyst@hillside.example", role="analyst", org=SCHOOL)
    staff.create("dsl@other.example", role="dsl", org="Other School")
    with app_db.session() as session:
        session.add(Organisation(name="PhotoShare", kind="platform"))
    staff.create("admin@photoshare.example", role="admin", org="PhotoShare")

    viewer, vtoken = _browser(client, staff, "viewer@hillside.example")
    assert viewer.get(base).status_code == 200
    assert _post(viewer, vtoken, f"{base}/notes", text="x").status_code == 403
    worker, wtoken = _browser(client, staff, "worker@hillside.example")
    assert worker.get(base).status_code == 404  # not theirs
    own = _open(worker, wtoken)
    assert worker.get(f"/staff/cases/{own}").status_code == 200
    assert _post(worker, wtoken, f"/staff/cases/{own}/close", rationale="x").status_code == 403
    analyst, _ = _browser(client, staff, "analyst@hillside.example")
    assert analyst.get("/staff/cases").status_code == 403
    other, _ = _browser(client, staff, "dsl@other.example")
    assert other.get(base).status_code == 404
    assert public_id not in other.get("/staff/cases").text
    platform, _ = _browser(client, staff, "admin@photoshare.example")
    for path in ("/staff/cases", base, f"{base}/chronology.pdf", f"{base}/chronology.csv"):
        assert platform.get(path).status_code == 403


def test_the_purge_command_runs(cli: Any) -> None:
    assert cli("db", "upgrade").exit_code == 0
    dry = cli("cases", "purge", "--dry-run")
    assert dry.exit_code == 0 and "0 closed case(s)" in dry.output
    done = cli("cases", "purge")
    assert done.exit_code == 0 and "deleted 0" in done.output


def _shared_report(app_db: Database, school: str, url: str) -> tuple[int, str, Any]:
    """A young person's report, shared with ``school`` by its code: (its item id, the
    share's id, the report)."""
    from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
    from reclaim.reports import AgeGroup, FileHashes, NewReport, create_report
    from reclaim.reports.models import ReportHash
    from reclaim.reports.sharing import share_code_for, share_report

    with app_db.session() as session:
        made = create_report(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            NewReport(
                AgeGroup.UNDER_18,
                "GB",
                files=[FileHashes(kind="image", sha256="a" * 64, md5="b" * 32)],
                urls=[url],
            ),
        )
        # The report is the intake organisation's (here, the school is the oldest).
        intake = session.scalar(select(Organisation).where(Organisation.name == "Intake"))
        if intake is None:
            intake = Organisation(name="Intake", kind="hotline")
            session.add(intake)
            session.flush()
        made.report.organisation_id = intake.id
        org = session.scalar(select(Organisation.id).where(Organisation.name == school))
        assert org is not None
        code = share_code_for(session, org)
        assert code is not None
        share = share_report(session, made.report, code)
        item_id = session.scalar(
            select(ReportHash.item_id).where(ReportHash.report_id == made.report.id)
        )
        assert item_id is not None
        return item_id, share.id, made.report.id


def test_a_shared_report_is_linked_and_its_blocks_are_in_the_chronology(
    client: TestClient, dsl: tuple[TestClient, str], app_db: Database
) -> None:
    from reclaim.accounts.apikeys import issue
    from reclaim.accounts.staff import create_organisation
    from reclaim.reports.models import Report
    from reclaim.reports.sharing import stop_sharing

    browser, token = dsl
    public_id = _open(browser, token)
    base = f"/staff/cases/{public_id}"
    assert 'data-testid="link-form"' not in browser.get(base).text  # nothing shared yet
    item_id, share_id, report_id = _shared_report(app_db, SCHOOL, "https://pics.example.org/p/9")
    # Only a share with this organisation can be linked.
    assert _post(browser, token, f"{base}/linked-report", share_id="x" * 22).status_code == 400
    page = browser.get(base).text
    assert 'data-testid="link-form"' in page and share_id in page
    assert _post(browser, token, f"{base}/linked-report", share_id=share_id).status_code == 303
    with app_db.session() as session:
        platform = create_organisation(session, "PhotoShare", "platform")
        key = issue(session, platform, "scanner").token
    # The same page as the report's: one place, shown as the same.
    _post(
        browser, token, f"{base}/places", kind="url", url="https://PICS.example.org/p/9?fbclid=abc"
    )
    for _ in range(2):  # told twice: written once
        response = client.post(
            "/api/v1/feedback",
            headers={"Authorization": f"Bearer {key}"},
            json={"feedback": [{"item_id": item_id, "status": "Blocked"}]},
        )
        assert response.status_code == 200, response.text
    page = browser.get(base).text
    assert "Blocked on 1 service." in page  # the panel
    assert "Linked the report a young person shared" in page  # in the chronology
    assert page.count("report is blocked on 1 service.") == 1  # one chronology entry
    assert "also in the young person's report" in page
    assert "https://pics.example.org/p/9" in page

    # The young person stops sharing: the case shows nothing of it any more.
    with app_db.session() as session:
        report = session.get(Report, report_id)
        assert report is not None
        assert stop_sharing(session, report, share_id)
    page = browser.get(base).text
    assert 'data-testid="linked-gone"' in page
    assert "Blocked on 1 service." not in page
    assert "also in the young person" not in page
    # Unlinked, the school can link another share later.
    assert _post(browser, token, f"{base}/linked-report", share_id="").status_code == 303
    assert 'data-testid="linked-gone"' not in browser.get(base).text


def test_task_reminders_follow_the_task(dsl: tuple[TestClient, str], app_db: Database) -> None:
    browser, token = dsl
    public_id = _open(browser, token)
    base = f"/staff/cases/{public_id}"
    with app_db.read_session() as session:
        me = session.scalar(
            select(StaffUser.id).where(StaffUser.username == "dsl@hillside.example")
        )
    added = _post(
        browser,
        token,
        f"{base}/tasks",
        title="ring social care",
        owner_id=str(me),
        due_at="2030-01-02T09:00",
    )
    assert added.status_code == 303
    with app_db.read_session() as session:
        case = session.scalar(select(Case).where(Case.public_id == public_id))
        assert case is not None
        task = case.tasks[0]
        url = f"{base}#task-{task.id}"
        reminders = session.scalars(select(Reminder).where(Reminder.subject_url == url)).all()
        assert [r.staff_user_id for r in reminders] == [task.owner_id]
        first_due = reminders[0].due_at
    moved = _post(browser, token, f"{base}/tasks/{task.id}/due", due_at="2030-01-03T09:00")
    assert moved.status_code == 303
    with app_db.read_session() as session:
        reminders = session.scalars(select(Reminder).where(Reminder.subject_url == url)).all()
        assert len(reminders) == 1 and reminders[0].due_at - first_due == timedelta(days=1)
    assert _post(browser, token, f"{base}/tasks/{task.id}/done").status_code == 303
    with app_db.read_session() as session:
        assert session.scalars(select(Reminder).where(Reminder.subject_url == url)).all() == []
    # Erasing the case takes its alerts and reminders with it.
    _post(
        browser, token, f"{base}/tasks", title="again", owner_id=str(me), due_at="2030-01-02T09:00"
    )
    _post(browser, token, f"{base}/review/coercion", answer="yes")
    assert _post(browser, token, f"{base}/erase", confirm="erase").status_code == 303
    with app_db.read_session() as session:
        assert session.scalars(select(Reminder)).all() == []
        assert session.scalars(select(Alert)).all() == []


def test_the_urgent_case_alert_email_says_nothing_about_the_case(
    dsl: tuple[TestClient, str], app_db: Database, app_settings: Any
) -> None:
    from reclaim.notify.sender import Notifier

    browser, token = dsl
    public_id = _open(browser, token, summary="Sam Example was threatened")
    _post(browser, token, f"/staff/cases/{public_id}/review/coercion", answer="yes")
    sent: list[Any] = []
    result = Notifier(app_db, app_settings, transport=sent.append).deliver_all()
    assert result.sent == 1 and sent[0]["To"] == "dsl@hillside.example"
    body = sent[0].get_content()
    assert "An urgent case is waiting" in body
    assert "Sam" not in body and public_id not in body


def _get_routes(routes: Any) -> list[str]:
    paths = []
    for route in routes:
        if hasattr(route, "original_router"):  # an included router
            paths += _get_routes(route.original_router.routes)
            continue
        methods = getattr(route, "methods", None) or set()
        path = getattr(route, "path", "")
        if "GET" in methods and path.startswith(("/staff", "/api")):
            paths.append(path)
    return sorted(set(paths))


def test_no_case_data_reaches_another_organisation_or_a_platform(
    client: TestClient, staff: Staff, dsl: tuple[TestClient, str], app_db: Database
) -> None:
    """Every GET route of the staff site and the API, as every other organisation's staff
    and with a platform's API key: none shows anything of the case."""
    from reclaim.accounts.apikeys import issue
    from reclaim.accounts.staff import create_organisation

    browser, token = dsl
    markers = {
        "summary": "Zebracorn-summary",
        "child": "Quillfeather Childname",
        "url": "zebracorn.example.net",
        "reference": "CEOP-ZEBRA-77",
        "note": "Zebracorn-note",
    }
    public_id = _open(browser, token, summary=markers["summary"])
    base = f"/staff/cases/{public_id}"
    _post(browser, token, f"{base}/children", role="pictured", name=markers["child"])
    _post(browser, token, f"{base}/places", kind="url", url=f"https://{markers['url']}/p")
    _post(browser, token, f"{base}/referrals", agency="ceop", reference=markers["reference"])
    _post(browser, token, f"{base}/notes", text=markers["note"])
    _post(browser, token, f"{base}/review/coercion", answer="yes")
    with app_db.session() as session:
        platform = create_organisation(session, "PhotoShare", "platform")
        create_organisation(session, "Other School", "school")
        key = issue(session, platform, "scanner").token
    for role in ("admin", "dsl", "caseworker", "viewer", "analyst"):
        staff.create(f"{role}@other.example", role=role, org="Other School")
    staff.create("admin@photoshare.example", role="admin", org="PhotoShare")

    routes = _get_routes(client.app.routes)  # type: ignore[attr-defined]
    assert "/staff/cases/{public_id}/chronology.pdf" in routes and len(routes) > 20
    outsiders = [
        _browser(client, staff, name)[0]
        for name in (
            *(f"{r}@other.example" for r in ("admin", "dsl", "caseworker", "viewer", "analyst")),
            "admin@photoshare.example",
        )
    ]
    leaks = []
    for path in routes:
        concrete = re.sub(r"\{public_id\}", public_id, path)
        concrete = re.sub(r"\{[a-z_]+\}", "1", concrete)
        for who, outsider in enumerate(outsiders):
            response = outsider.get(concrete)
            body = response.content.decode("utf-8", "replace")
            leaks += [f"{concrete} as #{who}: {m}" for m in markers.values() if m in body]
            if path.endswith("chronology.pdf") or path.endswith("chronology.csv"):
                assert response.status_code in (403, 404), (concrete, who)
        api = client.get(concrete, headers={"Authorization": f"Bearer {key}"})
        body = api.content.decode("utf-8", "replace")
        leaks += [f"{concrete} with a platform key: {m}" for m in markers.values() if m in body]
    assert not leaks, leaks
    # The case's own DSL sees it all (the markers are real).
    page = browser.get(base).text
    assert all(m in page for m in markers.values())


def test_a_pdf_export_leaves_the_hashing_engine_refusing_truncated_images(
    dsl: tuple[TestClient, str],
) -> None:
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when imported; the export puts it back."""
    from PIL import ImageFile

    browser, token = dsl
    public_id = _open(browser, token)
    assert browser.get(f"/staff/cases/{public_id}/chronology.pdf").status_code == 200
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_case_url_is_a_takedown_place_shared_with_reports_naming_it(
    dsl: tuple[TestClient, str], app_db: Database
) -> None:
    """One record per organisation and URL: a case's web address and a report's (here the
    school is the intake organisation, the oldest) are one takedown place with two sources."""
    from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
    from reclaim.reports import AgeGroup, NewReport, create_report
    from reclaim.takedown.models import Place as TakedownPlace

    browser, token = dsl
    public_id = _open(browser, token)
    base = f"/staff/cases/{public_id}"
    _post(
        browser,
        token,
        f"{base}/places",
        kind="url",
        url="https://Pics.example.org/p/5?utm_source=x",
    )
    only_case = _open(browser, token, summary="another")
    _post(
        browser, token, f"/staff/cases/{only_case}/places", kind="url", url="pics.example.org/p/6"
    )
    with app_db.session() as session:
        create_report(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            NewReport(AgeGroup.UNDER_18, "GB", urls=["HTTPS://PICS.example.org/p/5?fbclid=abc"]),
        )
    with app_db.read_session() as session:
        places = {p.url: p for p in session.scalars(select(TakedownPlace))}
        assert set(places) == {"https://pics.example.org/p/5", "https://pics.example.org/p/6"}
        five = places["https://pics.example.org/p/5"]
        assert sorted((s.kind, s.ref) for s in five.sources) == [
            ("case", public_id),
            ("report", None),
        ]
        case = session.scalar(select(Case).where(Case.public_id == public_id))
        assert case is not None and case.places[0].takedown_place_id == five.id
    assert "Takedown: Reported" in browser.get(base).text
    # Erasing a case takes its sources away: a place it alone named is blanked, the other stays.
    for pid in (public_id, only_case):
        assert (
            _post(browser, token, f"/staff/cases/{pid}/erase", confirm="erase").status_code == 303
        )
    with app_db.read_session() as session:
        rows = {p.id: p for p in session.scalars(select(TakedownPlace))}
        assert [s.kind for s in rows[five.id].sources] == ["report"]
        assert rows[five.id].url == "https://pics.example.org/p/5"
        erased = [p for p in rows.values() if p.id != five.id]
        assert len(erased) == 1 and erased[0].url == "" and erased[0].erased_at is not None
