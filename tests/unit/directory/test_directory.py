"""The directory of help (issue 9, item 16): every country offers a support line for young
people and a crisis line, each with its source, and no entry claims a check nobody made."""

from __future__ import annotations

from datetime import date

import pytest

from reclaim.directory import COUNTRY_ORDER, DirectoryError, countries, load

HEAD = 'code = "ZZ"\nname = "Test"\nemergency = "112"\n'
YOUNG = """
[[entries]]
id = "kids"
name = "Kids line"
phone = "0000"
for = "under18"
use = ["talk"]
what = "Talk to someone."
source = "https://example.org/kids"
checked = "not yet checked"
"""
CRISIS = """
[[entries]]
id = "crisis"
name = "Crisis line"
phone = "1111"
for = "everyone"
use = ["crisis"]
what = "If things feel too much."
source = "https://example.org/crisis"
checked = "not yet checked"
"""
KEYS = 'talk_to = "kids"\ntalk_to_adult = "crisis"\ncrisis = "crisis"\n'


@pytest.mark.parametrize("code", COUNTRY_ORDER)
def test_every_country_has_a_young_peoples_line_and_a_crisis_line(code: str) -> None:
    place = countries()[code]
    young = place.young_line()
    crisis = place.crisis_line()
    assert young is not None and "talk" in young.uses and young.suits_group("under18")
    assert crisis is not None and "crisis" in crisis.uses
    for entry in (young, crisis):
        assert entry.source.startswith("https://") and (entry.phone or entry.url)


def test_a_crime_tipline_or_a_website_is_not_someone_to_talk_to() -> None:
    assert countries()["US"].young_line().id != "cybertipline"  # type: ignore[union-attr]
    assert countries()["CA"].young_line().phone  # type: ignore[union-attr]
    assert countries()["AU"].young_line().phone  # type: ignore[union-attr]


def test_somewhere_else_never_claims_a_number() -> None:
    assert all(not e.phone for e in countries()["XX"].entries)


def test_a_country_without_a_crisis_line_is_refused() -> None:
    load(HEAD + KEYS + YOUNG + CRISIS, "ok.toml")
    with pytest.raises(DirectoryError, match="crisis"):
        load(HEAD + 'talk_to = "kids"\ntalk_to_adult = "kids"\n' + YOUNG, "no-crisis.toml")
    with pytest.raises(DirectoryError, match="crisis"):
        load(HEAD + 'talk_to = "kids"\ntalk_to_adult = "kids"\ncrisis = "kids"\n' + YOUNG, "x")


def test_a_country_whose_young_line_is_not_for_talking_is_refused() -> None:
    tipline = YOUNG.replace('use = ["talk"]', 'use = ["report-crime"]')
    with pytest.raises(DirectoryError, match="talk"):
        load(HEAD + KEYS + tipline + CRISIS, "tipline.toml")


def test_checked_is_a_date_a_person_set_or_not_yet_checked() -> None:
    unchecked = load(HEAD + KEYS + YOUNG + CRISIS, "ok.toml")
    assert unchecked.entry("kids").checked is None  # type: ignore[union-attr]
    dated = load(HEAD + KEYS + YOUNG.replace('"not yet checked"', "2026-01-05") + CRISIS, "d")
    assert dated.entry("kids").checked == date(2026, 1, 5)  # type: ignore[union-attr]
    for bad in ('"yesterday"', '"2026-13-40"'):
        with pytest.raises(DirectoryError, match="checked"):
            load(HEAD + KEYS + YOUNG.replace('"not yet checked"', bad) + CRISIS, "bad")
    with pytest.raises(DirectoryError, match="checked"):
        load(HEAD + KEYS + YOUNG.replace('checked = "not yet checked"\n', "") + CRISIS, "none")


def test_no_entry_claims_a_check_that_no_person_made() -> None:
    # Every entry was transcribed, not checked against the service by a person (issue 9).
    # When someone checks one, they set its date in the TOML and add it here.
    checked_by_a_person: set[tuple[str, str]] = set()
    for code, place in countries().items():
        for entry in place.entries:
            if (code, entry.id) not in checked_by_a_person:
                assert entry.checked is None, f"{code}/{entry.id} claims {entry.checked}"
