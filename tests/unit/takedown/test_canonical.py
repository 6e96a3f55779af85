"""The canonical form of a place, as a table (what goes in, what must come out), plus
properties: canonicalising is idempotent, and equal places compare equal however typed."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reclaim.takedown.canonical import (
    FLAG_IP_ADDRESS,
    FLAG_MAPPED_HOST,
    FLAG_SHORT_LINK,
    FLAG_UNKNOWN_SUFFIX,
    UrlRejected,
    canonical,
    registered_domain,
)

# (typed, canonical form) -------------------------------------------------------------------
SAME = [
    # scheme and host case, a missing scheme
    ("https://example.com/", "https://example.com/"),
    ("HTTPS://EXAMPLE.COM/", "https://example.com/"),
    ("Https://Example.Com/Path", "https://example.com/Path"),
    ("example.com", "https://example.com/"),
    ("example.com/a", "https://example.com/a"),
    ("www.example.com/a", "https://www.example.com/a"),
    ("//example.com/a", "https://example.com/a"),
    ("http://example.com", "http://example.com/"),
    ("  https://example.com/a  ", "https://example.com/a"),
    ("https://example.com/a\n", "https://example.com/a"),
    ("https://exa\tmple.com/a", "https://example.com/a"),
    ("https:///example.com/a", "https://example.com/a"),
    ("https:\\\\example.com\\a\\b", "https://example.com/a/b"),
    # trailing dots, ports
    ("https://example.com./a", "https://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:80/a", "https://example.com:80/a"),
    ("http://example.com:443/a", "http://example.com:443/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("example.com:8080/x", "https://example.com:8080/x"),
    ("https://example.com:/a", "https://example.com/a"),
    ("https://example.com:00443/a", "https://example.com/a"),
    # dot segments
    ("https://example.com/a/./b", "https://example.com/a/b"),
    ("https://example.com/a/../b", "https://example.com/b"),
    ("https://example.com/a/b/..", "https://example.com/a/"),
    ("https://example.com/a/b/.", "https://example.com/a/b/"),
    ("https://example.com/../../a", "https://example.com/a"),
    ("https://example.com/a/%2E%2E/b", "https://example.com/b"),
    ("https://example.com/a/%2e/b", "https://example.com/a/b"),
    ("https://example.com/./", "https://example.com/"),
    ("https://example.com/a//b", "https://example.com/a//b"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a/", "https://example.com/a/"),
    # percent-encoding
    ("https://example.com/%7Euser", "https://example.com/~user"),
    ("https://example.com/%41%42c", "https://example.com/ABc"),
    ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
    ("https://example.com/a%2Fb", "https://example.com/a%2Fb"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com/a%20b", "https://example.com/a%20b"),
    ("https://example.com/caf\u00e9", "https://example.com/caf%C3%A9"),
    ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
    ("https://example.com/100%", "https://example.com/100%25"),
    ("https://example.com/%zz", "https://example.com/%25zz"),
    ("https://example.com/a%2", "https://example.com/a%252"),
    ("https://example.com/<b>", "https://example.com/%3Cb%3E"),
    ('https://example.com/"q"', "https://example.com/%22q%22"),
    ("https://example.com/a|b", "https://example.com/a%7Cb"),
    ("https://example.com/a^b", "https://example.com/a%5Eb"),
    ("https://example.com/a`b", "https://example.com/a%60b"),
    ("https://example.com/a{b}", "https://example.com/a%7Bb%7D"),
    ("https://example.com/@user", "https://example.com/@user"),
    ("https://example.com/a:b", "https://example.com/a:b"),
    ("https://example.com/a;b=c", "https://example.com/a;b=c"),
    ("https://example.com/a!$&'()*+,", "https://example.com/a!$&'()*+,"),
    ("https://example.com/%E2%9C%93", "https://example.com/%E2%9C%93"),
    ("https://example.com/\u2713", "https://example.com/%E2%9C%93"),
    ("https://example.com/%2D%2E%5F%7E", "https://example.com/-._~"),
    # query: tracking dropped, sorted, empties dropped
    ("https://example.com/p?utm_source=x", "https://example.com/p"),
    ("https://example.com/p?utm_medium=a&utm_campaign=b&id=3", "https://example.com/p?id=3"),
    ("https://example.com/p?UTM_Source=x&id=3", "https://example.com/p?id=3"),
    ("https://example.com/p?fbclid=abc", "https://example.com/p"),
    ("https://example.com/p?gclid=1&dclid=2&msclkid=3", "https://example.com/p"),
    ("https://example.com/p?igshid=1&igsh=2", "https://example.com/p"),
    ("https://example.com/p?mc_cid=1&mc_eid=2&_ga=3&_gl=4", "https://example.com/p"),
    ("https://example.com/p?yclid=1&twclid=2&ttclid=3", "https://example.com/p"),
    ("https://example.com/p?_hsenc=1&_hsmi=2&mkt_tok=3", "https://example.com/p"),
    ("https://example.com/p?b=2&a=1", "https://example.com/p?a=1&b=2"),
    ("https://example.com/p?b=2&a=1&c=3", "https://example.com/p?a=1&b=2&c=3"),
    ("https://example.com/p?a=2&b=1&a=1", "https://example.com/p?a=2&a=1&b=1"),
    ("https://example.com/p?a=1&&b=2", "https://example.com/p?a=1&b=2"),
    ("https://example.com/p?", "https://example.com/p"),
    ("https://example.com/p?&", "https://example.com/p"),
    ("https://example.com/p?a", "https://example.com/p?a"),
    ("https://example.com/p?a=", "https://example.com/p?a="),
    ("https://example.com/p?q=a+b", "https://example.com/p?q=a+b"),
    ("https://example.com/p?q=a%20b", "https://example.com/p?q=a%20b"),
    ("https://example.com/p?q=%7e", "https://example.com/p?q=~"),
    ("https://example.com/p?q=a b", "https://example.com/p?q=a%20b"),
    ("https://example.com/p?q=/x?y", "https://example.com/p?q=/x?y"),
    ("https://example.com/p?q=\u00e9", "https://example.com/p?q=%C3%A9"),
    ("https://example.com/p?id=1&utm_source=x#top", "https://example.com/p?id=1"),
    ("https://example.com/p?ref=home", "https://example.com/p?ref=home"),
    ("https://example.com/p?%75tm_source=x", "https://example.com/p"),
    ("https://example.com/p?si=abc&v=1", "https://example.com/p?v=1"),
    # fragments: dropped, except hash routes
    ("https://example.com/p#section", "https://example.com/p"),
    ("https://example.com/p#", "https://example.com/p"),
    ("https://example.com/#!/photo/1", "https://example.com/#!/photo/1"),
    ("https://example.com/#/gallery/2", "https://example.com/#/gallery/2"),
    ("https://example.com/app#/a b", "https://example.com/app#/a%20b"),
    # IDN hosts to punycode
    ("https://b\u00fccher.de/", "https://xn--bcher-kva.de/"),
    ("https://B\u00dcCHER.de/", "https://xn--bcher-kva.de/"),
    ("https://xn--bcher-kva.de/", "https://xn--bcher-kva.de/"),
    (
        "https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/",
        "https://xn--e1afmkfd.xn--p1ai/",
    ),
    ("https://m\u00fcnchen.example.com/x", "https://xn--mnchen-3ya.example.com/x"),
    ("https://\u4f8b\u3048.jp/", "https://xn--r8jz45g.jp/"),
    ("https://ex%61mple.com/", "https://example.com/"),
    ("https://stra\u00dfe.de/", "https://xn--strae-oqa.de/"),
    ("https://my_host.example.com/", "https://my_host.example.com/"),
    # IP addresses that are public
    ("http://8.8.8.8/", "http://8.8.8.8/"),
    ("http://8.8.8.8:80/a", "http://8.8.8.8/a"),
    ("http://134744072/", "http://8.8.8.8/"),
    ("http://0x08080808/", "http://8.8.8.8/"),
    ("http://8.8.2056/", "http://8.8.8.8/"),
    ("http://010.010.010.010/", "http://8.8.8.8/"),
    ("http://[2001:4860:4860::8888]/", "http://[2001:4860:4860::8888]/"),
    ("http://[2001:4860:4860:0:0:0:0:8888]/", "http://[2001:4860:4860::8888]/"),
    ("http://[2001:4860:4860::8888]:8080/", "http://[2001:4860:4860::8888]:8080/"),
    # mobile and alias hosts mapped
    ("https://m.facebook.com/story.php?id=1", "https://www.facebook.com/story.php?id=1"),
    ("https://facebook.com/x", "https://www.facebook.com/x"),
    ("http://mobile.facebook.com/x", "https://www.facebook.com/x"),
    ("https://mbasic.facebook.com/x", "https://www.facebook.com/x"),
    ("https://web.facebook.com/x?mibextid=abc", "https://www.facebook.com/x"),
    ("https://www.facebook.com/x?__tn__=R", "https://www.facebook.com/x"),
    ("https://m.youtube.com/watch?v=abc123", "https://www.youtube.com/watch?v=abc123"),
    ("https://youtube.com/watch?v=abc123&feature=share", "https://www.youtube.com/watch?v=abc123"),
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?si=xyz", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?t=42", "https://www.youtube.com/watch?t=42&v=dQw4w9WgXcQ"),
    ("https://mobile.twitter.com/u/status/1", "https://twitter.com/u/status/1"),
    ("https://www.twitter.com/u/status/1?s=20&t=abc", "https://twitter.com/u/status/1"),
    ("https://mobile.x.com/u/status/1", "https://x.com/u/status/1"),
    ("https://www.x.com/u/status/1?s=46", "https://x.com/u/status/1"),
    ("https://m.tiktok.com/@u/video/1", "https://www.tiktok.com/@u/video/1"),
    (
        "https://www.tiktok.com/@u/video/1?is_from_webapp=1&sender_device=pc",
        "https://www.tiktok.com/@u/video/1",
    ),
    ("https://tiktok.com/@u/video/1?_r=1&_t=8", "https://www.tiktok.com/@u/video/1"),
    ("https://instagram.com/p/abc/", "https://www.instagram.com/p/abc/"),
    ("https://instagr.am/p/abc/", "https://www.instagram.com/p/abc/"),
    ("https://www.instagram.com/p/abc/?igsh=xyz", "https://www.instagram.com/p/abc/"),
    ("https://old.reddit.com/r/x/comments/abc/", "https://www.reddit.com/r/x/comments/abc/"),
    ("https://m.reddit.com/r/x/", "https://www.reddit.com/r/x/"),
    ("https://reddit.com/r/x/?share_id=1&rdt=2", "https://www.reddit.com/r/x/"),
    ("https://redd.it/abc123", "https://www.reddit.com/comments/abc123"),
    ("https://m.twitch.tv/u", "https://www.twitch.tv/u"),
    ("https://m.vk.com/id1", "https://vk.com/id1"),
    # hosts kept as they are
    ("https://bit.ly/abc", "https://bit.ly/abc"),
    ("https://t.co/abc", "https://t.co/abc"),
    ("https://user.blogspot.com/p", "https://user.blogspot.com/p"),
    ("https://sub.example.co.uk/a", "https://sub.example.co.uk/a"),
    ("https://a.b.c.example.com/a", "https://a.b.c.example.com/a"),
    ("https://example.zz/a", "https://example.zz/a"),
    ("https://www.youtube.com/shorts/abc", "https://www.youtube.com/shorts/abc"),
    ("https://docs.example.com/A/B/C", "https://docs.example.com/A/B/C"),
]

# (typed, the refusal says) ------------------------------------------------------------------
REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("ftp://example.com/a", "http:// or https://"),
    ("javascript:alert(1)", "http:// or https://"),
    ("data:text/html,hi", "http:// or https://"),
    ("mailto:a@example.com", "http:// or https://"),
    ("file:///etc/passwd", "http:// or https://"),
    ("https://user:pw@example.com/", "name or password"),
    ("https://user@example.com/", "name or password"),
    ("https://:pw@example.com/", "name or password"),
    ("http://127.0.0.1/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://0177.0.0.1/", "loopback"),
    ("http://localhost/", "localhost"),
    ("http://localhost:8000/", "localhost"),
    ("http://app.localhost/", "localhost"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://10.1.2.3:8080/x", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fd00::1]/", "private"),
    ("http://[::ffff:192.168.0.1]/", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://0.0.0.0/", "not on the public internet"),
    ("http://100.64.0.1/", "not on the public internet"),
    ("http://[fe80::1%25eth0]/", "zone"),
    ("http://256.1.1.1/", "number where the name should be"),
    ("http://1.2.3.4.5/", "number where the name should be"),
    ("http://example/", "does not look like a web address"),
    ("https://exa mple.com/", "does not look like a web address"),
    ("https://-example.com/", "does not look like a web address"),
    ("https://example..com/", "does not look like a web address"),
    ("https://" + "a" * 64 + ".com/", "does not look like a web address"),
    ("https://example.com:99999/", "port"),
    ("https://example.com:0/", "port"),
    ("https://example.com:http/", "port"),
    ("https://[not-ipv6]/", "not written correctly"),
    ("https://example.com/" + "a" * 2000, "very long"),
    ("https://example.com/\x00", "hidden characters"),
    ("https://\U0001f600.example/", "does not look like a web address"),
]


def test_the_table_has_at_least_150_cases() -> None:
    assert len(SAME) + len(REFUSED) >= 150


@pytest.mark.parametrize(("typed", "expected"), SAME)
def test_canonical_form(typed: str, expected: str) -> None:
    found = canonical(typed)
    assert found.url == expected
    assert canonical(found.url).url == expected  # idempotent on every row


@pytest.mark.parametrize(("typed", "says"), REFUSED)
def test_refused_with_a_clear_message(typed: str, says: str) -> None:
    with pytest.raises(UrlRejected, match=says):
        canonical(typed)


@pytest.mark.parametrize(
    ("host", "domain", "known"),
    [
        ("example.com", "example.com", True),
        ("a.b.example.co.uk", "example.co.uk", True),
        ("user.blogspot.com", "blogspot.com", True),
        ("www.facebook.com", "facebook.com", True),
        ("xn--bcher-kva.de", "xn--bcher-kva.de", True),
        ("foo.example.zz", "foo.example.zz", False),
        ("8.8.8.8", "8.8.8.8", True),
        ("[2001:4860:4860::8888]", "[2001:4860:4860::8888]", True),
        ("sub.city.kawasaki.jp", "city.kawasaki.jp", True),  # a PSL exception rule
    ],
)
def test_registered_domain_from_the_public_suffix_list(host: str, domain: str, known: bool) -> None:
    assert registered_domain(host) == (domain, known)


def test_flags_say_what_the_analyst_should_know() -> None:
    assert FLAG_SHORT_LINK in canonical("https://bit.ly/abc").flags
    assert FLAG_SHORT_LINK in canonical("https://vm.tiktok.com/ZM123/").flags
    assert FLAG_MAPPED_HOST in canonical("https://m.facebook.com/x").flags
    assert FLAG_IP_ADDRESS in canonical("http://8.8.8.8/").flags
    assert FLAG_UNKNOWN_SUFFIX in canonical("https://example.zz/").flags
    assert canonical("https://example.com/").flags == ()


def test_the_public_suffix_list_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a fresh process with every network connection refused, the registered domain still
    comes from the Public Suffix List (the snapshot shipped inside tldextract)."""
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from reclaim.takedown.canonical import canonical\n"
        "print(canonical('https://a.b.example.co.uk/x').registered_domain)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "example.co.uk"
    assert "network used" not in result.stderr
    assert socket.socket.connect is not None  # this process untouched


