"""Hash list files in the formats platforms already use, and reading them back. Pure parsing.

Formats:
- ``csv``: pytx's dataset columns ``signal_type,signal_str,collab,category,tags`` plus
  ``item_id,quality`` (extra columns are ignored by pytx). Free-text cells (list, categories)
  are made inert for spreadsheets (:mod:`reclaim.spreadsheet`); hashes and numbers are exact.
- ``jsonl``: one content item per line, ``{"item_id", "list", "categories", "signals": [...]}``.
- ``pytx``: ``<signal_type> <signal>`` per line, what ``threatexchange`` reads from a local file.
- ``plain`` (import only): one hash per line; the type is guessed from its length (64: PDQ
  needs a quality, so 64-character lines are read as SHA-256 unless ``--type pdq`` is given).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reclaim.bank.names import EXPORT_FORMATS as EXPORT_FORMATS
from reclaim.bank.names import IMPORT_FORMATS as IMPORT_FORMATS
from reclaim.bank.signals import Signal, SignalRejected, SignalType, make_signal
from reclaim.spreadsheet import safe_cell

CSV_COLUMNS = ["signal_type", "signal_str", "collab", "category", "tags", "item_id", "quality"]


@dataclass(frozen=True, slots=True)
class ExportItem:
    item_id: int
    list: str
    categories: tuple[str, ...]
    signals: tuple[dict[str, Any], ...]


def export_lines(items: Iterable[ExportItem], fmt: str) -> Iterator[str]:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        yield buffer.getvalue()
        for item in items:
            for signal in item.signals:
                buffer.seek(0)
                buffer.truncate()
                writer.writerow(
                    [
                        signal["type"],
                        signal["value"],
                        safe_cell(item.list),
                        safe_cell(",".join(item.categories)),
                        "",
                        item.item_id,
                        signal.get("quality", ""),
                    ]
                )
                yield buffer.getvalue()
    elif fmt == "jsonl":
        for item in items:
            record = {
                "item_id": item.item_id,
                "list": item.list,
                "categories": list(item.categories),
                "signals": list(item.signals),
            }
            yield json.dumps(record, separators=(",", ":")) + "\n"
    elif fmt == "pytx":
        for item in items:
            for signal in item.signals:
                if signal["type"] in ("pdq", "md5"):  # the types pytx's file exchange reads
                    yield f"{signal['type']} {signal['value']}\n"
    else:
        raise ValueError(f"Unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}.")


@dataclass(slots=True)
class ParsedItem:
    line: int
    signals: list[Signal]
    categories: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Rejected:
    line: int
    reason: str


def detect_format(name: str, first_line: str) -> str:
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson")) or first_line.lstrip().startswith("{"):
        return "jsonl"
    if lowered.endswith(".csv") or first_line.startswith("signal_type,"):
        return "csv"
    if first_line.split(" ", 1)[0].strip().lower() in {t.value for t in SignalType}:
        return "pytx"
    return "plain"


def _categories(text: str) -> list[str]:
    return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


def parse(
    lines: Iterable[str],
    fmt: str,
    *,
    plain_type: SignalType | None = None,
    default_quality: int | None = None,
) -> Iterator[ParsedItem | Rejected]:
    """Yield each line's content item, or why the line was rejected (with its number)."""
    if fmt == "csv":
        reader = csv.DictReader(lines)
        if not reader.fieldnames or not {"signal_type", "signal_str"} <= set(reader.fieldnames):
            yield Rejected(1, "A CSV file needs a header with at least signal_type,signal_str.")
            return
        for row in reader:
            number = reader.line_num
            try:
                signal = make_signal(
                    row.get("signal_type") or "",
                    row.get("signal_str") or "",
                    row.get("quality") or default_quality,
                )
                yield ParsedItem(number, [signal], _categories(row.get("category") or ""))
            except SignalRejected as exc:
                yield Rejected(number, str(exc))
        return
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if fmt == "jsonl":
                yield _parse_json_line(number, line, default_quality)
            elif fmt == "pytx":
                kind, _, value = line.partition(" ")
                yield ParsedItem(number, [make_signal(kind, value.strip(), default_quality)])
            elif fmt == "plain":
                guessed = plain_type or {32: SignalType.MD5, 64: SignalType.SHA256}.get(len(line))
                if guessed is None:
                    raise SignalRejected(
                        "A plain hash line is 32 (MD5) or 64 (SHA-256 or PDQ) hex characters."
                    )
                yield ParsedItem(number, [make_signal(guessed, line, default_quality)])
            else:
                raise ValueError(
                    f"Unknown import format {fmt!r}; use one of: {', '.join(IMPORT_FORMATS)}."
                )
        except SignalRejected as exc:
            yield Rejected(number, str(exc))


def _parse_json_line(number: int, line: str, default_quality: int | None) -> ParsedItem:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SignalRejected(f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise SignalRejected("this line nests too deeply to be a hash list entry") from None
    if not isinstance(record, dict) or not isinstance(record.get("signals"), list):
        raise SignalRejected('each line is an object with a "signals" list')
    signals = []
    for entry in record["signals"]:
        if not isinstance(entry, dict):
            raise SignalRejected('each signal is an object with "type" and "value"')
        value = (
            entry.get("frames")
            if entry.get("type") == "vpdq" and entry.get("frames")
            else entry.get("value")
        )
        signals.append(
            make_signal(str(entry.get("type", "")), value, entry.get("quality", default_quality))
        )
    categories = record.get("categories") or []
    if not isinstance(categories, list):
        raise SignalRejected('"categories" is a list of words')
    return ParsedItem(number, signals, [str(c) for c in categories])
