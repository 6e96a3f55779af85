"""Issue 13, item 8: every public page and message is translatable (Babel catalogues), the
language is chosen by a visible switch or the browser's preference, and Welsh is the first
translation (a draft that needs review by a native speaker before launch)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src/reclaim/web/templates"
CATALOGUES = ROOT / "src/reclaim/web/translations"
PUBLIC_TEMPLATES = sorted(
    [
        TEMPLATES / "base.html",
        *(TEMPLATES / "young").glob("*.html"),
        *(TEMPLATES / "partials").glob("*.html"),
    ]
)
#: Words that are names, never translated.
NAMES = {"Reclaim", "PIN"}
TRANSLATED_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.skip += 1
        for name, value in attrs:
            if value and (name in TRANSLATED_ATTRIBUTES or name.startswith("data-msg-")):
                self.handle_data(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        words = [w for w in re.findall(r"[^\W\d_]{2,}", data) if w not in NAMES]
        if words:
            self.found.append(" ".join(words))


def literal_text(source: str) -> list[str]:
    """Words a template shows that are outside {% trans %} blocks and _() calls. Expressions
    ({{ ... }}: data such as service names and numbers, or _() calls), tags and comments are
    taken out first."""
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%-?\s*trans\b.*?endtrans\s*-?%}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.S)
    parser = _Words()
    parser.feed(source)
    return parser.found


def test_the_check_finds_literal_text_and_passes_translated_text() -> None:
    assert literal_text("<p>Hello there</p>") == ["Hello there"]
    assert literal_text('<a aria-label="Go home">{{ name }}</a>') == ["Go home"]
    assert literal_text("<p>{% trans %}Hello{% endtrans %} {{ _('x') }} 0800 1111, ·</p>") == []


@pytest.mark.parametrize(
    "template",
    [pytest.param(path, id=str(path.relative_to(TEMPLATES))) for path in PUBLIC_TEMPLATES],
)
def test_public_templates_hold_no_literal_text(template: Path) -> None:
    found = literal_text(template.read_text(encoding="utf-8"))
    assert found == [], f"{template.name}: words outside {{% trans %}} / _(): {found[:5]}"


def test_the_welsh_catalogue_translates_every_message_and_says_it_needs_review() -> None:
    with (CATALOGUES / "messages.pot").open("rb") as pot:
        wanted = {m.id for m in read_po(pot) if m.id}
    po_file = CATALOGUES / "cy/LC_MESSAGES/messages.po"
    text = po_file.read_text(encoding="utf-8")
    assert "NEEDS REVIEW BY A NATIVE SPEAKER BEFORE LAUNCH" in text
    with po_file.open("rb") as po:
        welsh = {m.id: m.string for m in read_po(po) if m.id}
    assert wanted <= set(welsh), sorted(wanted - set(welsh))[:5]
    # Every form of a plural too (Welsh has six).
    assert [k for k, v in welsh.items() if not all(v if isinstance(v, tuple) else (v,))] == []
    # Placeholders survive translation.
    for msgid, msgstr in welsh.items():
        assert set(re.findall(r"%\(\w+\)s", str(msgid))) == set(
            re.findall(r"%\(\w+\)s", str(msgstr))
        )


def test_the_switch_sets_the_language_and_remembers_it(client: TestClient) -> None:
    english = client.get("/")
    assert '<html lang="en">' in english.text
    switch = re.search(r'<nav class="lang-switch"[^>]*>.*?</nav>', english.text, re.S)
    assert switch and 'href="/?lang=cy"' in switch.group(0) and ">Cymraeg<" in switch.group(0)
    welsh = client.get("/?lang=cy")
    assert '<html lang="cy">' in welsh.text and "Faint yw eich oed chi?" in welsh.text
    assert client.cookies.get("reclaim_lang") == "cy"
    later = client.get("/threatened")  # the cookie keeps it
    assert '<html lang="cy">' in later.text and "Peidiwch â thalu" in later.text
    assert 'href="/threatened?lang=en"' in later.text
    back = client.get("/?lang=en")
    assert '<html lang="en">' in back.text and "How old are you?" in back.text


def test_the_browsers_preference_is_respected(client: TestClient) -> None:
    welsh = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert '<html lang="cy">' in welsh.text and "Ble rydych chi’n byw?" in welsh.text
    other = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="en">' in other.text


def test_messages_made_in_python_are_translated(client: TestClient) -> None:
    missing = client.get("/start?country=GB&lang=cy")
    assert missing.status_code == 400
    assert "Dewiswch faint yw eich oed, yna pwyswch Nesaf." in missing.text


def test_staff_pages_stay_in_english(client: TestClient) -> None:
    client.get("/?lang=cy")
    login = client.get("/staff/login")
    assert '<html lang="en">' in login.text


def test_the_status_page_and_its_messages_speak_welsh(client: TestClient) -> None:
    """The status page (its words, the status words made in Python, sharing) and the refusals
    made in Python follow the chosen language; the API follows Accept-Language."""
    from tests.conftest import csrf, csrf_in
    from tests.functional.test_reports_api import image_hashes, make, pin_header

    made = make(client, files=[image_hashes()], urls=["https://pics.example.org/p/1"]).json()
    client.get("/?lang=cy")
    wrong = client.post(
        "/status",
        data={
            "reference": made["reference"],
            "pin": "000000",
            "csrf_token": csrf(client, "/status"),
        },
    )
    assert wrong.status_code == 400 and "Dydy’r cyfeirnod a’r PIN yna ddim yn cyfateb" in wrong.text
    status = client.post(
        "/status",
        data={
            "reference": made["reference"],
            "pin": made["pin"],
            "csrf_token": csrf(client, "/status"),
        },
    )
    assert status.status_code == 200 and '<html lang="cy">' in status.text
    for welsh in (
        "Eich lluniau a’ch fideos",  # the template
        "Llun 1",  # hash_label
        "Ar waith: mae gwefannau’n rhwystro copïau.",  # HASH_STATUS
        "Mae e ar ein rhestr.",  # URL_STATUS
        "Gall hynny fod yn newyddion da.",  # blocked_sentence
        "Fe wnaethoch chi’r peth iawn",  # next_steps
        "Rhannu gyda’ch ysgol neu wasanaeth",  # sharing
    ):
        assert welsh in status.text, welsh
    unknown = client.post(
        "/status/share",
        data={
            "csrf_token": csrf_in(status.text),
            "reference": _field(status.text, "reference"),
            "access": _field(status.text, "access"),
            "code": "NOPE-NOPE",
        },
    )
    assert unknown.status_code == 400 and "Allen ni ddim dod o hyd i’r cod yna" in unknown.text
    client.cookies.delete("reclaim_lang")
    api = client.get(
        f"/api/v1/reports/{made['reference']}",
        headers={"X-Reclaim-PIN": made["pin"], "Accept-Language": "cy"},
    )
    assert api.status_code == 200, api.text
    assert api.json()["hashes"][0]["label"] == "Llun 1"
    english = client.get(f"/api/v1/reports/{made['reference']}", headers=pin_header(made["pin"]))
    assert english.json()["hashes"][0]["label"] == "Photo 1"


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, name
    return found.group(1)


def test_refusals_made_in_python_speak_welsh(client: TestClient) -> None:
    """A context's refusal (reports.commands) reaches the person in their language."""
    from tests.functional.test_reports_api import proof

    body = {"age_group": "under18", "country": "GB", "files": [], "proof": proof(client)}
    refused = client.post("/api/v1/reports", json=body, headers={"Accept-Language": "cy"})
    assert refused.status_code == 422, refused.text
    assert "Ychwanegwch lun neu fideo" in refused.json()["detail"]


