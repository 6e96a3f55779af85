"""Every input a fuzzer found that broke something, kept so it never breaks again."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fuzz import targets
from reclaim.reports.urls import MAX_URL_LENGTH, UrlRejected, canonical_url

LONG_QUERY = b".G\x00?:" + b"\xab" * 60 + b"\xe2" * 150 + b"\xab" * 67 + b"^"
#: fuzz/run.py urls, 1 December: a host with "%0a" in it (see the test below).
ENCODED_NEWLINE_HOST = b"xe%0a.c/" + b"\xff" * 16 + b"xam" + b"\xff" * 5 + b"\x95\x8f" * 2


@pytest.mark.parametrize(
    "found",
    [b"[", b"[#", b"http://[::1/x", LONG_QUERY, b"-800.1", b"1_0.0.0.1", ENCODED_NEWLINE_HOST],
)
def test_fuzz_found_links(found: bytes) -> None:
    targets.urls(found)


def test_a_bracket_is_refused_kindly_not_a_value_error() -> None:
    """fuzz/run.py urls: "[" reached urlsplit's "Invalid IPv6 URL" (a 500 on the report
    API, since only UrlRejected was expected)."""
    with pytest.raises(UrlRejected, match="not written correctly"):
        canonical_url("[")


def test_a_host_with_an_encoded_newline_is_refused() -> None:
    """fuzz/run.py urls: "xe%0a.c" decoded to the host "xe\n.c", which the label pattern let
    through (its "$" also matches before a final newline), so a link with a line break in its
    host was stored, and its canonical form was not canonical any more."""
    for link in ("xe%0a.c/x", "https://example%0a.com/", "https://a.b%0A/"):
        with pytest.raises(UrlRejected, match="does not look like a web address"):
            canonical_url(link)


def test_a_link_is_refused_when_its_canonical_form_is_too_long() -> None:
    """fuzz/run.py urls: re-encoding the query of a link under the length cap could lengthen
    it past the cap, so its canonical form was no longer accepted as a link."""
    with pytest.raises(UrlRejected, match="very long"):
        canonical_url("https://example.com/?q=" + "é" * (MAX_URL_LENGTH // 3))


def test_the_report_api_answers_422_for_such_a_link(client: TestClient) -> None:
    from tests.functional.test_reports_api import make

    answer = make(client, files=[], urls=["["])
    assert answer.status_code == 422 and answer.json()["type"].endswith("report-invalid")
