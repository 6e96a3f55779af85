"""Issue 13, item 6 in real Chromium: a parent's journey through the checklist at 360 px,
keyboard-only, keeping a list of places and people, printing it and downloading it, with every
request recorded (in the browser and on the server) and none carrying what was typed; then a
report for the child. axe-core finds nothing on every new page and state."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.browser.test_young_people import (  # noqa: F401  (fixtures)
    PHONE,
    Site,
    check_page,
    phone,
    site,
    tab_to,
)

pytestmark = pytest.mark.browser

CHECKLIST = "/help/parents/checklist"
# window.print and the download link are stood in for (downloads do not work on these
# machines): what they were asked to do is kept in the page for the test to read (the file's
# Blob too: the page's CSP rightly refuses to fetch even a blob: URL).
STAND_INS = """
window.__printed = 0;
window.print = () => { window.__printed += 1; };
const realObjectUrl = URL.createObjectURL;
URL.createObjectURL = (blob) => { window.__blob = blob; return realObjectUrl(blob); };
const realClick = HTMLAnchorElement.prototype.click;
HTMLAnchorElement.prototype.click = function () {
  if (this.download) { window.__download = {name: this.download, href: this.href}; return; }
  return realClick.call(this);
};
"""


def test_new_adult_pages_pass_axe(phone: tuple[Any, list[str]]) -> None:  # noqa: F811
    page, outside = phone
    for path in (
        f"{CHECKLIST}?country=GB",
        f"{CHECKLIST}?country=US",
        f"{CHECKLIST}?country=XX",
        "/help/before-it-happens?country=GB",
        "/report?for=child&age=under18&country=GB",
        "/start?age=under13&country=GB",
        "/report?age=under13",
    ):
        page.goto(path)
        check_page(page, path)
    page.goto(CHECKLIST)
    page.click("[data-testid=add-place]")  # nothing typed: the message state
    assert "Type where it appeared" in (page.text_content("[data-testid=list-status]") or "")
    check_page(page, "checklist, nothing typed")
    page.goto("/report?for=child&age=under13")
    page.check("[data-testid=not-safe]")
    assert page.is_visible("[data-testid=not-safe-help]")
    check_page(page, "report for a child, not safe")
    assert outside == []


WELSH = [
    "/?lang=cy",
    "/start?age=under13&country=GB",
    "/start?age=under18&country=GB",
    "/start?age=adult&country=GB",
    "/start?country=GB",  # the error state
    "/threatened",
    "/get-help",
    CHECKLIST,
    "/help/before-it-happens",
    "/report?for=child&age=under18",
    "/report?age=under18",
    "/report?age=adult",
    "/status",
    "/sent-to-me",
    "/privacy",
    "/help/directory",
]


def test_pages_in_welsh_pass_axe(phone: tuple[Any, list[str]]) -> None:  # noqa: F811
    page, outside = phone
    for path in WELSH:
        page.goto(path)
        assert page.get_attribute("html", "lang") == "cy", path
        check_page(page, f"{path} (cy)")
    page.goto("/?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert outside == []


def test_the_checklist_without_javascript(browser: Any, site: Site) -> None:  # noqa: F811
    context = browser.new_context(base_url=site.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(CHECKLIST)
    assert page.is_visible("[data-testid=checklist]") and page.is_visible("#step-school")
    assert not page.is_visible("[data-testid=list-form]")
    assert page.is_visible("text=use your browser's Print")
    page.check("#step-calm [data-step-done]")  # ticking off works without a script
    page.emulate_media(media="print")
    assert page.is_visible(".write-lines")  # blank lines to write on, on paper
    context.close()


def test_a_parents_journey_keyboard_only_and_the_list_never_leaves_the_page(
    browser: Any,
    site: Site,  # noqa: F811
) -> None:
    context = browser.new_context(base_url=site.url, viewport=PHONE)
    context.add_init_script(STAND_INS)
    seen: list[tuple[str, str, str]] = []
    context.on(
        "request",
        lambda r: seen.append((r.url, r.post_data or "", repr(r.headers))),
    )
    page = context.new_page()
    marker = secrets.token_hex(8)
    place = f"https://example.com/p/{marker}-place"
    person = f"Sam {marker}-person"
    app = f"snapface {marker}-app"
    server_before = len(site.app.requests)

    page.goto("/")
    tab_to(page, f'a[href="{CHECKLIST}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{CHECKLIST}")
    page.wait_for_selector("[data-list-editor]:not([hidden])")  # the script has run

    tab_to(page, "#step-calm [data-step-done]")
    page.keyboard.press("Space")
    assert page.is_checked("#step-calm [data-step-done]")
    tab_to(page, "#place-where")
    page.keyboard.type(place)
    page.keyboard.press("Tab")
    page.keyboard.type(person)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=place-list] li")
    assert page.evaluate("document.activeElement.id") == "place-where"
    page.keyboard.type(app)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=place-list] li:nth-child(2)")
    assert "2 on the list" in (page.text_content("[data-testid=list-status]") or "")
    check_page(page, "checklist with a list", width=360)

    # Remove one, by keyboard, then add it back.
    tab_to(page, "[data-testid=place-list] li:nth-child(2) button")
    page.keyboard.press("Enter")
    assert page.locator("[data-testid=place-list] li").count() == 1
    page.keyboard.type(app)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=place-list] li:nth-child(2)")

    # Print: the list is on paper, the editor and the site's controls are not.
    tab_to(page, "[data-testid=print-checklist]")
    page.keyboard.press("Enter")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.is_visible(f"text={marker}-place") and page.is_visible(f"text={marker}-app")
    assert not page.is_visible("[data-testid=list-form]")
    assert not page.is_visible("[data-testid=quick-exit]")
    assert not page.is_visible(".write-lines")  # the list replaces the blank lines
    page.emulate_media(media="screen")

    # Download: a text file made in the page.
    tab_to(page, "[data-testid=download-list]")
    page.keyboard.press("Enter")
    download = page.evaluate("window.__download")
    assert download["name"] == "where-it-appeared.txt" and download["href"].startswith("blob:")
    text = page.evaluate("async () => await window.__blob.text()")
    assert f"1. {place} - {person}" in text and f"2. {app}" in text
    assert "Never save, copy or send the image" in text

    # Then a report for the child, from this device: the list does not go with it.
    tab_to(page, "[data-testid=report-for-child] input[value=under13]")
    page.keyboard.press("Space")
    tab_to(page, "[data-testid=report-for-child] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/report?**")
    assert page.is_visible("text=Make a report for a child")
    check_page(page, "report for a child", width=360)

    # Not one request, seen by the browser or by the server, carried what was typed.
    assert [entry for entry in seen if marker in "".join(entry)] == []
    server_side = [
        r
        for r in site.app.requests[server_before:]
        if marker.encode() in r.path.encode() + r.query + r.body + repr(r.headers).encode()
    ]
    assert server_side == []
    assert page.evaluate("window.localStorage.length + window.sessionStorage.length") == 0
    context.close()