def test_every_public_template_is_checked() -> None:
    """The help pages, the adults' checklist and the plan to print are among them (they were
    the last English-only public pages)."""
    names = {str(path.relative_to(TEMPLATES)) for path in PUBLIC_TEMPLATES}
    assert {
        "young/before.html",
        "young/checklist.html",
        "young/help_parents.html",
        "young/help_professionals.html",
        "young/help_young.html",
    } <= names


@pytest.mark.parametrize(
    ("path", "welsh"),
    [
        ("/help/young-people", "Os oes llun noeth ohonoch chi ar led"),
        ("/help/parents", "Os yw eich plentyn wedi colli rheolaeth ar ddelwedd"),
        ("/help/professionals", "Rhowch wybod i’ch Arweinydd Diogelu Dynodedig (DSL) ar unwaith."),
        ("/help/parents/checklist", "Beth i’w wneud nawr: rhestr wirio i oedolion"),
        ("/help/before-it-happens", "Cyn iddo ddigwydd: cynllun i deuluoedd ac ystafelloedd staff"),
    ],
)
def test_the_help_pages_speak_welsh(client: TestClient, path: str, welsh: str) -> None:
    page = client.get(f"{path}?country=GB", headers={"Accept-Language": "cy"})
    assert page.status_code == 200 and '<html lang="cy">' in page.text
    assert welsh in page.text


