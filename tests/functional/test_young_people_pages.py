"""The public journey without JavaScript (TestClient): start, routes by age, the threatened
path, the link-only report, reference + PIN, status, withdraw and delete with confirmation,
help pages, the directory, and the readability of every young people's page."""

from __future__ import annotations

import re
import secrets
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from reclaim.directory import countries
from tests.conftest import Staff, csrf, csrf_in
from tests.functional.test_reports_api import image_hashes, make

PUBLIC = [
    "/",
    "/start?age=under18&country=GB",
    "/start?age=adult_taken_under18&country=US",
    "/start?age=adult&country=GB",
    "/threatened",
    "/sent-to-me",
    "/get-help",
    "/report",
    "/report?age=adult",
    "/status",
    "/help/young-people",
    "/help/parents",
    "/help/professionals",
    "/help/directory",
    "/privacy",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_page_has_quick_exit_and_help_now(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert 'id="quick-exit"' in page.text and "https://www.bbc.co.uk/weather" in page.text
    assert "Get help now" in page.text and re.search(r'href="tel:(999|911)"', page.text)
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text and " style=" not in page.text


def test_start_routes_by_age_and_remembers_the_country(client: TestClient) -> None:
    young = client.get("/start?age=under18&country=GB")
    assert "Start my report" in young.text and "0800 1111" in young.text
    assert "Report Remove" in young.text and "CEOP" in young.text
    assert client.cookies.get("reclaim_country") == "GB"
    us = client.get("/start?age=adult_taken_under18&country=US")
    assert "Take It Down" in us.text and "CyberTipline" in us.text and 'href="tel:911"' in us.text
    adult = client.get("/start?age=adult&country=GB")
    assert "StopNCII" in adult.text and "Revenge Porn Helpline" in adult.text
    assert "/report?age=adult" in adult.text
    missing = client.get("/start?country=GB")
    assert missing.status_code == 400 and "Choose how old you are" in missing.text


def test_threatened_path_is_one_tap_from_the_start(client: TestClient) -> None:
    start = client.get("/").text
    assert 'href="/threatened"' in start
    page = client.get("/threatened?country=GB").text
    for words in ("Do not pay", "Stop replying", "Do not delete", "Tell someone you trust"):
        assert words in page
    assert "CEOP" in page and 'href="tel:101"' in page and 'href="tel:999"' in page
    assert "/report?age=under18&amp;threatened=yes" in page


def test_the_hashing_step_says_why_it_needs_javascript(client: TestClient) -> None:
    page = client.get("/report").text
    assert "This step needs JavaScript" in page and 'id="hash-step" hidden' in page
    assert "<input" in page and 'name="website"' in page  # the honeypot


def form_token_in(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "no form token in the report page"
    return match.group(1)


def _report_by_form(client: TestClient, **fields: str) -> str:
    page = client.get("/report?age=under18&country=GB")
    data = {"csrf_token": csrf_in(page.text), "age_group": "under18", **fields}
    data["form_token"] = form_token_in(page.text)
    response = client.post("/report", data=data)
    assert response.status_code == 200, response.text
    return response.text


def test_link_only_report_without_javascript_then_status(client: TestClient) -> None:
    made = _report_by_form(
        client, urls="https://Example.com/x?utm_campaign=a#frag\n", feels_safe="no"
    )
    reference = re.search(r'data-slot="reference">([A-Z0-9-]+)<', made).group(1)  # type: ignore[union-attr]
    pin = re.search(r'data-slot="pin">(\d{6})<', made).group(1)  # type: ignore[union-attr]
    assert "You told us you do not feel safe" in made and "0800 1111" in made
    status = client.post(
        "/status", data={"reference": reference, "pin": pin, "csrf_token": csrf(client, "/status")}
    )
    assert status.status_code == 200
    assert "https://example.com/x" in status.text and "We have it on our list." in status.text


def test_form_errors_are_kind(client: TestClient) -> None:
    page = client.get("/report")
    empty = client.post(
        "/report",
        data={"csrf_token": csrf_in(page.text), "form_token": form_token_in(page.text)},
    )
    assert empty.status_code == 422 and "Add a photo or video, or a link" in empty.text
    wrong = client.post(
        "/status",
        data={"reference": "ABC-DEF-GHJ", "pin": "123456", "csrf_token": csrf(client, "/status")},
    )
    assert wrong.status_code == 400 and "do not match" in wrong.text


def test_withdraw_and_delete_ask_first(client: TestClient) -> None:
    created = make(client, files=[image_hashes(), image_hashes()]).json()
    status = client.post(
        "/status",
        data={
            "reference": created["reference_display"],
            "pin": created["pin"],
            "csrf_token": csrf(client, "/status"),
        },
    )
    assert status.text.count('data-testid="hash-row"') == 2
    token = csrf_in(status.text)
    access = re.search(r'name="access" value="([^"]+)"', status.text).group(1)  # type: ignore[union-attr]
    hash_id = re.search(r'name="hash" value="(\d+)"', status.text).group(1)  # type: ignore[union-attr]
    base = {"csrf_token": token, "reference": created["reference"], "access": access}
    ask = client.post("/status/withdraw", data={**base, "hash": hash_id})
    assert "Are you sure" in ask.text and "Photo 1" in ask.text
    done = client.post("/status/withdraw", data={**base, "hash": hash_id, "confirm": "yes"})
    assert "Websites have been told to stop" in done.text
    assert "Withdrawn: websites have been told to stop." in done.text
    forged = client.post("/status/delete", data={**base, "access": "99999999999.abc"})
    assert "timed out" in forged.text
    ask = client.post("/status/delete", data=base)
    assert "Are you sure you want to delete everything" in ask.text
    gone = client.post("/status/delete", data={**base, "confirm": "yes"})
    assert "Everything is deleted" in gone.text
    after = client.get(
        f"/api/v1/reports/{created['reference']}", headers={"X-Reclaim-PIN": created["pin"]}
    ).json()
    assert after["erased"] and all(h["status"] == "withdrawn" for h in after["hashes"])


def test_nothing_personal_without_reference_and_pin(client: TestClient) -> None:
    secret = f"user-{secrets.token_hex(4)}"
    created = make(client, apps=f"Instagram @{secret}", urls=[f"https://example.com/{secret}"])
    reference = created.json()["reference"]
    for path in [*PUBLIC, f"/status?reference={reference}", f"/api/v1/reports/{reference}"]:
        assert secret not in client.get(path).text


def test_directory_shows_source_and_last_checked(client: TestClient) -> None:
    page = client.get("/help/directory?country=GB").text
    assert "Childline" in page and "0800 1111" in page and "Not yet checked by a person" in page
    assert "Source: " in page and "StopNCII" in page
    for code in ("GB", "US", "CA", "AU", "XX", "ANY"):
        assert code in countries()
        for entry in countries()[code].entries:
            assert entry.source.startswith("https://") and entry.checked_text


def test_staff_dashboard_lists_urgent_reports_first(client: TestClient, staff: Staff) -> None:
    calm = make(client, feels_safe="yes").json()["reference_display"]
    urgent = make(client, feels_safe="no").json()["reference_display"]
    staff.create()
    staff.sign_in(client)
    page = client.get("/staff").text
    assert page.index(urgent) < page.index(calm)
    assert "URGENT" in page and "does not feel safe" in page


# Readability ---------------------------------------------------------------------------------

YOUNG_PAGES = [
    "/",
    "/start?age=under18",
    "/threatened",
    "/sent-to-me",
    "/report",
    "/status",
    "/get-help",
    "/help/young-people",
    "/privacy",
]
MAX_GRADE = 6.0  # Flesch-Kincaid grade 6: a reading age of about 11


class _Text(HTMLParser):
    """The words a person reads in <main> (not the footer, scripts or hidden honeypot)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "main":
            self.depth += 1
        if self.skip or "hidden" in names or names.get("class") in {"honey", "meta"}:
            self.skip += 1 if tag not in {"input", "br", "img"} else 0
        if tag in {"li", "p", "h1", "h2", "label", "legend", "dd", "dt", "button"}:
            self.parts.append(". ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth -= 1
        if self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def syllables(word: str) -> int:
    word = word.lower().strip(".,;:!?\"'()")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:es|ed|e)$", "", word)
    return max(1, len(re.findall(r"[aeiouy]+", word)))


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    sentences = [s for s in re.split(r"[.!?:]+\s", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    syl = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syl / len(words) - 15.59


def page_grade(html: str) -> float:
    parser = _Text()
    parser.feed(html)
    return fk_grade(" ".join(parser.parts) + ".")


def test_the_formula_tells_easy_from_hard() -> None:
    assert fk_grade("The cat sat on the mat. It was a good cat.") < 2
    hard = (
        "Multi-agency safeguarding arrangements necessitate comprehensive documentation "
        "of institutional decision-making rationale throughout proceedings."
    )
    assert fk_grade(hard) > 14


@pytest.mark.parametrize("path", YOUNG_PAGES)
def test_young_peoples_pages_read_at_about_age_9_to_11(client: TestClient, path: str) -> None:
    grade = page_grade(client.get(path).text)
    print(f"{path}: Flesch-Kincaid grade {grade:.1f}")
    assert grade <= MAX_GRADE, f"{path} reads at grade {grade:.1f}; aim for {MAX_GRADE} or below"
