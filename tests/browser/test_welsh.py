"""Issue 13, item 8 in real Chromium: the help pages, the adults' checklist and the plan to
print pass axe-core in Welsh at 360 px, and the words the report page's scripts write (hashing
progress, a file that cannot be read, the reference and PIN) are Welsh on a Welsh page."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.browser.synthetic import noise_image, png_with_text
from tests.browser.test_young_people import (  # noqa: F401  (fixtures)
    Site,
    check_page,
    phone,
    site,
)

pytestmark = pytest.mark.browser

HELP_PAGES = [
    "/help/young-people",
    "/help/parents",
    "/help/professionals",
    "/help/parents/checklist",
    "/help/before-it-happens",
]


def test_the_help_pages_in_welsh_pass_axe_at_360px(phone: tuple[Any, list[str]]) -> None:  # noqa: F811
    page, outside = phone
    page.goto("/?lang=cy")
    for country in ("GB", "US", "XX"):
        for path in HELP_PAGES:
            page.goto(f"{path}?country={country}")
            assert page.get_attribute("html", "lang") == "cy", path
            check_page(page, f"{path}?country={country} (cy)", width=360)
    page.goto("/help/parents/checklist")
    page.wait_for_selector("[data-list-editor]:not([hidden])")
    page.click("[data-testid=add-place]")  # nothing typed: the message state, in Welsh
    said = page.text_content("[data-testid=list-status]") or ""
    assert said.startswith("Yn gyntaf, teipiwch ble ymddangosodd hi"), said
    page.fill("#place-where", "https://example.com/p/1")
    page.click("[data-testid=add-place]")
    assert "Wedi’i ychwanegu. 1 ar y rhestr." in (page.text_content("[data-list-status]") or "")
    assert "Tynnu" in (page.text_content("[data-testid=place-list]") or "")
    check_page(page, "checklist with a place (cy)", width=360)
    assert outside == []


def test_the_report_pages_script_writes_welsh(
    phone: tuple[Any, list[str]],  # noqa: F811
    tmp_path: Path,
) -> None:
    page, outside = phone
    image = tmp_path / "synthetic.png"
    image.write_bytes(png_with_text(noise_image(320, 240, seed=secrets.randbits(32)), "cy"))
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    page.goto("/report?age=under18&lang=cy")
    page.wait_for_selector("#hash-step:not([hidden])")  # report.js has run
    page.click("[data-testid=send-report]")  # nothing chosen
    assert (page.text_content("[data-testid=js-error]") or "").startswith("Ychwanegwch lun")
    page.set_input_files("#report-files", [str(image), str(empty)])
    page.wait_for_selector("body[data-hashing=done]")
    status = page.text_content("[data-testid=hash-status]") or ""
    assert status == "Codau’n barod: 1. Arhosodd eich lluniau ar y ffôn hwn.", status
    captions = page.locator("#previews li span").all_text_contents()
    assert captions[0] == "Llun 1: cod yn barod.", captions
    assert captions[1].startswith("Llun 2: Mae’r ffeil hon yn wag"), captions
    assert "Does dim byd wedi’i anfon i unman." in captions[1]
    assert page.get_attribute("#previews img", "alt") == (
        "Llun 1, fel y’i dewiswyd (ar y ffôn hwn yn unig)"
    )
    check_page(page, "report with a code and a refused file (cy)", width=360)
    page.check("input[name=feels_safe][value=yes]")
    page.click("[data-testid=send-report]")
    page.wait_for_selector("[data-testid=made]:not([hidden])")
    assert page.title() == "Eich cyfeirnod a’ch PIN · Reclaim"
    page.click("[data-testid=copy-codes]")  # copied, or "did not work": either way in Welsh
    # A locator, not wait_for_function: Playwright polls a predicate with eval(), which the
    # page's CSP (script-src 'self') refuses once the first check has come back false.
    page.locator("[data-testid=copy-status]").filter(has_text=re.compile(r"\S")).wait_for()
    copied = page.text_content("[data-testid=copy-status]") or ""
    assert copied.startswith(("Wedi’i gopïo.", "Wnaeth copïo ddim gweithio")), copied
    check_page(page, "reference and PIN (cy)", width=360)
    assert outside == []