#: The scripts that show words, and a page that carries their words (data-msg-*).
SCRIPT_PAGES = {
    "report.js": "/report?age=under18",
    "keep-pin.js": "/report?age=under18",
    "adult-checklist.js": "/help/parents/checklist",
}
STATIC_JS = ROOT / "src/reclaim/web/static/js"


class _DataMessages(HTMLParser):
    """The page's data-msg-* attributes, by the name a script asks for (``say("CopyFailed")``
    reads ``data-msg-copy-failed``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("data-msg-"):
                parts = name.removeprefix("data-msg-").split("-")
                self.found["".join(p.capitalize() for p in parts)] = value or ""


def _data_messages(html: str) -> dict[str, str]:
    parser = _DataMessages()
    parser.feed(html)
    return parser.found


def _names_a_script_asks_for(script: str) -> set[str]:
    source = (STATIC_JS / script).read_text(encoding="utf-8")
    # say("Name" ...), and say(isVideo ? "Video" : "Photo", ...)
    names = set(re.findall(r'say\((?:\w+ \? "\w+" : )?"(\w+)"', source))
    names |= set(re.findall(r'say\(\w+ \? "(\w+)" :', source))
    if script == "report.js":  # the HashingError codes of reclaim-hash.js, as whyNoCode names them
        hashing = (STATIC_JS / "reclaim-hash.js").read_text(encoding="utf-8")
        block = hashing.split("const MESSAGES = {", 1)[1].split("};", 1)[0]
        codes = re.findall(r"^  (\w+):", block, re.M)
        assert "too_many_pixels" in codes
        for code in codes:
            camel = "".join(p.capitalize() for p in code.split("_"))
            names.add(f"Error{camel}")
            if code in {"damaged", "undecodable"}:
                names.add(f"Error{camel}Any")
        names.add("ErrorAlternative")
    return names


@pytest.mark.parametrize("script", sorted(SCRIPT_PAGES))
@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_word_a_script_shows_comes_from_its_page(
    client: TestClient, script: str, language: str
) -> None:
    """Scripts hold no words of their own: each message they show is a data-msg-* attribute of
    the page, drawn through the catalogues, so it is in the page's language."""
    wanted = _names_a_script_asks_for(script)
    assert len(wanted) >= 4, wanted
    page = client.get(SCRIPT_PAGES[script], headers={"Accept-Language": language})
    found = _data_messages(page.text)
    assert sorted(wanted - set(found)) == []
    assert [name for name in wanted if not found[name].strip()] == []


