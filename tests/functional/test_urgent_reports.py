"""Issue 9, items 11-13: what counts as urgent, what a young person is told, who on the staff
side is alerted, and limits that fall on an abuser rather than on a child."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.reports.models import Report
from reclaim.storage.database import Database
from tests.conftest import csrf_in
from tests.functional.test_reports_api import make

CSS = Path(__file__).parents[2] / "src/reclaim/web/static/css/reclaim.css"


def report_by_form(client: TestClient, **fields: str) -> tuple[int, str]:
    page = client.get("/report?age=under18&country=GB")
    token = re.search(r'name="form_token" value="([^"]*)"', page.text)
    data = {"csrf_token": csrf_in(page.text), "age_group": "under18", **fields}
    if token:
        data["form_token"] = token.group(1)
    response = client.post("/report", data=data)
    return response.status_code, response.text


def urgent_panel(html: str) -> str:
    match = re.search(
        r"<div class=\"callout danger[^\"]*\" data-urgent-panel>(.*?)</div>", html, re.S
    )
    assert match, "no urgent panel shown"
    return re.sub(r"<(\w+)[^>]* hidden>.*?</\1>", "", match.group(1), flags=re.S)  # what shows


# Item 11 -------------------------------------------------------------------------------------


def test_not_sure_is_urgent(client: TestClient, app_db: Database) -> None:
    made = make(client, feels_safe="not_sure")
    assert made.status_code == 201 and made.json()["urgent"] is True
    code, page = report_by_form(client, urls="https://example.com/a", feels_safe="not_sure")
    assert code == 200
    panel = urgent_panel(page)
    assert 'href="tel:999"' in panel and "0800 1111" in panel
    assert "not sure" in panel and "do not feel safe" not in panel
    with app_db.session() as session:
        assert all(r.urgent for r in session.scalars(select(Report)))


def test_not_sure_shows_help_at_once_on_the_form() -> None:
    """The help under "Do you feel safe right now?" appears (CSS only) for No and Not sure."""
    css = CSS.read_text()
    rule = re.search(r"([^}]*)\{\s*display:\s*block;\s*\}", css[css.index(".not-safe-help") :])
    assert rule is not None
    assert 'input[value="no"]:checked' in rule.group(1)
    assert 'input[value="not_sure"]:checked' in rule.group(1)


def test_threatened_but_safe_is_told_what_they_said(client: TestClient) -> None:
    code, page = report_by_form(
        client, urls="https://example.com/b", feels_safe="yes", threatened="yes"
    )
    assert code == 200
    panel = urgent_panel(page)
    assert "someone is threatening you" in panel
    assert "do not feel safe" not in panel and "not sure" not in panel
    assert 'href="tel:999"' in panel


def test_not_safe_is_told_what_they_said(client: TestClient) -> None:
    code, page = report_by_form(client, urls="https://example.com/c", feels_safe="no")
    assert code == 200
    panel = urgent_panel(page)
    assert "You told us you do not feel safe" in panel
    assert "threatening" not in panel
