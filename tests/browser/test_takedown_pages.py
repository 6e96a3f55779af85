"""The takedown pages in real Chromium: axe-core finds nothing on the queue, a place (with
its assessment and notice forms), the import result and the figures with their charts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reclaim.accounts import totp
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.notify import ReportOutbox
from reclaim.reports import AgeGroup, NewReport, create_report
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.takedown import PlaceStatus, move
from reclaim.takedown.models import Place
from reclaim.web.app import create_app
from tests.browser.live import free_socket, serve
from tests.browser.test_young_people import check_page
from tests.conftest import PASSWORD, make_settings

pytestmark = pytest.mark.browser

USERNAME = "analyst@hotline.example"
HASHING = PasswordHashing(Argon2Parameters(1, 8192, 1))
OUTBOX = ReportOutbox()


@pytest.fixture(scope="module")
def takedown_site(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int]]:
    tmp: Path = tmp_path_factory.mktemp("takedown")
    sock = free_socket()
    settings = make_settings(tmp, public_url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    db = Database(settings)
    upgrade(db)
    with db.session() as session:
        organisation = create_organisation(session, "Intake Hotline", "hotline")
        create_user(
            session,
            HASHING,
            organisation=organisation,
            username=USERNAME,
            password=PASSWORD,
            role="analyst",
        )
        made = [
            create_report(
                session,
                HASHING,
                NewReport(AgeGroup.UNDER_18, "GB", urls=urls, threatened=threatened),
            ).report
            for urls, threatened in (
                (["https://www.facebook.com/photo.php?fbid=1", "https://pics.example.org/a"], True),
                (["https://m.facebook.com/photo.php?fbid=1"], None),
                (["https://bit.ly/abc"], None),
            )
        ]
        first = session.get(Place, made[0].urls[0].place_id)
        other = session.get(Place, made[0].urls[1].place_id)
        assert first is not None and other is not None
        move(session, first, PlaceStatus.ASSESSED, reason="in scope", news=OUTBOX)
        move(session, other, PlaceStatus.ASSESSED, reason="in scope", news=OUTBOX)
        move(session, other, PlaceStatus.REMOVED, reason="gone", news=OUTBOX)
        place_id = first.id
    with serve(create_app(settings, db), sock) as base_url:
        yield base_url, place_id
    db.dispose()


def _sign_in(page: Any) -> None:
    page.goto("/staff/login")
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/enrol")
    secret = page.inner_text("[data-testid=totp-secret]").replace(" ", "")
    page.fill("#code", totp.code_at(secret, time.time()))
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=recovery-codes]")


def test_the_takedown_pages_pass_axe(browser: Any, takedown_site: tuple[str, int]) -> None:
    base_url, place_id = takedown_site
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page)
        page.goto("/staff/takedown")
        assert page.locator("[data-testid=queue-row]").count() == 2  # the removed one is done
        check_page(page, "takedown queue", width=1280)
        page.goto(f"/staff/takedown/places/{place_id}")
        assert page.locator("[data-testid=notice-form]").count() == 1
        check_page(page, "a place with its forms", width=1280)
        page.click("[data-testid=notice-form] button[type=submit]")
        page.wait_for_selector("[data-testid=notice-row]")
        check_page(page, "a place with a notice", width=1280)
        page.goto("/staff/takedown")
        page.fill("#csv-text", "url\nhttps://new.example.com/1\nnot a link\n")
        page.click("section[aria-labelledby=import-heading] button[type=submit]")
        page.wait_for_selector("[data-testid=import-errors]")
        check_page(page, "import result", width=1280)
        page.goto("/staff/takedown/figures")
        assert page.locator("svg.chart").count() >= 2
        check_page(page, "figures", width=1280)
    finally:
        context.close()
