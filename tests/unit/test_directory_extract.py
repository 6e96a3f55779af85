"""The Babel extractor for the help directory's TOML files (babel.cfg's ``[directory: ...]``)."""

from __future__ import annotations

import io

from reclaim.directory.babel_extract import extract_directory

SAMPLE = b"""code = "GB"
name = "United Kingdom"

[[entries]]
id = "police-101"
name = "Police (not an emergency)"
what = "To tell the police about a crime."
"""


def test_it_yields_the_country_name_and_each_entrys_name_and_what_with_a_comment() -> None:
    fileobj = io.BytesIO(SAMPLE)
    fileobj.name = "GB.toml"  # type: ignore[attr-defined]
    found = list(extract_directory(fileobj, {}, [], {}))
    assert [(line, message) for line, _, message, _ in found] == [
        (2, "United Kingdom"),
        (6, "Police (not an emergency)"),
        (7, "To tell the police about a crime."),
    ]
    assert found[0][3] == ["directory GB.toml: the country's name (GB)"]
    assert found[1][3] == ["directory GB.toml, entry `police-101`: the service's name"]
    assert found[2][3] == ["directory GB.toml, entry `police-101`: what the service does"]
