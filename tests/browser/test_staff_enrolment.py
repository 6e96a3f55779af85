"""Staff two-step sign-in set-up in real Chromium: the QR code a person scans with their
phone must decode from a screenshot of the page, on a phone and on a desktop screen."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from tests.browser.live import free_socket, serve
from tests.conftest import PASSWORD, make_settings

pytestmark = pytest.mark.browser

USERNAME = "dsl@school.example"


@pytest.fixture(scope="module")
def staff_site(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server that knows its own address (the sign-in form passes the origin check)
    with one staff account that has not set up an authenticator app yet."""
    tmp: Path = tmp_path_factory.mktemp("enrol")
    sock = free_socket()
    settings = make_settings(tmp, public_url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    db = Database(settings)
    upgrade(db)
    with db.session() as session:
        organisation = create_organisation(session, "Hillside Academy", "school")
        create_user(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            organisation=organisation,
            username=USERNAME,
            password=PASSWORD,
            role="admin",
        )
    with serve(create_app(settings, db), sock) as base_url:
        yield base_url
    db.dispose()


def decoded_qr_codes(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [found.text for found in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_enrolment_qr_code_scans_from_a_screenshot(
    browser: Any, staff_site: str, width: int
) -> None:
    context = browser.new_context(
        base_url=staff_site, viewport={"width": width, "height": 900}, device_scale_factor=1
    )
    page = context.new_page()
    try:
        page.goto("/staff/login")
        page.fill("#username", USERNAME)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/enrol")
        secret = page.inner_text("[data-testid=totp-secret]").replace(" ", "")
        box = page.locator(".qr svg").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        texts = decoded_qr_codes(page.screenshot(full_page=True))
    finally:
        context.close()
    assert len(texts) == 1, f"no QR code could be read from the page at {width} px"
    uri = urlsplit(texts[0])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert unquote(uri.path).endswith(USERNAME)
    assert parse_qs(uri.query)["secret"] == [secret]
