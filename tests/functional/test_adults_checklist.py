"""Issue 13, item 6: a way in for adults. The start page's "I am a parent, carer or teacher
helping a child" leads to the guidance as a checklist in order, each step with the chosen
country's services from the directory; the list of places and people stays in the page; an
adult can make a report for the child (recorded as made by an adult); and a one-page "before
it happens" plan to print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reclaim.reports.models import Report
from reclaim.storage.database import Database
from tests.conftest import Staff, csrf_in
from tests.functional.test_reports_api import make
from tests.functional.test_young_people_pages import form_token_in

CHECKLIST = "/help/parents/checklist"
STEPS = [
    "step-calm",
    "step-image",
    "step-list",
    "step-talk",
    "step-report",
    "step-plan",
    "step-school",
]
SCRIPT = Path("src/reclaim/web/static/js/adult-checklist.js")


def _step(html: str, step: str) -> str:
    start = html.index(f'id="{step}"')
    following = [html.find(f'id="{s}"', start + 1) for s in STEPS]
    ends = [i for i in following if i > start]
    return html[start : min(ends) if ends else html.index("</ol>", start)]


def test_the_start_page_leads_adults_to_the_checklist(client: TestClient) -> None:
    start = client.get("/").text
    assert f'<a href="{CHECKLIST}">I am a parent, carer or teacher helping a child</a>' in start
    assert client.get(CHECKLIST).status_code == 200
    assert f'href="{CHECKLIST}"' in client.get("/help/parents").text


def test_the_steps_follow_the_guidance_in_order(client: TestClient) -> None:
    html = client.get(f"{CHECKLIST}?country=GB").text
    positions = [html.index(f'id="{step}"') for step in STEPS]
    assert positions == sorted(positions)
    assert "thank" in _step(html, "step-calm").lower()
    assert "Save the link" in _step(html, "step-image")
    assert "who has it" in _step(html, "step-list")
    assert "doctor (GP)" in _step(html, "step-plan") and "safety plan" in _step(html, "step-plan")
    assert "Designated Safeguarding Lead" in _step(html, "step-school")
    # Every step can be ticked off, without JavaScript.
    assert html.count("data-step-done") == len(STEPS)


def test_each_step_links_to_the_uk_services_for_a_child(client: TestClient) -> None:
    html = client.get(f"{CHECKLIST}?country=GB").text
    talk = _step(html, "step-talk")
    assert 'href="tel:08001111"' in talk and "Childline" in talk  # for the child
    assert 'href="tel:08088005000"' in talk and "NSPCC" in talk  # for the adult
    report = _step(html, "step-report")
    for where in ("Report Remove", "report.iwf.org.uk", "ceop.police.uk", 'href="tel:101"'):
        assert where in report, where
    assert 'href="tel:999"' in report and "in danger now" in report
    # When each applies: danger, grooming or blackmail, taking it down, the links.
    assert report.index("tel:999") < report.index("ceop") < report.index("Report Remove")
    assert report.index("Report Remove") < report.index("report.iwf.org.uk")
    assert "Revenge Porn Helpline" not in html  # an adults' service, not for a child
    assert "Samaritans" in _step(html, "step-plan")


def test_elsewhere_the_countrys_own_services(client: TestClient) -> None:
    us = client.get(f"{CHECKLIST}?country=US").text
    assert "Report Remove" not in us and "Childline" not in us and "CEOP" not in us
    assert "Take It Down" in us and "CyberTipline" in us and 'href="tel:911"' in us
    somewhere = client.get(f"{CHECKLIST}?country=XX").text
    assert "Tell the police where you live" in somewhere and "tel:999" not in somewhere


def test_the_list_of_places_is_never_sent(client: TestClient) -> None:
    html = client.get(CHECKLIST).text
    editor = html[html.index("data-list-editor") : html.index("data-download")]
    assert "name=" not in editor  # nothing in it could be part of a form submission
    assert "method=" not in editor and "action=" not in editor
    script = SCRIPT.read_text(encoding="utf-8")
    for api in ("localStorage", "sessionStorage", "indexedDB", "fetch(", "XMLHttpRequest"):
        assert api not in script, api
    assert "<script>" not in html and " style=" not in html  # the CSP holds


def test_without_javascript_it_is_a_plain_list_with_print(client: TestClient) -> None:
    html = client.get(CHECKLIST).text
    assert "data-list-editor hidden" in html  # the editor needs JavaScript
    assert "use your browser's Print" in html and "write-line" in html


def test_a_printable_before_it_happens_plan(client: TestClient) -> None:
    html = client.get("/help/before-it-happens?country=GB").text
    assert 'class="one-page"' in html
    for words in ("two-factor", "Designated Safeguarding Lead", "999", "Childline (0800 1111)"):
        assert words in html, words
    assert "NSPCC helpline (for adults) (0808 800 5000)" in html
    assert "/help/parents/checklist" in html


def test_an_adult_makes_a_report_for_a_child_without_javascript(
    client: TestClient, app_db: Database, staff: Staff
) -> None:
    checklist = client.get(CHECKLIST).text
    form = _step(checklist, "step-report")
    assert 'action="/report"' in form and 'name="for" value="child"' in form
    assert 'value="under13"' in form and 'value="under18"' in form
    page = client.get("/report?for=child&age=under13&country=GB")
    assert "Make a report for a child" in page.text and "device that" in page.text
    assert "Is the child safe right now?" in page.text
    assert 'name="made_by_adult" value="yes"' in page.text
    made = client.post(
        "/report",
        data={
            "csrf_token": csrf_in(page.text),
            "form_token": form_token_in(page.text),
            "age_group": "under13",
            "made_by_adult": "yes",
            "urls": "https://example.com/where-it-was",
            "feels_safe": "no",
        },
    )
    assert made.status_code == 200
    assert "You told us the child is not safe right now." in made.text
    with app_db.session() as session:
        from sqlalchemy import select

        report = session.scalars(select(Report)).one()
        assert report.made_by_adult and report.age_group == "under13" and report.urgent
        public_id = report.public_id
    staff.create()
    staff.sign_in(client)
    assert "made by an adult for the child" in client.get("/staff").text
    detail = client.get(f"/staff/reports/{public_id}").text
    assert re.search(r'data-testid="made-by">an adult \(parent, carer or teacher\)', detail)


def test_the_api_takes_made_by_adult_only_for_a_child(client: TestClient) -> None:
    made = make(client, made_by_adult=True)
    assert made.status_code == 201
    refused = make(
        client, age_group="adult", files=[], urls=["https://e.com/a"], made_by_adult=True
    )
    assert refused.status_code == 422


@pytest.mark.parametrize("age", ["adult", "adult_taken_under18"])
def test_a_report_for_a_child_needs_a_childs_age(client: TestClient, age: str) -> None:
    page = client.get(f"/report?for=child&age={age}").text
    assert "made_by_adult" not in page and "Make a report for a child" not in page
