"""Issue 12 items 6 and 8 in real Chromium: axe-core finds nothing on the new states (the status
page's sharing section, the share confirmation, the shared state; the staff alerts page, the
sharing page and a shared report). A report is made in the page, shared by code, then stopped."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts.models import Organisation
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.notify.alerts import raise_alert
from reclaim.reports import AgeGroup, NewReport, create_report
from reclaim.reports.sharing import share_code_for, show_code
from tests.browser.test_young_people import PHONE, Site, check_page
from tests.browser.test_young_people import site as site
from tests.conftest import Staff

pytestmark = pytest.mark.browser


@pytest.fixture
def world(site: Site) -> dict[str, Any]:
    staff = Staff(site.db, PasswordHashing(Argon2Parameters(1, 8192, 1)))
    staff.create("dsl@intake.example", role="dsl", org="Intake Helpline")  # oldest: the intake
    staff.create("dsl@school.example", role="dsl", org="Hillside School")
    with site.db.session() as session:
        made = create_report(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            NewReport(AgeGroup.UNDER_18, "GB", urls=["https://pics.example.org/p/9"]),
        )
        reference, pin = made.report.reference, made.pin
        intake = made.report.organisation_id
        assert intake is not None
        raise_alert(session, intake, "urgent-report", f"/staff/reports/{made.report.public_id}")
        school = session.scalar(
            select(Organisation.id).where(Organisation.name == "Hillside School")
        )
        assert school is not None
        code = share_code_for(session, school)
        assert code is not None
    return {"staff": staff, "reference": reference, "pin": pin, "code": show_code(code)}


def _signed_in(browser: Any, site: Site, staff: Staff, username: str) -> Any:
    """A browser context holding a staff session made through the real sign-in pages."""
    helper = TestClient(site.app.app, base_url=site.url)
    staff.sign_in(helper, username)
    context = browser.new_context(base_url=site.url, viewport=PHONE)
    context.add_cookies(
        [{"name": k, "value": v, "url": site.url} for k, v in helper.cookies.items()]
    )
    return context


def test_sharing_and_alert_pages_pass_axe(
    browser: Any,
    site: Site,
    world: dict[str, Any],
) -> None:
    context = browser.new_context(base_url=site.url, viewport=PHONE)
    page = context.new_page()
    page.goto("/status")
    page.fill("input[name=reference]", world["reference"])
    page.fill("input[name=pin]", world["pin"])
    page.click("form[action='/status'] button[type=submit]")
    page.wait_for_selector("[data-testid=share-form]")
    check_page(page, "status with sharing")
    page.fill("#share-code", "ZZZZ-ZZZZ")
    page.click("[data-testid=share-form] button")
    page.wait_for_selector("[data-testid=share-error]")
    check_page(page, "unknown code")
    page.fill("#share-code", world["code"])
    page.click("[data-testid=share-form] button")
    page.wait_for_selector("[data-testid=confirm-share]")
    check_page(page, "confirm sharing")
    page.click("[data-testid=confirm-share]")
    page.wait_for_selector("[data-testid=share-row]")
    check_page(page, "shared")
    context.close()

    school = _signed_in(browser, site, world["staff"], "dsl@school.example")
    staff_page = school.new_page()
    staff_page.goto("/staff/sharing")
    check_page(staff_page, "staff sharing", width=360)
    href = staff_page.get_attribute("[data-testid=shared-list] a", "href")
    assert href and re.fullmatch(r"/staff/shared/[\w-]+", href)
    staff_page.goto(href)
    assert "https://pics.example.org/p/9" in staff_page.content()
    check_page(staff_page, "shared report", width=360)
    school.close()

    intake = _signed_in(browser, site, world["staff"], "dsl@intake.example")
    alerts = intake.new_page()
    alerts.goto("/staff/alerts")
    alerts.wait_for_selector("[data-testid=alert-row]")
    check_page(alerts, "staff alerts", width=360)
    alerts.click("[data-testid=acknowledge]")
    alerts.wait_for_selector("[data-testid=no-alerts]")
    intake.close()
