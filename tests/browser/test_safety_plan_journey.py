"""Issue 13's gate in real Chromium, as one journey: a DSL makes a safety plan with a child
in the child's words (step 5 starts from the help lines and the school's local contacts) and
changes it (a new version; the first stays readable); builds the multi-agency plan (an action
nobody owns is refused; the standard GP action and a CAMHS action go in with due dates; a
review date becomes a task in "My tasks"); prints the child's copy in English and Welsh; and
records the child's consent. The child then sees their plan on their status page, behind
their reference and PIN, and nothing else of the case. The review falls due (a fake clock
for the sender): its owner is emailed through the notify outbox (an in-memory mail sink),
the link in the email opens the task, and the review is recorded with what changed and the
next date. The case will not close while the child has no plan (and no reason why not), and
closes once it has one. axe-core finds nothing on every page and state at 360 px.

``RECLAIM_SCREENSHOTS=1`` also writes docs/screenshots/safety-plan-*.png and plan-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.cases import Case, Contact, replace_pathways
from reclaim.config import Settings
from reclaim.notify.sender import Notifier
from reclaim.reports import (
    AgeGroup,
    FileHashes,
    NewReport,
    create_report,
    share_code_for,
    share_report,
)
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from tests.browser.live import free_socket, serve
from tests.browser.test_cases_journey import PHONE, SCREENSHOTS, USERNAME, WANT_SCREENSHOTS, sign_in
from tests.browser.test_young_people import check_page
from tests.conftest import PASSWORD, make_settings

pytestmark = pytest.mark.browser

WARNING = "I stop replying to my friends and stay in my room"
STEPS = {
    "warning_signs": WARNING,
    "on_my_own": "Play football in the park\nListen to my music",
    "distractions": "Go to my gran's house",
    "people": "My aunt Jo: 07700 900123\nMr Green at school",
    "surroundings": "Give my phone to mum at night",
    "what_matters": "My little brother",
}


class Site:
    def __init__(self, url: str, db: Database, settings: Settings) -> None:
        self.url, self.db, self.settings = url, db, settings


@pytest.fixture(scope="module")
def site(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp: Path = tmp_path_factory.mktemp("plans")
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = make_settings(tmp, public_url=url)
    db = Database(settings)
    upgrade(db)
    with db.session() as session:
        create_organisation(session, "Reclaim", "hotline")  # holds young people's reports
        school = create_organisation(session, "Hillside Academy", "school")
        user = create_user(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            organisation=school,
            username=USERNAME,
            password=PASSWORD,
            role="dsl",
        )
        user.email = USERNAME  # where the review's reminder goes
        user.display_name = "Ms Lead (DSL)"
        replace_pathways(
            session,
            school.id,
            [
                Contact("dsl", "Ms Head", "01632 960000"),
                Contact("camhs", "School nurse Ms Lake", "01632 960001"),
                Contact("police", "PC Example", "101"),
            ],
        )
    with serve(create_app(settings, db), sock) as base_url:
        yield Site(base_url, db, settings)
    db.dispose()


def shoot(page: Any, name: str, width: int = 900) -> None:
    """docs/screenshots/{name}.png (names start safety-plan- or plan-; docs/cases.md links
    them)."""
    if not WANT_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    # Two animation frames: the page is laid out and painted at the new width first.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_a_dsl_makes_the_plans_with_a_child_who_sees_theirs_and_a_due_review_reminds_them(
    browser: Any, site: Site
) -> None:
    staff = browser.new_context(base_url=site.url, viewport=PHONE)
    child = browser.new_context(base_url=site.url, viewport=PHONE)
    try:
        page = staff.new_page()
        case_url, public_id, reference, pin = _open_the_case(page, site)
        plan_url = _the_safety_plan(page, case_url)
        review_on = _the_multi_agency_plan(page, case_url)
        _the_childs_copy_and_consent(page, plan_url)
        _the_child_sees_it(child.new_page(), reference, pin)
        _the_review_falls_due(page, site, case_url, public_id, review_on)
        # Now the case can close.
        page.goto(case_url)
        page.fill("#close-why", "Support in place; the safety plan is made with Child A.")
        page.click("[data-testid=close-form] button[type=submit]")
        page.wait_for_url("**saved=closed*")
        assert "Closed" in page.inner_text("[data-testid=case-status]")
    finally:
        staff.close()
        child.close()


def _open_the_case(page: Any, site: Site) -> tuple[str, str, str, str]:
    """The case, the child's report linked to it, the child recorded; no plan yet, so
    closing is refused. (case URL, public id, the child's reference, the child's PIN)"""
    sign_in(page)
    page.goto("/staff/cases/new")
    page.check("input[name=source][value=disclosure]")
    page.fill("#summary", "Child A told me a photo of her was shared in a group chat.")
    page.click("[data-testid=open-case-submit]")
    page.wait_for_url(re.compile(r".*/staff/cases/[^/?]+\?saved=opened"))
    case_url = page.url.split("?")[0]
    public_id = case_url.rsplit("/", 1)[1]

    # The young person's report, shared with the school by its code, linked to the case.
    with site.db.session() as session:
        made = create_report(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            NewReport(
                AgeGroup.UNDER_18,
                "GB",
                files=[FileHashes(kind="image", sha256="e" * 64, md5="f" * 32)],
            ),
        )
        school = session.scalar(select(Case.organisation_id).where(Case.public_id == public_id))
        assert school is not None
        code = share_code_for(session, school)
        assert code is not None
        share = share_report(session, made.report, code)
        reference, pin = made.report.reference, made.pin
    page.goto(case_url)
    page.select_option("#link-share", share.id)
    page.click("[data-testid=link-form] button[type=submit]")
    page.wait_for_url("**saved=linked*")
    page.select_option("#child-role", "pictured")
    page.fill("#child-name", "Sam Example")
    page.fill("#child-dob", "2011-05-04")
    page.click("[data-testid=child-form] button[type=submit]")
    page.wait_for_url("**saved=child*")

    # "No safety plan yet": on the case page, in the list's filter, and closing is refused.
    # The plan in brief: the GP not yet decided.
    assert page.locator("[data-testid=no-plan-yet]").is_visible()
    assert "GP: not yet decided" in page.inner_text("[data-testid=plan-brief]")
    check_page(page, "case, no safety plan yet, multi-agency plan not started", 360)
    shoot(page, "safety-plan-01-no-plan-yet")
    page.goto("/staff/cases")
    page.click("[data-testid=plan-filter] a")
    page.wait_for_url("**plan=missing*")
    assert page.locator("[data-testid=row-no-plan]").count() == 1
    check_page(page, "cases without a safety plan", 360)
    page.goto(case_url)
    page.fill("#close-why", "Support in place.")
    page.click("[data-testid=close-form] button[type=submit]")
    assert "No safety plan yet for Child A" in page.inner_text("[role=alert]")
    check_page(page, "closing refused", 360)
    page.goto(case_url)
    assert "Closed" not in page.inner_text("[data-testid=case-status]")
    return case_url, public_id, reference, pin


def _the_safety_plan(page: Any, case_url: str) -> str:
    """The plan, made with the child, then changed. Its URL."""
    # Step 5 starts from the help lines and local contacts.
    page.click("[data-testid=plan-row] a")
    page.wait_for_url("**/safety-plan/*")
    plan_url: str = page.url.split("?")[0]
    step5 = page.input_value("#plan-professionals")
    for words in ("Childline: 0800 1111", "Samaritans", "Ms Head", "School nurse Ms Lake"):
        assert words in step5, words
    assert "PC Example" not in step5  # the police desk is for staff, not the child's plan
    check_page(page, "safety plan, new", 360)
    for key, words in STEPS.items():
        page.fill(f"#plan-{key}", words)
    shoot(page, "safety-plan-02-making-the-plan")
    page.click("[data-testid=plan-form] button[type=submit]")
    page.wait_for_url("**saved=saved*")
    assert "Version 1" in page.inner_text("[data-testid=plan-in-place]")
    check_page(page, "safety plan, version 1", 360)

    # A change is a new version; the first stays readable.
    page.fill("#plan-warning_signs", WARNING + "\nI stop eating")
    page.click("[data-testid=plan-form] button[type=submit]")
    page.wait_for_url("**saved=saved*")
    assert page.locator("[data-testid=plan-version-row]").count() == 2
    page.click("[data-testid=plan-version-row] a")
    page.wait_for_url("**version=1*")
    assert "an earlier version" in page.inner_text("[data-testid=plan-version]")
    assert "I stop eating" not in page.inner_text("[data-testid=plan-version]")
    check_page(page, "safety plan, an earlier version", 360)
    shoot(page, "safety-plan-03-versions")
    return plan_url


def _the_multi_agency_plan(page: Any, case_url: str) -> date:
    """GP and CAMHS actions with due dates, and the next review date. That date."""
    page.goto(case_url)
    page.click("[data-testid=plan-open]")
    page.wait_for_url("**/plan")
    check_page(page, "plan, empty", 360)
    shoot(page, "plan-01-empty")

    # An action nobody owns is refused, with the reason shown.
    page.select_option("#action-agency", "school")
    page.fill("#action-what", "Daily check-in with the head of year")
    page.click("[data-testid=plan-action-form] button[type=submit]")
    assert "Write who owns the action" in page.inner_text("[role=alert]")
    check_page(page, "plan, an action with no owner", 360)

    # The standard GP action (its words are filled in), owned by the child's doctor.
    assert "GP" in page.input_value("#gp-what")
    page.fill("#gp-owner-name", "Dr Patel, Riverside Surgery")
    page.select_option("#gp-owner", "")
    page.fill("#gp-due", "2030-01-05")
    page.click("[data-testid=gp-action-form] button[type=submit]")
    page.wait_for_url("**saved=action*")
    assert "GP: in the plan (planned)" in page.inner_text("#plan-gp")
    gp_action = page.inner_text("[data-testid=plan-action][data-agency=gp]")
    assert "Child A. Owner: Dr Patel, Riverside Surgery. Due 2030-01-05." in gp_action

    # CAMHS for Child A, owned by a named worker; the DSL keeps it as a task.
    if not page.locator("#action-agency").is_visible():
        page.click("#plan-actions > details > summary")
    page.select_option("#action-agency", "camhs")
    page.select_option("#action-child", label="Child A")
    page.fill("#action-what", "Refer Child A to CAMHS for an assessment; share this plan.")
    page.fill("#action-owner-name", "Ms Jones, CAMHS duty worker")
    page.select_option("#action-owner", label="Ms Lead (DSL)")
    page.fill("#action-due", "2030-01-03")
    page.click("[data-testid=plan-action-form] button[type=submit]")
    page.wait_for_url("**saved=action*")
    agencies = [
        a.get_attribute("data-agency") for a in page.locator("[data-testid=plan-action]").all()
    ]
    assert agencies == ["gp", "camhs"]

    # The next review: a date that becomes a task with a reminder.
    review_on = (utcnow() + timedelta(days=14)).date()
    if not page.locator("#review-on").is_visible():
        page.locator("#plan-reviews summary", has_text="Set the next review date").click()
    page.fill("#review-on", review_on.isoformat())
    page.click("[data-testid=plan-review-date-form] button[type=submit]")
    page.wait_for_url("**saved=review-set*")
    assert review_on.isoformat() in page.inner_text("[data-testid=plan-next-review]")
    check_page(page, "plan with GP and CAMHS actions and a review date", 360)
    shoot(page, "plan-02-actions-and-review-date")

    page.goto("/staff/cases")
    assert "Review the multi-agency plan" in page.inner_text("[data-testid=my-task-list]")
    page.goto("/staff")
    assert "Review the multi-agency plan" in page.inner_text("[data-testid=my-tasks]")
    check_page(page, "dashboard with the review task", 360)
    shoot(page, "plan-03-my-tasks")
    return review_on


def _the_childs_copy_and_consent(page: Any, plan_url: str) -> None:
    """The child's copy, printable and phone-friendly, in English and Welsh; then the
    child's consent to see it on their status page, recorded by the DSL."""
    page.goto(f"{plan_url}/copy")
    text = page.inner_text("main")
    assert "My safety plan" in text and "I stop eating" in text and "Sam Example" not in text
    check_page(page, "the child's copy", 320)
    shoot(page, "safety-plan-04-childs-copy", 420)
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=lang-switch]").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    page.goto(f"{plan_url}/copy?lang=cy")
    assert "Fy nghynllun diogelwch" in page.inner_text("main")
    check_page(page, "the child's copy in Welsh", 320)

    page.goto(plan_url)
    page.check("[data-testid=consent-form] input[name=agreed]")
    page.click("[data-testid=consent-form] button[type=submit]")
    page.wait_for_url("**saved=consent*")
    assert page.locator("[data-testid=plan-shown]").is_visible()
    check_page(page, "safety plan, shown to the child", 360)


