"""The directory of help: per-country services, each with who it is for, its source and the
date it was last checked. The data are TOML files in ``data/`` (one per country, ``XX`` for
"somewhere else", ``ANY`` for services that work everywhere); change them there, not in code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

__all__ = ["COUNTRY_ORDER", "Country", "Entry", "countries", "country", "load"]

#: The order countries are offered in on the start page.
COUNTRY_ORDER = ("GB", "US", "CA", "AU", "XX")
AUDIENCES = frozenset({"everyone", "under18", "adults"})


class DirectoryError(ValueError):
    """A directory file is not valid; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    name: str
    for_whom: str  # everyone, under18 or adults
    uses: tuple[str, ...]  # danger, talk, crisis, remove-image, report-url, report-crime
    what: str
    source: str
    verified: date
    phone: str = ""
    url: str = ""
    text_only: bool = False

    @property
    def tel(self) -> str:
        """The number as a ``tel:`` target (digits only)."""
        return "".join(ch for ch in self.phone if ch.isdigit())

    def suits(self, adult: bool) -> bool:
        return self.for_whom == "everyone" or self.for_whom == ("adults" if adult else "under18")


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    emergency: str
    non_emergency_police: str
    talk_to: str
    talk_to_adult: str
    entries: tuple[Entry, ...]

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def helpline(self, adult: bool = False) -> Entry | None:
        """The service shown under "Get help now"."""
        return self.entry(self.talk_to_adult if adult else self.talk_to)

    def for_use(self, use: str, adult: bool = False) -> list[Entry]:
        return [e for e in self.entries if use in e.uses and e.suits(adult)]

    def for_audience(self, adult: bool) -> list[Entry]:
        return [e for e in self.entries if e.suits(adult) and "danger" not in e.uses]


def _entry(raw: dict[str, object], where: str) -> Entry:
    try:
        for_whom = str(raw["for"])
        if for_whom not in AUDIENCES:
            raise DirectoryError(f"{where}: `for` must be one of {sorted(AUDIENCES)}")
        verified = raw["verified"]
        if isinstance(verified, str):
            verified = date.fromisoformat(verified)
        if not isinstance(verified, date):
            raise DirectoryError(f"{where}: `verified` must be a date (YYYY-MM-DD)")
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
            verified=verified,
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
        entries=entries,
    )
    for key in (found.talk_to, found.talk_to_adult):
        if found.entry(key) is None:
            raise DirectoryError(f"{name}: talk_to names `{key}`, which has no entry")
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
