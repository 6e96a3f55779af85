"""Languages of the public site: Babel message catalogues, one language per request.

The catalogues are the committed ``translations/<lang>/LC_MESSAGES/messages.po`` files, read
and compiled in memory by Babel when the app starts (no ``.mo`` build step, so a fresh clone
works with ``make run``; ``make translations`` extracts, updates and checks them). The
language is chosen by ``?lang=`` (kept in the ``reclaim_lang`` cookie), else that cookie, else
the browser's ``Accept-Language``, else English. Staff pages stay in English.

Python code marks public words with :func:`gettext` (``_``), which reads the request's
language from a context variable set by :func:`use_language` (a dependency of the public and
report API routers) and by :func:`reclaim.web.templating.render` while a page is drawn.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale, negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

from reclaim.directory import Country, Entry

__all__ = [
    "LANGUAGES",
    "LANG_COOKIE",
    "N_",
    "catalogue",
    "choose_language",
    "current_language",
    "gettext",
    "local_country",
    "local_date",
    "local_entry",
    "ngettext",
    "translations",
    "use_language",
    "words_of",
]

#: Language code -> its own name, as shown on the switch.
LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT = "en"
LANG_COOKIE = "reclaim_lang"
_current: ContextVar[str] = ContextVar("reclaim_language", default=DEFAULT)


def N_(message: str) -> str:  # noqa: N802  (the conventional name for "mark, do not translate")
    """Mark a module-level message for extraction; translate it with ``_()`` where it is used."""
    return message


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue for ``language``, compiled in memory from its committed ``.po`` file."""
    if language == DEFAULT or language not in LANGUAGES:
        return NullTranslations()
    folder = resources.files("reclaim.web").joinpath("translations", language, "LC_MESSAGES")
    with folder.joinpath("messages.po").open("rb") as po:
        catalog = read_po(po, locale=Locale.parse(language))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


def catalogue() -> NullTranslations:
    """The request's catalogue (for context functions that take a translator)."""
    return translations(_current.get())


def words_of(error: Exception) -> str:
    """A refusal's words in the request's language: a context's ``KindError`` keeps its
    catalogue message and values apart; any other error's text is looked up as it is."""
    message, values = getattr(error, "message", None), getattr(error, "values", None)
    if isinstance(message, str) and isinstance(values, dict):
        return gettext(message, **values)
    return gettext(str(error))


def current_language() -> str:
    return _current.get()


def set_language(language: str) -> None:
    _current.set(language if language in LANGUAGES else DEFAULT)


def gettext(message: str, **values: Any) -> str:
    """``message`` in the request's language; ``%(name)s`` placeholders filled from ``values``."""
    text = translations(_current.get()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text % {"num": n, **values}


_ = gettext


def local_entry(entry: Entry) -> Entry:
    """A directory entry with its ``name`` and ``what`` in the request's language (the TOML
    files are extracted into the catalogue, see ``babel.cfg``)."""
    return replace(entry, name=gettext(entry.name), what=gettext(entry.what))


def local_country(place: Country) -> Country:
    """A country whose entries are in the request's language. Its ``name`` stays as written:
    the pages translate it where they show it (``_(place.name)``)."""
    return replace(place, entries=tuple(local_entry(e) for e in place.entries))


def local_date(day: date) -> str:
    """A date as words in the request's language ("1 December 2026", "1 Rhagfyr 2026")."""
    return format_date(day, "d MMMM y", locale=_current.get())


def choose_language(request: Request) -> str:
    """``?lang=``, else the cookie, else the browser's preference, else English."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGUAGES:
            return value
    header = request.headers.get("accept-language", "")
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in header.split(",")]
    found = negotiate_locale([w for w in wanted if w], list(LANGUAGES), sep="_")
    return found if found in LANGUAGES else DEFAULT


async def use_language(request: Request) -> None:
    """Router dependency: the request's language, for Python messages and pages alike. (Async,
    so the context variable it sets is the one the route, even a sync one, runs in.)"""
    language = choose_language(request)
    set_language(language)
    request.state.language = language
