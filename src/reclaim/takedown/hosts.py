"""Who to ask: per-platform and per-host contacts, and the hotline of each country. Pure.

Read from ``data/hosts.toml`` (see the file's header for its fields). Every entry names its
source and when a person last checked it; nothing is made up: an unknown contact is empty.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Host", "HostDataError", "HostDirectory", "Hotline", "host_directory", "load"]

DATA = Path(__file__).with_name("data") / "hosts.toml"
NOT_CHECKED = "not yet checked"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


class HostDataError(ValueError):
    """The data file is wrong; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class Host:
    name: str
    domains: tuple[str, ...]
    report_form: str
    abuse_contact: str
    country: str
    source: str
    checked: str

    @property
    def is_checked(self) -> bool:
        return self.checked != NOT_CHECKED


@dataclass(frozen=True, slots=True)
class Hotline:
    country: str  # ISO 3166 alpha-2, or "*" for every other country
    name: str
    report_form: str
    source: str
    checked: str


@dataclass(frozen=True, slots=True)
class HostDirectory:
    hosts: tuple[Host, ...]
    hotlines: tuple[Hotline, ...]

    def host_for(self, registered_domain: str) -> Host | None:
        """The platform or host that runs this registered domain, if the file knows it."""
        for host in self.hosts:
            if registered_domain in host.domains:
                return host
        return None

    def hotline_for(self, country: str) -> Hotline:
        """The hotline of ``country``; INHOPE's finder for a country without an entry."""
        code = country.upper()
        for hotline in self.hotlines:
            if hotline.country == code:
                return hotline
        return next(h for h in self.hotlines if h.country == "*")

    def platform_names(self) -> list[str]:
        return [h.name for h in self.hosts]


def _text(entry: dict[str, object], key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise HostDataError(f"{where}: `{key}` must be text{' and not empty' if required else ''}")
    return value.strip()


def _checked(entry: dict[str, object], where: str) -> str:
    checked = _text(entry, "checked", where)
    if checked != NOT_CHECKED and not _DATE.match(checked):
        raise HostDataError(f'{where}: `checked` is "YYYY-MM-DD" or "{NOT_CHECKED}"')
    return checked


def _url(entry: dict[str, object], key: str, where: str, *, required: bool) -> str:
    value = _text(entry, key, where, required=required)
    if value and not value.startswith("https://"):
        raise HostDataError(f"{where}: `{key}` must be an https:// address")
    return value


def parse(text: str) -> HostDirectory:
    """Parse and check the data file's text; raises :class:`HostDataError`."""
    data = tomllib.loads(text)
    hosts = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("host", []), 1):
        where = f"host {index}"
        name = _text(entry, "name", where)
        domains = entry.get("domains")
        if (
            not isinstance(domains, list)
            or not domains
            or not all(isinstance(d, str) and d == d.lower() and "." in d for d in domains)
        ):
            raise HostDataError(f"{where} ({name}): `domains` is a list of lower-case domains")
        for domain in domains:
            if domain in seen:
                raise HostDataError(f"{where} ({name}): {domain} is listed twice")
            seen.add(domain)
        contact = _text(entry, "abuse_contact", where, required=False)
        if contact and not _EMAIL.match(contact):
            raise HostDataError(f"{where} ({name}): `abuse_contact` is one email address or ''")
        country = _text(entry, "country", where, required=False).upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise HostDataError(f"{where} ({name}): `country` is a two-letter code or ''")
        hosts.append(
            Host(
                name=name,
                domains=tuple(domains),
                report_form=_url(entry, "report_form", where, required=False),
                abuse_contact=contact,
                country=country,
                source=_url(entry, "source", where, required=True),
                checked=_checked(entry, where),
            )
        )
    hotlines = []
    for index, entry in enumerate(data.get("hotline", []), 1):
        where = f"hotline {index}"
        hotlines.append(
            Hotline(
                country=_text(entry, "country", where).upper(),
                name=_text(entry, "name", where),
                report_form=_url(entry, "report_form", where, required=True),
                source=_url(entry, "source", where, required=True),
                checked=_checked(entry, where),
            )
        )
    if not any(h.country == "*" for h in hotlines):
        raise HostDataError('the file needs a hotline for every other country (country = "*")')
    return HostDirectory(tuple(hosts), tuple(hotlines))


def load(path: Path = DATA) -> HostDirectory:
    return parse(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def host_directory() -> HostDirectory:
    """The directory shipped with Reclaim (read once)."""
    return load()
