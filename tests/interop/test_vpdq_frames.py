"""One vPDQ frame order: pytx's ``pdq_hex,quality,timestamp``, read and written the same way
by the bank, the match API, the feed and the CSV export (issue 9, item 18)."""

from __future__ import annotations

import csv
import io
import json
import secrets
import sys
import types

import pytest

# pytx's vPDQ helpers import the native ``vpdq`` hasher (built against FFmpeg) only to hash files
# and for type hints; parsing and writing signal strings need none of it.
try:
    import vpdq  # noqa: F401
except ImportError:
    _stub = types.ModuleType("vpdq")
    _stub.VpdqFeature = object  # type: ignore[attr-defined]
    sys.modules["vpdq"] = _stub

from threatexchange.extensions.vpdq.vpdq import VPDQSignal
from threatexchange.extensions.vpdq.vpdq_util import (
    VpdqCompactFeature,
    json_to_vpdq,
    vpdq_to_json,
)

from reclaim.bank.files import ExportItem, ParsedItem, export_lines, parse
from reclaim.bank.items import signal_dict
from reclaim.bank.models import Signal as SignalRow
from reclaim.bank.signals import make_signal


def pytx_features(count: int = 5) -> list[VpdqCompactFeature]:
    return [VpdqCompactFeature(secrets.token_hex(32), 60 + i, float(i)) for i in range(count)]


def as_tuples(features: list[VpdqCompactFeature]) -> list[tuple[str, int, float]]:
    return [(f.pdq_hex, f.quality, round(f.timestamp, 3)) for f in features]


def test_a_pytx_vpdq_signal_string_is_accepted_as_pytx_wrote_it() -> None:
    features = pytx_features()
    signal = make_signal("vpdq", vpdq_to_json(features))
    assert [(f.pdq_hex, f.quality, f.timestamp) for f in signal.frames] == as_tuples(features)


def test_pytx_compact_lines_are_accepted() -> None:
    features = pytx_features()
    signal = make_signal("vpdq", "\n".join(str(f) for f in features))
    assert [(f.pdq_hex, f.quality, f.timestamp) for f in signal.frames] == as_tuples(features)


def test_the_stored_value_is_pytxs_signal_string() -> None:
    features = pytx_features()
    signal = make_signal("vpdq", vpdq_to_json(features))
    assert VPDQSignal.validate_signal_str(signal.value) == signal.value
    assert as_tuples(json_to_vpdq(signal.value)) == as_tuples(features)


def test_round_trip_through_pytx_is_stable() -> None:
    features = pytx_features(12)
    once = make_signal("vpdq", vpdq_to_json(features))
    again = make_signal("vpdq", vpdq_to_json(json_to_vpdq(once.value)))
    assert again == once


def test_reclaims_earlier_quality_first_lines_still_read_the_same() -> None:
    """Files exported before the fix wrote ``quality,pdq,timestamp``; they import unchanged."""
    features = pytx_features()
    legacy = ";".join(f"{f.quality},{f.pdq_hex},{f.timestamp:.3f}" for f in features)
    assert make_signal("vpdq", legacy) == make_signal("vpdq", vpdq_to_json(features))


def test_feed_and_csv_export_carry_pytx_order() -> None:
    features = pytx_features()
    signal = make_signal("vpdq", vpdq_to_json(features))
    row = SignalRow(signal_type="vpdq", value=signal.value, value_key="k", quality=None)
    entry = signal_dict(row)
    assert as_tuples(json_to_vpdq(str(entry["value"]))) == as_tuples(features)

    text = "".join(export_lines([ExportItem(1, "reclaim", (), (entry,))], "csv"))
    record = next(csv.DictReader(io.StringIO(text)))
    assert as_tuples(json_to_vpdq(record["signal_str"])) == as_tuples(features)
    (item,) = [p for p in parse(text.splitlines(keepends=True), "csv") if isinstance(p, ParsedItem)]
    assert item.signals == [signal]


@pytest.mark.parametrize("order", ["pdq-first", "frame-number-first"])
def test_each_frame_names_its_fields(order: str) -> None:
    pdq = secrets.token_hex(32)
    line = f"{pdq},70,1.5" if order == "pdq-first" else f"3,70,{pdq},1.5"
    (frame,) = make_signal("vpdq", line).frames
    assert (frame.pdq_hex, frame.quality, frame.timestamp) == (pdq, 70, 1.5)
    assert json.loads(make_signal("vpdq", line).value) == [f"{pdq},70,1.500"]
