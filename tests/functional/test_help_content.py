"""Issue 9, items 15-17, on the server-rendered pages (no JavaScript): help for every country,
the guidance followed on every help page, and the reference + PIN kept in a way that survives."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from reclaim.accounts.staff import create_organisation
from reclaim.directory import COUNTRY_ORDER, countries
from reclaim.storage.database import Database
from tests.conftest import Staff, csrf, csrf_in
from tests.functional.test_reports_api import image_hashes, make
from tests.functional.test_young_people_pages import form_token_in

UK_CRISIS = ("Samaritans", "116 123", "Shout", "85258", "PAPYRUS", "0800 068 4141")


def _li_with(html: str, words: str) -> str:
    found = [li for li in re.findall(r"<li>(.*?)</li>", html, re.S) if words in li]
    assert found, f"no list item with {words!r}"
    return found[0]


# Item 16: help for those outside the UK -------------------------------------------------------


def test_the_directory_says_not_yet_checked_instead_of_a_date(client: TestClient) -> None:
    page = client.get("/help/directory?country=GB").text
    assert "Checked 21 November 2026" not in page
    assert "Not yet checked by a person" in page and "Source: " in page


@pytest.mark.parametrize("code", COUNTRY_ORDER)
def test_every_country_shows_a_young_peoples_line_and_a_crisis_line(
    client: TestClient, code: str
) -> None:
    place = countries()[code]
    young, crisis = place.young_line(), place.crisis_line()
    assert young is not None and crisis is not None
    for path in (f"/get-help?country={code}", f"/start?age=under18&country={code}"):
        page = client.get(path).text
        assert young.name in page and young.source in page, path
        assert crisis.name in page and crisis.source in page, path


def test_us_and_canada_do_not_offer_a_tipline_or_website_as_someone_to_talk_to(
    client: TestClient,
) -> None:
    us = client.get("/start?age=under18&country=US").text
    talk = us.split("Someone to talk to", 1)[1].split("<h2", 1)[0]
    assert "CyberTipline" not in talk
    ca = client.get("/start?age=under18&country=CA").text
    talk = ca.split("Someone to talk to", 1)[1].split("<h2", 1)[0]
    assert "NeedHelpNow" not in talk and 'href="tel:' in talk


def test_somewhere_else_threatened_page_points_only_at_services_that_are_there(
    client: TestClient,
) -> None:
    page = client.get("/threatened?country=XX").text
    assert "services below" not in page
    assert "police" in page and "Take It Down" in page
    assert "Child Helpline International" in page and "Find A Helpline" in page


# Item 17: the guidance, followed ------------------------------------------------------------


def test_uk_adult_whose_image_was_taken_under_18_is_not_offered_under_18_services(
    client: TestClient,
) -> None:
    page = client.get("/start?age=adult_taken_under18&country=GB").text
    assert "Report Remove" not in page and "Childline" not in page and "0800 1111" not in page
    assert "Take It Down" in page and "Start my report" in page
    young = client.get("/start?age=under18&country=GB").text
    assert "Report Remove" in young and "Childline" in young


def test_young_peoples_help_does_not_contradict_report_remove(client: TestClient) -> None:
    page = client.get("/help/young-people?country=GB").text
    assert "Not even to help" not in page
    assert "Report Remove" in page


def test_group_links_and_qr_codes_are_a_risk_with_anyone(client: TestClient) -> None:
    for path in ("/help/young-people", "/help/parents"):
        item = _li_with(client.get(path).text, "QR code")
        assert "do not know" not in item and "anyone" in item, path


def test_threatened_page_says_do_not_send_any_more_photos(client: TestClient) -> None:
    assert "Do not send any more photos" in client.get("/threatened?country=GB").text


def _staff_report_page(client: TestClient, staff: Staff, db: Database, kind: str) -> str:
    made = make(client, files=[image_hashes()], urls=["https://pics.example.org/p/1"])
    reference = made.json()["reference"]
    if kind != "school":
        with db.session() as session:
            create_organisation(session, "Northern Hotline", kind)
        staff.create(org="Northern Hotline")
    else:
        staff.create()
    staff.sign_in(client)
    listing = client.get("/staff").text
    report_id = re.search(r'href="/staff/reports/([A-Za-z0-9_-]+)"', listing).group(1)  # type: ignore[union-attr]
    page = client.get(f"/staff/reports/{report_id}").text
    assert reference[:3] in page
    return page


def test_staff_report_page_never_invites_school_staff_to_open_links(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    page = _staff_report_page(client, staff, app_db, "school")
    assert "Open one only" not in page and "analysts" not in page
    assert "Do not open these links" in page


def test_only_a_hotline_is_told_how_its_analysts_check_links(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    page = _staff_report_page(client, staff, app_db, "hotline")
    assert "Open one only" not in page
    assert "analysts" in page and "never in Reclaim" in page


def test_parents_page_follows_the_guidance(client: TestClient) -> None:
    page = client.get("/help/parents?country=GB").text
    assert "Childline" in page and "0800 1111" in page
    assert "Internet Watch Foundation" in page and "report.iwf.org.uk" in page
    assert "/help/professionals" in page  # a teacher who arrived here finds their page


def test_professionals_page_follows_the_guidance(client: TestClient) -> None:
    page = client.get("/help/professionals?country=GB").text
    for words in ("Childline", "GP", "CEOP", "Internet Watch Foundation"):
        assert words in page, words
    reasons = (
        "an adult is involved",
        "coercion, blackmail or grooming",
        "unusual for the child",
        "under 13",
        "immediate risk of harm",
    )
    for words in reasons:
        assert words in page, words


def _made(client: TestClient) -> str:
    page = client.get("/report?age=under18&country=GB")
    made = client.post(
        "/report",
        data={
            "csrf_token": csrf_in(page.text),
            "form_token": form_token_in(page.text),
            "age_group": "under18",
            "urls": "https://example.com/a",
        },
    )
    assert made.status_code == 200, made.text
    return made.text


def test_crisis_lines_on_the_threatened_report_made_and_status_pages(client: TestClient) -> None:
    made = _made(client)
    reference = re.search(r'data-slot="reference">([A-Z0-9-]+)<', made).group(1)  # type: ignore[union-attr]
    pin = re.search(r'data-slot="pin">(\d{6})<', made).group(1)  # type: ignore[union-attr]
    status = client.post(
        "/status", data={"reference": reference, "pin": pin, "csrf_token": csrf(client, "/status")}
    ).text
    threatened = client.get("/threatened?country=GB").text
    report_js = client.get("/report?age=under18&country=GB").text  # the made panel, for JS
    for name, page in (
        ("threatened", threatened),
        ("made", made),
        ("made (JS)", report_js),
        ("status", status),
    ):
        for words in UK_CRISIS:
            assert words in page, f"{name}: {words}"


def test_a_child_who_was_sent_someone_elses_image_has_a_path(client: TestClient) -> None:
    start = client.get("/?country=GB").text
    assert 'href="/sent-to-me"' in start
    assert 'href="/sent-to-me"' in client.get("/help/young-people").text
    page = client.get("/sent-to-me?country=GB")
    assert page.status_code == 200
    for words in ("not in trouble", "Do not forward it", "screenshot", "Tell an adult"):
        assert words in page.text, words
    assert "Internet Watch Foundation" in page.text and "report.iwf.org.uk" in page.text


def test_a_parent_or_teacher_has_a_way_in_from_the_start_page(client: TestClient) -> None:
    start = client.get("/").text
    link = re.search(r'<a[^>]*href="(/help/[a-z/]+)"[^>]*>([^<]*)</a>', start.split("</main>")[0])
    assert link is not None
    assert link.group(2) == "I am a parent, carer or teacher helping a child"
    assert client.get(link.group(1)).status_code == 200


# Item 15: keep the reference and PIN ----------------------------------------------------------


def test_check_my_report_carries_the_reference_never_the_pin(client: TestClient) -> None:
    made = _made(client)
    reference = re.search(r'data-slot="reference">([A-Z0-9-]+)<', made).group(1)  # type: ignore[union-attr]
    pin = re.search(r'data-slot="pin">(\d{6})<', made).group(1)  # type: ignore[union-attr]
    check = re.search(r'<a[^>]*href="([^"]*)"[^>]*data-testid="check-report"', made)
    assert check is not None and check.group(1) == f"/status?reference={reference}"
    assert pin not in check.group(1)
    form = client.get(check.group(1).replace("&amp;", "&")).text
    assert f'value="{reference}"' in form


def test_the_made_page_offers_print_and_copy_and_a_saved_step(client: TestClient) -> None:
    made = _made(client)
    assert 'data-testid="print-codes"' in made and 'data-testid="copy-codes"' in made
    assert 'data-testid="saved-codes"' in made
    assert "print this page" in made  # without JavaScript: the browser's own Print
    assert "/static/js/keep-pin.js" in made
    assert "/static/js/keep-pin.js" in client.get("/report").text
