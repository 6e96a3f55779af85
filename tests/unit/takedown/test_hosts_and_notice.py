"""The host data file: every entry has a source and a check date (or "not yet checked"),
nothing invented; the notice text carries no image and nothing about the child."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reclaim.takedown.charts import bar_chart
from reclaim.takedown.hosts import NOT_CHECKED, HostDataError, host_directory, parse
from reclaim.takedown.notice import notice_reference, notice_text

#: Entries a person has checked against their source (none yet: see docs/takedown.md).
CHECKED_BY_A_PERSON: set[str] = set()


def test_the_shipped_file_loads_and_every_entry_says_when_it_was_checked() -> None:
    directory = host_directory()
    assert len(directory.hosts) >= 10
    for host in directory.hosts:
        assert host.source.startswith("https://")
        assert host.checked == NOT_CHECKED or host.name in CHECKED_BY_A_PERSON
        assert host.abuse_contact == "" or host.name in CHECKED_BY_A_PERSON  # none invented
    assert directory.host_for("facebook.com").name == "Facebook"  # type: ignore[union-attr]
    assert directory.host_for("example.org") is None
    assert directory.hotline_for("GB").name.startswith("Internet Watch Foundation")
    assert directory.hotline_for("us").name == "NCMEC CyberTipline"
    assert directory.hotline_for("CA").name == "Cybertip.ca"
    assert directory.hotline_for("AU").name == "eSafety Commissioner"
    assert directory.hotline_for("FR").name.startswith("INHOPE")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            '[[host]]\nname="A"\ndomains=["a.com"]\nsource="https://a.com"\nchecked="soon"',
            "checked",
        ),
        (
            '[[host]]\nname="A"\ndomains=["A.com"]\nsource="https://a.com"\nchecked="not yet checked"',
            "domains",
        ),
        (
            '[[host]]\nname="A"\ndomains=["a.com"]\nsource="http://a.com"\nchecked="not yet checked"',
            "https",
        ),
        (
            '[[host]]\nname="A"\ndomains=["a.com"]\nabuse_contact="x"\nsource="https://a.com"\nchecked="not yet checked"',
            "abuse_contact",
        ),
        ("", "every other country"),
    ],
)
def test_mistakes_in_the_file_are_named(text: str, says: str) -> None:
    with pytest.raises(HostDataError, match=says):
        parse(text)


def test_the_notice_names_the_place_and_nothing_about_the_child() -> None:
    text = notice_text(
        url="https://pics.example.org/p/1",
        host="pics.example.org",
        recipient="Example Pics",
        organisation="Intake Hotline",
        reference=notice_reference(7, 2),
        assessed_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
    )
    assert "RCL-7-2" in text.subject and "pics.example.org" in text.subject
    assert "https://pics.example.org/p/1" in text.body and "Intake Hotline" in text.body
    assert "2026-01-02 03:04 UTC" in text.body
    # notice_text takes no argument about the child; nor does its fixed text speak of one.
    for word in ("Age:", "PIN", "threat", "feels", "<img", "attachment"):
        assert word not in text.body


def test_a_chart_is_an_accessible_svg() -> None:
    svg = bar_chart("Hours <to> removal", [("example.org", 5.0), ("other", None)])
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    assert "&lt;to&gt;" in svg and "no data" in svg and "<script" not in svg
