"""A DSL builds the multi-agency plan in real Chromium (issue 13, item 3): the case page says
"GP: not yet decided"; the plan page refuses an action nobody owns; the standard GP action and
a CAMHS action go in, with due dates; a review date becomes a task in "My tasks"; when it falls
due (a fake clock for the sender) its owner is emailed through the notify outbox, and the link
in the email opens the task; the review is recorded with what changed and the next date.
axe-core finds nothing on every page and state at 360 px.

``RECLAIM_SCREENSHOTS=1`` also writes docs/screenshots/plan-*.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.cases import Case
from reclaim.config import Settings
from reclaim.notify.sender import Notifier
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from tests.browser.live import free_socket, serve
from tests.browser.test_cases_journey import PHONE, USERNAME, sign_in
from tests.browser.test_young_people import check_page
from tests.conftest import PASSWORD, make_settings

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Read at import: the tests' own fixture clears RECLAIM_* variables before each test.
WANT_SCREENSHOTS = os.environ.get("RECLAIM_SCREENSHOTS") == "1"


class Site:
    def __init__(self, url: str, db: Database, settings: Settings) -> None:
        self.url, self.db, self.settings = url, db, settings


@pytest.fixture(scope="module")
def site(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp: Path = tmp_path_factory.mktemp("plan")
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = make_settings(tmp, public_url=url)
    db = Database(settings)
    upgrade(db)
    with db.session() as session:
        organisation = create_organisation(session, "Hillside Academy", "school")
        user = create_user(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            organisation=organisation,
            username=USERNAME,
            password=PASSWORD,
            role="dsl",
        )
        user.email = USERNAME
        user.display_name = "Ms Lead (DSL)"
    with serve(create_app(settings, db), sock) as base_url:
        yield Site(base_url, db, settings)
    db.dispose()


def shoot(page: Any, name: str) -> None:
    if not WANT_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 900, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / f"plan-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_a_dsl_builds_the_plan_and_a_due_review_reminds_them(browser: Any, site: Site) -> None:
    context = browser.new_context(base_url=site.url, viewport=PHONE)
    page = context.new_page()
    try:
        _journey(page, site)
    finally:
        context.close()


def _journey(page: Any, site: Site) -> None:
    sign_in(page)
    page.goto("/staff/cases/new")
    page.check("input[name=source][value=disclosure]")
    page.fill("#summary", "Child A says an image was shared in a group chat; very quiet today.")
    page.click("[data-testid=open-case-submit]")
    page.wait_for_url(re.compile(r".*/staff/cases/[^/?]+\?saved=opened"))
    case_url = page.url.split("?")[0]
    public_id = case_url.rsplit("/", 1)[1]
    page.select_option("#child-role", "pictured")
    page.fill("#child-name", "Sam Example")
    page.click("[data-testid=child-form] button[type=submit]")
    page.wait_for_url("**saved=child*")

    # The case page: the plan in brief, the GP not yet decided.
    assert "GP: not yet decided" in page.inner_text("[data-testid=plan-brief]")
    check_page(page, "case page, plan not started", 360)
    page.click("[data-testid=plan-open]")
    page.wait_for_url("**/plan")
    check_page(page, "plan, empty", 360)
    shoot(page, "01-empty")

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
    shoot(page, "02-actions-and-review-date")

    page.goto("/staff/cases")
    assert "Review the multi-agency plan" in page.inner_text("[data-testid=my-task-list]")
    page.goto("/staff")
    assert "Review the multi-agency plan" in page.inner_text("[data-testid=my-tasks]")
    check_page(page, "dashboard with the review task", 360)
    shoot(page, "03-my-tasks")

    # The review falls due: the sender's round (a fake clock) emails its owner.
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
    assert "Sam" not in text and "CAMHS" not in text  # nothing about the case by email
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
    shoot(page, "04-reviewed")
    with site.db.read_session() as session:
        case = session.scalar(select(Case).where(Case.public_id == public_id))
        assert case is not None
        reviews = [t for t in case.tasks if t.origin == "plan_review"]
        assert [t.done_at is not None for t in reviews] == [True, False]

    # The case page and the one-page summary carry the plan; the chronology has every step.
    page.goto(case_url)
    brief = page.inner_text("[data-testid=plan-brief]")
    assert "GP: in the plan" in brief and "CAMHS" in brief
    chronology = page.inner_text("[data-testid=chronology]")
    assert "Plan review held on" in chronology and "Plan action added" in chronology
    check_page(page, "case page with the plan", 360)
    shoot(page, "05-case-page")
    page.goto(f"{case_url}/summary")
    assert "GP: in the plan" in page.inner_text("[data-testid=summary-plan]")
    check_page(page, "summary with the plan", 360)