# Properties ---------------------------------------------------------------------------------

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_host = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "co.uk", "de", "net", "io"]),
)
_segment = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    max_size=8,
).map(lambda s: s.replace("/", "").replace("?", "").replace("#", "").replace("\\", ""))
_path = st.lists(_segment, max_size=4).map(lambda parts: "/" + "/".join(parts))
_key = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True).filter(
    lambda k: not k.startswith("utm_") and k not in {"si", "s", "t", "feature", "pp"}
)
_query = st.dictionaries(_key, st.from_regex(r"[A-Za-z0-9._~-]{0,6}", fullmatch=True), max_size=4)


@given(st.sampled_from(["http", "https"]), _host, _path, _query)
@settings(max_examples=300, deadline=None)
def test_canonicalising_is_idempotent(
    scheme: str, host: str, path: str, query: dict[str, str]
) -> None:
    typed = f"{scheme}://{host}{path}"
    if query:
        typed += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    try:
        once = canonical(typed)
    except UrlRejected:
        return
    assert canonical(once.url) == once
    assert canonical(once.url).url == once.url


@given(
    _host,
    st.lists(_label, max_size=3),
    _query,
    st.data(),
)
@settings(max_examples=300, deadline=None)
def test_the_same_place_typed_differently_is_one_place(
    host: str, segments: list[str], query: dict[str, str], data: st.DataObject
) -> None:
    path = "/" + "/".join(segments)
    plain = f"https://{host}{path}" + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )
    # The same place: host in upper case, the default port, a trailing dot, escaped unreserved
    # characters, dot segments, tracking parameters, shuffled parameters and a fragment.
    items = data.draw(st.permutations(list(query.items())))
    extra = data.draw(st.sampled_from(["utm_source=news", "fbclid=abc", "gclid=1", ""]))
    parts = [f"{k}={v}" for k, v in items] + ([extra] if extra else [])
    variant_path = (
        "/x/.."
        + "".join(
            "/"
            + "".join(
                f"%{ord(c):02x}" if c.isalpha() and data.draw(st.booleans()) else c for c in s
            )
            for s in segments
        )
        or "/"
    )
    variant = f"HTTPS://{host.upper()}.:443{variant_path}"
    if parts:
        variant += "?" + "&".join(parts)
    variant += "#" + data.draw(st.sampled_from(["", "top", "section-2"]))
    assert canonical(variant) == canonical(plain)
