"""How a segment splits the 256 PDQ bits into tables, and how a query radius is spread over them.

Multi-index hashing: the 256 bits are cut into ``m`` disjoint substrings (tables). For a query
radius ``r`` each table ``i`` gets a radius ``t_i`` (or -1: not probed) with
``sum(t_i + 1) >= r + 1``; a stored hash within ``r`` of the query must then be within ``t_i`` of
it on at least one substring (generalised pigeonhole principle), so probing every key within
``t_i`` in every table finds it. The ``t_i`` are chosen per query radius by a cost model, and
when probing would cost more than reading every hash the search falls back to an exact scan, so
any radius from 0 to 256 is exact.

The cost model counts what dominates on real hardware: random reads of directory slots,
bucket entries and candidate hashes (each a likely cache miss, issued with software prefetch) and
sequential work. Its constants were measured on a 2-core AMD EPYC (see docs/matching.md).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reclaim.matching._kernels import MAX_KEY_BITS
from reclaim.matching.pdq import PDQ_MATCH_THRESHOLD

BITS = 256

# Nanoseconds per operation, measured (order of magnitude matters, not the digits).
COST_QUERY = 300.0  # fixed cost of one query against one segment
COST_PROBE = 12.0  # one directory slot read (random)
COST_RANGE = 18.0  # one non-empty bucket read (random)
COST_ENTRY = 1.5  # one bucket entry filtered on its low key bits (sequential)
COST_CANDIDATE = 16.0  # one candidate hash fetched and compared (random)
COST_SCAN = 0.8  # one stored hash compared by the exact scan (sequential)

# Tables per layout considered by choose_layout, and the design radius it optimises for.
MIN_TABLES = 8
MAX_TABLES = 24
DESIGN_RADIUS = PDQ_MATCH_THRESHOLD


@dataclass(frozen=True)
class Layout:
    """Substring tables of a segment: bit offsets, key lengths and directory (group) bits."""

    starts: tuple[int, ...]
    lengths: tuple[int, ...]
    group_bits: tuple[int, ...]

    def __post_init__(self) -> None:
        m = len(self.starts)
        if m == 0 or len(self.lengths) != m or len(self.group_bits) != m:
            raise ValueError("a layout needs the same, non-zero, number of starts/lengths/groups")
        pos = 0
        for start, length, g in zip(self.starts, self.lengths, self.group_bits, strict=True):
            if start != pos:
                raise ValueError("layout substrings must be contiguous and in order")
            if not 1 <= length <= MAX_KEY_BITS or not 1 <= g <= length:
                raise ValueError(f"bad layout table (length {length}, group bits {g})")
            pos += length
        if pos != BITS:
            raise ValueError(f"layout substrings cover {pos} bits, not {BITS}")

    @classmethod
    def even(cls, tables: int, max_group_bits: int) -> Layout:
        """``tables`` substrings of (almost) equal length; directories of at most 2**g slots."""
        base, extra = divmod(BITS, tables)
        lengths = tuple(base + 1 if i < extra else base for i in range(tables))
        starts = tuple(sum(lengths[:i]) for i in range(tables))
        groups = tuple(max(1, min(length, max_group_bits)) for length in lengths)
        return cls(starts, lengths, groups)

    @property
    def tables(self) -> int:
        return len(self.starts)

    def directory_slots(self) -> list[int]:
        return [(1 << g) + 1 for g in self.group_bits]

    def arrays(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        return (
            np.array(self.starts, np.int64),
            np.array(self.lengths, np.int64),
            np.array(self.group_bits, np.int64),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "starts": list(self.starts),
            "lengths": list(self.lengths),
            "group_bits": list(self.group_bits),
        }

    @classmethod
    def from_json(cls, data: Any) -> Layout:
        if not isinstance(data, dict):
            raise ValueError("layout must be an object")
        fields = []
        for key in ("starts", "lengths", "group_bits"):
            value = data.get(key)
            if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                raise ValueError(f"layout.{key} must be a list of integers")
            fields.append(tuple(value))
        return cls(fields[0], fields[1], fields[2])


@functools.cache
def _volume(bits: int, radius: int) -> int:
    """Number of ``bits``-bit strings within ``radius`` of a given one."""
    return sum(math.comb(bits, k) for k in range(min(radius, bits) + 1))


def _table_cost(n: int, length: int, g: int, t: int) -> float:
    """Expected nanoseconds to probe one table at radius ``t`` (uniformly spread keys)."""
    if t < 0:
        return 0.0
    probes = _volume(g, t)
    per_slot = n / float(1 << g)
    nonempty = probes * -math.expm1(-per_slot)
    candidates = n * _volume(length, t) / float(1 << length)
    entries = probes * per_slot if length > g else 0.0
    return (
        COST_PROBE * probes
        + COST_RANGE * nonempty
        + COST_ENTRY * entries
        + COST_CANDIDATE * candidates
    )


@dataclass(frozen=True)
class Plan:
    """How one segment answers one radius: per-table radii, or ``None`` for an exact scan."""

    thresholds: NDArray[np.int64] | None
    probes: int
    cost: float


@functools.lru_cache(maxsize=1024)
def plan(layout: Layout, n: int, radius: int, *, force_index: bool = False) -> Plan:
    """Spread ``radius`` over the tables greedily (costs are convex in t), or choose a scan
    when that is cheaper (never with ``force_index``, except at radius >= 256)."""
    scan_cost = math.inf if force_index else COST_QUERY + COST_SCAN * n
    if radius >= BITS:
        return Plan(None, 0, scan_cost)
    m = layout.tables
    t = [-1] * m
    cost = COST_QUERY
    for _ in range(radius + 1):
        best_i = -1
        best_delta = math.inf
        for i in range(m):
            if t[i] >= layout.lengths[i]:
                continue
            length, g = layout.lengths[i], layout.group_bits[i]
            delta = _table_cost(n, length, g, t[i] + 1) - _table_cost(n, length, g, t[i])
            if delta < best_delta:
                best_delta, best_i = delta, i
        if best_i < 0:  # every table at full length: cannot happen below 256
            return Plan(None, 0, COST_QUERY + COST_SCAN * n)
        t[best_i] += 1
        cost += best_delta
        if cost > scan_cost:
            return Plan(None, 0, scan_cost)
    probes = sum(_volume(g, ti) for g, ti in zip(layout.group_bits, t, strict=True) if ti >= 0)
    return Plan(np.array(t, np.int64), probes, cost)


def choose_layout(n: int, radius: int = DESIGN_RADIUS) -> Layout:
    """The layout with the lowest modelled query cost at ``radius`` for ``n`` hashes.

    Directories are capped at about one slot per stored hash (``2**bit_length(n)``), which keeps
    their memory proportional to the data: at 10M hashes that gives 11 direct-addressed tables of
    23-24 bits.
    """
    max_group = max(1, min(MAX_KEY_BITS, max(n, 1).bit_length()))
    best: tuple[float, int, Layout] | None = None
    for m in range(MIN_TABLES, MAX_TABLES + 1):
        if math.ceil(BITS / m) > MAX_KEY_BITS:
            continue
        layout = Layout.even(m, max_group)
        p = plan(layout, n, radius)
        # Prefer fewer tables (less memory, faster build) when costs tie within 3 %.
        key = p.cost * (1.0 + 0.03 * m / MAX_TABLES)
        if best is None or key < best[0]:
            best = (key, m, layout)
    assert best is not None
    return best[2]
