"""The directory of help: per-country services, each with who it is for, its source and
whether a person has checked it. The data are TOML files in ``data/`` (one per country, ``XX``
for "somewhere else", ``ANY`` for services that work everywhere); change them there, not in code.

Every country names a support line for young people (``talk_to``) and a crisis line
(``crisis``). ``checked`` is either the date a person compared the entry with the service's own
page, or ``"not yet checked"``: a file never claims a check that nobody made.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

__all__ = [
    "COUNTRY_ORDER",
    "GROUPS",
    "NOT_CHECKED",
    "Country",
    "DirectoryError",
    "Entry",
    "countries",
    "country",
    "load",
]

#: The order countries are offered in on the start page.
COUNTRY_ORDER = ("GB", "US", "CA", "AU", "XX")
NOT_CHECKED = "not yet checked"
#: Who an entry is for (``for`` in the files) and which groups of people that takes in. The
#: groups are the start page's answers: 12 or younger (under 13) and 13 to 17 now; 18 or over,
#: the image taken under 18; 18 or over, the image taken at 18 or over.
GROUPS = ("under13", "under18", "adult_taken_under18", "adult")
AUDIENCES: dict[str, frozenset[str]] = {
    "everyone": frozenset(GROUPS),
    "under18": frozenset({"under13", "under18"}),
    "taken-under18": frozenset({"under13", "under18", "adult_taken_under18"}),
    "adults": frozenset({"adult_taken_under18", "adult"}),
}


class DirectoryError(ValueError):
    """A directory file is not valid; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    name: str
    for_whom: str  # everyone, under18, taken-under18 or adults (see AUDIENCES)
    uses: tuple[str, ...]  # danger, talk, crisis, remove-image, report-url, report-crime
    what: str
    source: str
    checked: date | None  # the day a person checked it against the service; None: not yet
    phone: str = ""
    url: str = ""
    text_only: bool = False

    @property
    def tel(self) -> str:
        """The number as a ``tel:`` target (digits only)."""
        return "".join(ch for ch in self.phone if ch.isdigit())

    @property
    def checked_text(self) -> str:
        """In English, as written. Public pages show the catalogue's "Checked %(date)s" with
        the date in their own language (``reclaim.web.i18n.local_date``)."""
        if self.checked is None:
            return "Not yet checked by a person"
        return f"Checked {self.checked.day} {self.checked.strftime('%B %Y')}"

    def suits_group(self, group: str) -> bool:
        return group in AUDIENCES[self.for_whom]

    def suits(self, adult: bool) -> bool:
        return self.suits_group("adult" if adult else "under18")


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    emergency: str
    non_emergency_police: str
    talk_to: str
    talk_to_adult: str
    crisis: str
    entries: tuple[Entry, ...]

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def helpline(self, adult: bool = False) -> Entry | None:
        """The service shown under "Get help now"."""
        return self.entry(self.talk_to_adult if adult else self.talk_to)

    def young_line(self) -> Entry | None:
        """The support line for young people (someone to talk to, not a tipline)."""
        return self.entry(self.talk_to)

    def crisis_line(self) -> Entry | None:
        """The line for when things feel too much."""
        return self.entry(self.crisis)

    def for_use(self, use: str, adult: bool = False, group: str | None = None) -> list[Entry]:
        """Entries for ``use`` that suit ``group`` (or, without it, under-18s or adults)."""
        who = group or ("adult" if adult else "under18")
        return [e for e in self.entries if use in e.uses and e.suits_group(who)]

    def for_audience(self, adult: bool) -> list[Entry]:
        return [e for e in self.entries if e.suits(adult) and "danger" not in e.uses]


def _entry(raw: dict[str, object], where: str) -> Entry:
    try:
        for_whom = str(raw["for"])
        if for_whom not in AUDIENCES:
            raise DirectoryError(f"{where}: `for` must be one of {sorted(AUDIENCES)}")
        checked = _checked(raw["checked"], where)
        uses = raw.get("use", [])
        if not isinstance(uses, list):
            raise DirectoryError(f"{where}: `use` must be a list")
        entry = Entry(
            id=str(raw["id"]),
            name=str(raw["name"]),
            for_whom=for_whom,
            uses=tuple(str(u) for u in uses),
            what=str(raw["what"]),
            source=str(raw["source"]),
            checked=checked,
            phone=str(raw.get("phone", "")),
            url=str(raw.get("url", "")),
            text_only=bool(raw.get("text_only", False)),
        )
    except KeyError as exc:
        raise DirectoryError(f"{where}: missing `{exc.args[0]}`") from None
    if not entry.phone and not entry.url:
        raise DirectoryError(f"{where}: needs a phone number or a URL")
    if not entry.source.startswith("https://"):
        raise DirectoryError(f"{where}: `source` must be an https:// address")
    return entry


def _checked(value: object, where: str) -> date | None:
    if value == NOT_CHECKED:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if isinstance(value, date):
        return value
    raise DirectoryError(
        f'{where}: `checked` must be the date a person checked it (YYYY-MM-DD) or "{NOT_CHECKED}"'
    )


def load(text: str, name: str) -> Country:
    """Parse one country file (``name`` is used in error messages)."""
    data = tomllib.loads(text)
    entries = tuple(
        _entry(raw, f"{name} entry {index + 1}") for index, raw in enumerate(data["entries"])
    )
    found = Country(
        code=str(data["code"]),
        name=str(data["name"]),
        emergency=str(data.get("emergency", "")),
        non_emergency_police=str(data.get("non_emergency_police", "")),
        talk_to=str(data["talk_to"]),
        talk_to_adult=str(data["talk_to_adult"]),
        crisis=str(data.get("crisis", "")),
        entries=entries,
    )
    for key in (found.talk_to, found.talk_to_adult):
        if found.entry(key) is None:
            raise DirectoryError(f"{name}: talk_to names `{key}`, which has no entry")
    if found.code == "ANY":  # services for adults anywhere, shown alongside a country
        return found
    young, crisis = found.young_line(), found.crisis_line()
    if young is None or "talk" not in young.uses or not young.suits_group("under18"):
        raise DirectoryError(
            f'{name}: `talk_to` must name a support line for young people (use = ["talk"])'
        )
    if crisis is None or "crisis" not in crisis.uses:
        raise DirectoryError(f'{name}: `crisis` must name a crisis line (use = ["crisis"])')
    return found


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country file, by code (``ANY`` included)."""
    folder = resources.files("reclaim.directory").joinpath("data")
    found: dict[str, Country] = {}
    for item in folder.iterdir():
        if item.name.endswith(".toml"):
            parsed = load(item.read_text(encoding="utf-8"), item.name)
            found[parsed.code] = parsed
    return found


def country(code: str | None, default: str = "GB") -> Country:
    """The country for ``code``, else ``default``, else "somewhere else"."""
    table = countries()
    for candidate in (code, default, "XX"):
        if candidate and candidate.upper() in table and candidate.upper() != "ANY":
            return table[candidate.upper()]
    raise DirectoryError("the directory has no `XX` (somewhere else) file")
