"""Issue 13, item 7: the age question tells a child of 12 or younger apart. Primary-age children
use these apps too, and the guidance makes sexual acts involving any child under 13 an
immediate referral: a report by or for an under-13 is urgent for staff, routed to the same
services as under 18, and the under-13 path reads at a lower reading age (grade 4)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from reclaim.directory import countries
from reclaim.reports import danger_flags, is_urgent
from tests.conftest import Staff, csrf_in
from tests.functional.test_reports_api import make
from tests.functional.test_young_people_pages import form_token_in, page_grade

UNDER_13_PAGES = ["/start?age=under13&country=GB", "/report?age=under13"]
MAX_GRADE_UNDER_13 = 4.0  # Flesch-Kincaid grade 4: a reading age of about 9


def test_the_age_question_offers_12_or_younger_first(client: TestClient) -> None:
    start = client.get("/").text
    values = re.findall(r'name="age" value="([a-z_0-9]+)"', start)
    assert values[0] == "under13" and "under18" in values
    assert "I am 12 or younger" in start and "I am 13 to 17" in start


def test_under_13_goes_to_the_under_18_services_and_a_grown_up(client: TestClient) -> None:
    page = client.get("/start?age=under13&country=GB")
    assert page.status_code == 200
    assert "Tell a grown-up you trust" in page.text and "0800 1111" in page.text
    assert 'href="/report?age=under13"' in page.text
    assert "Revenge Porn Helpline" not in page.text and "StopNCII" not in page.text
    # Every country's under-18 services suit an under-13 too.
    for place in countries().values():
        assert place.for_use("talk", group="under13") == place.for_use("talk", group="under18")
        assert place.for_use("remove-image", group="under13") == place.for_use(
            "remove-image", group="under18"
        )


@pytest.mark.parametrize("path", UNDER_13_PAGES)
def test_the_under_13_path_reads_at_about_age_9(client: TestClient, path: str) -> None:
    grade = page_grade(client.get(path).text)
    print(f"{path}: Flesch-Kincaid grade {grade:.1f}")
    assert grade <= MAX_GRADE_UNDER_13, f"{path} reads at grade {grade:.1f}"


def test_under_13_is_always_urgent() -> None:
    assert is_urgent(None, None, "under13") and is_urgent(False, "yes", "under13")
    assert not is_urgent(False, "yes", "under18")
    assert danger_flags(None, "yes", "under13") == ["under 13: immediate referral"]


def test_an_api_report_for_an_under_13_jumps_the_queue(client: TestClient, staff: Staff) -> None:
    calm = make(client, feels_safe="yes").json()
    young = make(client, age_group="under13", feels_safe="yes", threatened=False).json()
    assert young["urgent"] is True and calm["urgent"] is False
    staff.create()
    staff.sign_in(client)
    dashboard = client.get("/staff").text
    assert dashboard.index(young["reference_display"]) < dashboard.index(calm["reference_display"])
    assert "under 13: immediate referral" in dashboard


def test_a_no_javascript_report_for_an_under_13_is_urgent(client: TestClient) -> None:
    form = client.get("/report?age=under13&country=GB")
    assert 'name="age_group" value="under13"' in form.text
    made = client.post(
        "/report",
        data={
            "csrf_token": csrf_in(form.text),
            "form_token": form_token_in(form.text),
            "age_group": "under13",
            "urls": "https://example.com/seen",
            "feels_safe": "yes",
        },
    )
    assert made.status_code == 200
    assert "Your report goes to the top of our team" in made.text
    assert "0800 1111" in made.text  # Childline, not the adults' line
