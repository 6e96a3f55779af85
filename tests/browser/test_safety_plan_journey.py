"""A child's safety plan in real Chromium (issue 13, items 1, 2 and 4): a DSL makes the plan
with the child in the child's words (step 5 starts from the help lines and the school's local
contacts), changes it (a new version; the first stays readable), prints the child's copy in
English and Welsh, and records the child's consent; the child then sees their plan on their
status page, behind their reference and PIN, and nothing else of the case. The case will not
close until the plan exists. axe-core finds nothing on every new page and state at 360 px.

``RECLAIM_SCREENSHOTS=1`` also writes docs/screenshots/safety-plan-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.cases import Case, Contact, replace_pathways
from reclaim.reports import (
    AgeGroup,
    FileHashes,
    NewReport,
    create_report,
    share_code_for,
    share_report,
)
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
    def __init__(self, url: str, db: Database) -> None:
        self.url, self.db = url, db


@pytest.fixture(scope="module")
def site(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp: Path = tmp_path_factory.mktemp("plans")
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    db = Database(make_settings(tmp, public_url=url))
    upgrade(db)
    with db.session() as session:
        create_organisation(session, "Reclaim", "hotline")  # holds young people's reports
        school = create_organisation(session, "Hillside Academy", "school")
        create_user(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            organisation=school,
            username=USERNAME,
            password=PASSWORD,
            role="dsl",
        )
        replace_pathways(
            session,
            school.id,
            [
                Contact("dsl", "Ms Head", "01632 960000"),
                Contact("camhs", "School nurse Ms Lake", "01632 960001"),
                Contact("police", "PC Example", "101"),
            ],
        )
    with serve(create_app(make_settings(tmp, public_url=url), db), sock) as base_url:
        yield Site(base_url, db)
    db.dispose()


def shoot(page: Any, name: str, width: int = 900) -> None:
    if not WANT_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    # Two animation frames: the page is laid out and painted at the new width first.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(SCREENSHOTS / f"safety-plan-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_a_dsl_makes_a_safety_plan_with_a_child_who_sees_it_on_their_status_page(
    browser: Any, site: Site
) -> None:
    staff = browser.new_context(base_url=site.url, viewport=PHONE)
    child = browser.new_context(base_url=site.url, viewport=PHONE)
    try:
        _journey(staff.new_page(), child.new_page(), site)
    finally:
        staff.close()
        child.close()


def _journey(page: Any, young: Any, site: Site) -> None:
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
    assert page.locator("[data-testid=no-plan-yet]").is_visible()
    check_page(page, "case, no safety plan yet", 360)
    shoot(page, "01-no-plan-yet")
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

    # The plan, made with the child. Step 5 starts from the help lines and local contacts.
    page.goto(case_url)
    page.click("[data-testid=plan-row] a")
    page.wait_for_url("**/safety-plan/*")
    plan_url = page.url.split("?")[0]
    step5 = page.input_value("#plan-professionals")
    for words in ("Childline: 0800 1111", "Samaritans", "Ms Head", "School nurse Ms Lake"):
        assert words in step5, words
    assert "PC Example" not in step5  # the police desk is for staff, not the child's plan
    check_page(page, "safety plan, new", 360)
    for key, words in STEPS.items():
        page.fill(f"#plan-{key.replace('_', '_')}", words)
    shoot(page, "02-making-the-plan")
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
    shoot(page, "03-versions")

    # The child's copy, printable and phone-friendly, in English and Welsh.
    page.goto(f"{plan_url}/copy")
    text = page.inner_text("main")
    assert "My safety plan" in text and "I stop eating" in text and "Sam Example" not in text
    check_page(page, "the child's copy", 320)
    shoot(page, "04-childs-copy", 420)
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=lang-switch]").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    page.goto(f"{plan_url}/copy?lang=cy")
    assert "Fy nghynllun diogelwch" in page.inner_text("main")
    check_page(page, "the child's copy in Welsh", 320)

    # The child agrees to see it on their status page; the DSL records that.
    page.goto(plan_url)
    page.check("[data-testid=consent-form] input[name=agreed]")
    page.click("[data-testid=consent-form] button[type=submit]")
    page.wait_for_url("**saved=consent*")
    assert page.locator("[data-testid=plan-shown]").is_visible()
    check_page(page, "safety plan, shown to the child", 360)

    # The child, on their status page: the plan, and nothing else of the case.
    for lang, heading in (("en", "My safety plan"), ("cy", "Fy nghynllun diogelwch")):
        young.goto(f"/status?lang={lang}")
        young.fill("#reference", reference)
        young.fill("#pin", pin)
        young.click("main button[type=submit]")
        young.wait_for_load_state()
        section = young.inner_text("[data-testid=status-safety-plan]")
        assert heading in section and "I stop eating" in section
        whole = young.inner_text("body")
        assert "Sam Example" not in whole and "group chat" not in whole
        check_page(young, f"status page with the safety plan ({lang})", 320)
        if lang == "en":
            shoot(young, "05-status-page", 420)

    # Now the case can close.
    page.goto(case_url)
    page.fill("#close-why", "Support in place; the safety plan is made with Child A.")
    page.click("[data-testid=close-form] button[type=submit]")
    page.wait_for_url("**saved=closed*")
    assert "Closed" in page.inner_text("[data-testid=case-status]")