def test_the_scripts_words_are_welsh_on_a_welsh_page(client: TestClient) -> None:
    report = _data_messages(client.get("/report?age=under18&lang=cy").text)
    assert report["Photo"] == "Llun {n}"
    assert report["Chosen"] == "{label}, fel y’i dewiswyd (ar y ffôn hwn yn unig)"
    assert report["Sending"] == "Yn anfon y codau…"
    assert report["ErrorUndecodable"].startswith("Dydy’r porwr hwn ddim yn gallu agor ffeiliau")
    assert report["Copied"].startswith("Wedi’i gopïo.")
    checklist = _data_messages(client.get("/help/parents/checklist").text)  # the cookie keeps it
    assert (
        checklist["Remove"] == "Tynnu"
        and checklist["Added"] == "Wedi’i ychwanegu. {n} ar y rhestr."
    )
    english = _data_messages(client.get("/report?age=under18&lang=en").text)
    assert english["Photo"] == "Photo {n}" and english["Copied"].startswith("Copied.")


def test_a_plausibility_refusal_speaks_welsh(client: TestClient) -> None:
    """Hashes no real photo could give are refused in calm words, in the person's language: the
    report page (with JavaScript) shows the API's ``detail``; the browser sends the language
    cookie set by the switch, or its Accept-Language."""
    from tests.functional.test_reports_api import image_hashes, proof

    odd = {**image_hashes(), "pdq": "f" * 64}  # 256 bits set: no PDQ of a picture has that
    body = {"age_group": "under18", "country": "GB", "files": [odd]}
    english = client.post("/api/v1/reports", json={**body, "proof": proof(client)})
    assert english.status_code == 422
    assert english.json()["detail"].startswith("We could not read the codes made for this photo.")
    client.get("/?lang=cy")
    welsh = client.post("/api/v1/reports", json={**body, "proof": proof(client)})
    assert welsh.status_code == 422
    assert welsh.json()["detail"].startswith(
        "Allen ni ddim darllen y codau a wnaed ar gyfer y llun"
    )
    client.cookies.delete("reclaim_lang")
    video = {
        **image_hashes(),
        "kind": "video",
        "pdq": None,
        "quality": None,
        "frames": [{"t": 0.0, "quality": 90, "pdq": "0" * 64}],
    }
    refused = client.post(
        "/api/v1/reports",
        json={**body, "files": [video], "proof": proof(client)},
        headers={"Accept-Language": "cy"},
    )
    assert refused.status_code == 422
    assert "y fideo hwn" in refused.json()["detail"]


def test_a_link_refusal_speaks_welsh_on_the_form_without_javascript(client: TestClient) -> None:
    """The no-JavaScript report form: a link we cannot record (takedown.canonical) is refused in
    the chosen language, with what was typed kept."""
    from tests.conftest import csrf_in
    from tests.functional.test_young_people_pages import form_token_in

    form = client.get("/report?age=under18&lang=cy")
    refused = client.post(
        "/report",
        data={
            "csrf_token": csrf_in(form.text),
            "form_token": form_token_in(form.text),
            "age_group": "under18",
            "urls": "http://localhost/photo",
        },
    )
    assert refused.status_code == 422, refused.text
    assert '<html lang="cy">' in refused.text
    assert "Mae’r ddolen hon yn pwyntio at y cyfrifiadur hwn (localhost)" in refused.text
    assert "http://localhost/photo" in refused.text


# The help directory: its TOML files are extracted into the catalogue (babel.cfg's
# ``[directory: ...]``), so every service's name and description is translated too.
DIRECTORY_DATA = ROOT / "src/reclaim/directory/data"