def _the_child_sees_it(young: Any, reference: str, pin: str) -> None:
    """The child, on their status page: the plan, and nothing else of the case."""
    for lang, heading in (("en", "My safety plan"), ("cy", "Fy nghynllun diogelwch")):
        young.goto(f"/status?lang={lang}")
        young.fill("#reference", reference)
        young.fill("#pin", pin)
        young.click("main button[type=submit]")
        young.wait_for_load_state()
        section = young.inner_text("[data-testid=status-safety-plan]")
        assert heading in section and "I stop eating" in section
        whole = young.inner_text("body")
        for private in ("Sam Example", "group chat", "Ms Jones", "Dr Patel", "Review the"):
            assert private not in whole, private
        check_page(young, f"status page with the safety plan ({lang})", 320)
        if lang == "en":
            shoot(young, "safety-plan-05-status-page", 420)


def _the_review_falls_due(
    page: Any, site: Site, case_url: str, public_id: str, review_on: date
) -> None:
    """The sender's round (a fake clock) emails the review's owner; the review is recorded."""
    due = datetime.combine(review_on, time(9), tzinfo=UTC)
    sent: list[EmailMessage] = []
    notifier = Notifier(site.db, site.settings, transport=sent.append)
    assert notifier.tick(now=due - timedelta(minutes=1)).sent == 0
    assert notifier.tick(now=due + timedelta(minutes=1)).sent == 1
    assert [m["To"] for m in sent] == [USERNAME] and str(sent[0]["Subject"]) == "A task is due"
    body = sent[0].get_body(("plain",))
    assert body is not None
    text = body.get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/staff/cases/[^\s]+#task-\d+", text)
    assert link is not None and public_id in link.group(0)
    for private in ("Sam", "CAMHS", "safety plan", "I stop"):  # nothing about the case by email
        assert private not in text, private
    page.goto(link.group(0))
    task_id = link.group(0).rsplit("-", 1)[1]
    assert "Review the multi-agency plan" in page.inner_text(f"#task-{task_id}")

    # The review is recorded with what changed; the next one is set.
    page.goto(f"{case_url}/plan")
    if not page.locator("#held-on").is_visible():
        page.locator("#plan-reviews summary", has_text="Record a review").click()
    page.fill("#held-on", utcnow().date().isoformat())
    page.fill("#attended", "Ms Lead (DSL); Ms Jones (CAMHS); Child A's mother")
    page.fill("#changed", "CAMHS appointment booked for next week; Child A sleeping better.")
    next_on = review_on + timedelta(days=28)
    page.fill("#next-review-on", next_on.isoformat())
    page.click("[data-testid=plan-review-form] button[type=submit]")
    page.wait_for_url("**saved=review*")
    assert "CAMHS appointment booked" in page.inner_text("[data-testid=plan-reviews]")
    assert next_on.isoformat() in page.inner_text("[data-testid=plan-next-review]")
    check_page(page, "plan after a review", 360)
    shoot(page, "plan-04-reviewed")
    with site.db.read_session() as session:
        case = session.scalar(select(Case).where(Case.public_id == public_id))
        assert case is not None
        reviews = [t for t in case.tasks if t.origin == "plan_review"]
        assert [t.done_at is not None for t in reviews] == [True, False]

    # The case page and the one-page summary carry both plans; the chronology has every step.
    page.goto(case_url)
    brief = page.inner_text("[data-testid=plan-brief]")
    assert "GP: in the plan" in brief and "CAMHS" in brief
    assert page.locator("[data-testid=no-plan-yet]").count() == 0
    chronology = page.inner_text("[data-testid=chronology]")
    assert "Plan review held on" in chronology and "Plan action added" in chronology
    check_page(page, "case page with both plans", 360)
    shoot(page, "plan-05-case-page")
    page.goto(f"{case_url}/summary")
    assert "GP: in the plan" in page.inner_text("[data-testid=summary-plan]")
    check_page(page, "summary with the plan", 360)