def _directory_messages() -> list[tuple[str, str]]:
    """(where, message) for each country's name and each entry's ``name`` and ``what``."""
    found = []
    for path in sorted(DIRECTORY_DATA.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found.append((f"{path.name}: name", str(data["name"])))
        for raw in data["entries"]:
            for key in ("name", "what"):
                found.append((f"{path.name} {raw['id']}: {key}", str(raw[key])))
    return found


def _catalogue(path: Path) -> dict[str, str]:
    with path.open("rb") as po:
        return {m.id: str(m.string) for m in read_po(po) if m.id and isinstance(m.id, str)}


def test_every_directory_message_is_in_the_catalogue() -> None:
    """A new entry whose words were not extracted (``make translations``) fails here."""
    template = _catalogue(CATALOGUES / "messages.pot")
    welsh = _catalogue(CATALOGUES / "cy/LC_MESSAGES/messages.po")
    missing = [where for where, message in _directory_messages() if message not in template]
    assert not missing, f"not in messages.pot (run make translations): {missing}"
    untranslated = [where for where, message in _directory_messages() if not welsh.get(message)]
    assert not untranslated, f"no Welsh in tools/cy_messages.py: {untranslated}"


def _english_shown(html: str, english: str) -> bool:
    return english in html or escape(english) in html


@pytest.mark.parametrize("code", ["GB", "US", "CA", "AU", "XX"])
def test_the_welsh_directory_shows_no_english_description(client: TestClient, code: str) -> None:
    welsh = _catalogue(CATALOGUES / "cy/LC_MESSAGES/messages.po")
    page = client.get(f"/help/directory?country={code}", headers={"Accept-Language": "cy"})
    assert page.status_code == 200 and '<html lang="cy">' in page.text
    left = {
        message
        for _, message in _directory_messages()
        if welsh.get(message, message) != message and _english_shown(page.text, message)
    }
    assert not left, f"English on the Welsh directory page: {sorted(left)}"


WELSH_SERVICE_PAGES = [
    "/",
    "/start?age=under18",
    "/start?age=adult_taken_under18",
    "/start?age=adult",
    "/threatened",
    "/sent-to-me",
    "/get-help",
    "/report?age=under18",
    "/help/young-people",
    "/help/parents",
    "/help/parents/checklist",
    "/help/before-it-happens",
    "/help/professionals",
]


@pytest.mark.parametrize("code", ["GB", "US", "XX"])
def test_no_welsh_page_names_a_service_in_english(client: TestClient, code: str) -> None:
    welsh = _catalogue(CATALOGUES / "cy/LC_MESSAGES/messages.po")
    translated = {m for _, m in _directory_messages() if welsh.get(m, m) != m}
    for path in WELSH_SERVICE_PAGES:
        joiner = "&" if "?" in path else "?"
        page = client.get(f"{path}{joiner}country={code}", headers={"Accept-Language": "cy"})
        assert page.status_code == 200 and '<html lang="cy">' in page.text, path
        left = sorted(m for m in translated if _english_shown(page.text, m))
        assert not left, f"English on the Welsh page {path} ({code}): {left}"


def test_the_welsh_help_pages_show_the_gb_services_in_welsh(client: TestClient) -> None:
    directory = client.get("/help/directory?country=GB", headers={"Accept-Language": "cy"}).text
    assert "Heddlu (nid argyfwng)" in directory
    assert "I ddweud wrth yr heddlu am drosedd pan nad oes neb mewn perygl" in directory
    assert "Police (not an emergency)" not in directory
    crisis = client.get("/get-help?country=GB", headers={"Accept-Language": "cy"}).text
    assert "Samariaid" in crisis and "os yw pethau’n teimlo’n ormod" in crisis
    assert "if things feel too much" not in crisis
    english = client.get("/help/directory?country=GB", headers={"Accept-Language": "en"}).text
    assert "Police (not an emergency)" in english
    assert "To tell the police about a crime when nobody is in danger right now." in english
    assert "Heddlu" not in english


def test_a_checked_date_is_in_the_pages_language() -> None:
    from datetime import date

    from reclaim.directory import country
    from reclaim.web import i18n
    from reclaim.web.templating import templates

    entry = replace(country("GB").entries[0], checked=date(2026, 12, 1))
    shown = {}
    for language in ("en", "cy"):
        i18n.set_language(language)
        try:
            shown[language] = templates.get_template("young/_entry.html").render(e=entry)
        finally:
            i18n.set_language("en")
    assert "Checked 1 December 2026." in shown["en"]
    assert "Gwiriwyd ar 1 Rhagfyr 2026." in shown["cy"]
