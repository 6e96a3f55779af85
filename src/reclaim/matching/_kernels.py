"""Numba kernels behind :mod:`reclaim.matching` (internal; use :class:`PdqIndex`).

Hashes are handled as 4 little-endian ``uint64`` words per 256-bit PDQ hash (a zero-copy view of
the ``(N, 32)`` ``uint8`` rows). Bit ``b`` of the hash is bit ``b % 64`` of word ``b // 64``; the
Hamming distance does not depend on that choice, only the substring keys do.

Every kernel is compiled with ``nogil=True`` so that :class:`concurrent.futures.ThreadPoolExecutor`
threads run them in parallel, and ``cache=True`` so that the JIT cost is paid once per install.

The multi-index search runs in phases so that the processor can keep many independent cache
misses in flight (the index is memory-latency bound): (A) enumerate the directory slots to
probe, (B) read the directory with software prefetch, (C) read the bucket entries with prefetch
and filter them on the low key bits, (D) fetch the candidate hashes with prefetch and verify the
full distance. A candidate found in table ``i`` is reported only if no earlier table ``j`` would
have found it (``d_j > t_j`` for all ``j < i``), which makes every result unique without a set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import llvmlite.ir as llvm_ir
import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# One table may use at most this many bits of key (directory of 2**g + 1 uint32 offsets).
MAX_KEY_BITS = 32
# Result rows: (query index, position in segment, distance).
_RESULT_COLUMNS = 3
# Prefetch distance (in loop iterations) of the phased search. 32 rather than 16: at 100M
# hashes (a 9.5 GB index, a TLB miss on most reads) a read needs more of them in flight
# (docs/scale.md: ~7 % more lookups/s at 100M, ~3 % at 10M, quiet 2-core machine).
_PREFETCH_AHEAD = 32
# Prefetch hint: 2 is "T1", into the second-level cache and below, not the first. The prefetched
# lines are used a few dozen iterations later, and not holding a first-level fill buffer for
# each of them leaves more reads in flight: ~15-18 % more lookups/s at 10M than 3 ("T0"),
# measured alternating the two (docs/scale.md).
_PREFETCH_LOCALITY = 2


def _intrinsic(fn: Callable[..., Any]) -> Any:
    """numba ``@intrinsic``: a function usable only inside compiled code, emitting LLVM IR."""
    return intrinsic(fn)


@_intrinsic
def _popcount(typingctx: Any, x: Any) -> Any:
    """Hardware population count of a uint64, as int64."""
    if x != types.uint64:
        return None
    sig = types.int64(types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        i64 = llvm_ir.IntType(64)
        fnty = llvm_ir.FunctionType(i64, [i64])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.ctpop.i64")
        return builder.call(fn, [args[0]])

    return sig, codegen


@_intrinsic
def _prefetch(typingctx: Any, arr: Any, idx: Any) -> Any:
    """Hint the CPU to load ``arr[idx]`` (first axis of a C-contiguous array) into cache."""
    if not isinstance(arr, types.Array) or not isinstance(idx, types.Integer):
        return None
    sig = types.void(arr, idx)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        arrty = signature.args[0]
        ary = context.make_array(arrty)(context, builder, args[0])
        index = context.cast(builder, args[1], signature.args[1], types.intp)
        zero = context.get_constant(types.intp, 0)
        ptr = cgutils.get_item_pointer2(
            context,
            builder,
            data=ary.data,
            shape=cgutils.unpack_tuple(builder, ary.shape),
            strides=cgutils.unpack_tuple(builder, ary.strides),
            layout=arrty.layout,
            inds=[index] + [zero] * (arrty.ndim - 1),
            wraparound=False,
        )
        i8p = llvm_ir.IntType(8).as_pointer()
        i32 = llvm_ir.IntType(32)
        fnty = llvm_ir.FunctionType(llvm_ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(
            fn,
            [
                builder.bitcast(ptr, i8p),
                llvm_ir.Constant(i32, 0),  # read
                llvm_ir.Constant(i32, _PREFETCH_LOCALITY),
                llvm_ir.Constant(i32, 1),  # data cache
            ],
        )
        return context.get_dummy_value()

    return sig, codegen


_F = TypeVar("_F", bound=Callable[..., Any])


def _jit(fn: _F) -> _F:
    """Compile with numba: no GIL (so threads run in parallel), cached on disk."""
    return cast(_F, njit(cache=True, nogil=True)(fn))


def _inline(fn: _F) -> _F:
    """Like :func:`_jit`, inlined into its callers at the numba IR level."""
    return cast(_F, njit(cache=True, nogil=True, inline="always")(fn))


@_inline
def _distance(a: Any, b: Any) -> Any:
    return (
        _popcount(a[0] ^ b[0])
        + _popcount(a[1] ^ b[1])
        + _popcount(a[2] ^ b[2])
        + _popcount(a[3] ^ b[3])
    )


@_inline
def _extract(words: Any, start: Any, length: Any) -> Any:
    """Bits ``[start, start + length)`` of a 4-word hash, as uint64 (length <= 32)."""
    wi = start >> 6
    off = start & 63
    v = words[wi] >> np.uint64(off)
    if off + length > 64:
        v |= words[wi + 1] << np.uint64(64 - off)
    return v & ((np.uint64(1) << np.uint64(length)) - np.uint64(1))


@_inline
def _grow(res: Any, needed: Any) -> Any:
    cap = res.shape[0]
    if needed <= cap:
        return res
    new_cap = max(2 * cap, needed, 64)
    out = np.empty((new_cap, _RESULT_COLUMNS), np.int64)
    out[:cap] = res
    return out


@_inline
def _enumerate_probes(
    qkeys: Any,
    thresholds: Any,
    dir_offsets: Any,
    lengths: Any,
    group_bits: Any,
    probe_slot: Any,
    probe_meta: Any,
) -> Any:
    """Phase (A) of a query: the directory slots to probe (flip up to ``t`` bits of the group
    part of each table's key), with ``table * 256 + budget left for the low bits``; returns
    their number."""
    nprobe = 0
    for i in range(thresholds.shape[0]):
        t = thresholds[i]
        if t < 0:
            continue
        g = group_bits[i]
        s = lengths[i] - g
        qhi = np.int64(qkeys[i] >> np.uint64(s))
        base = dir_offsets[i]
        limit = np.int64(1) << g
        for k in range(min(t, g) + 1):
            if k == 0:
                probe_slot[nprobe] = base + qhi
                probe_meta[nprobe] = i * 256 + t
                nprobe += 1
                continue
            mask = (np.int64(1) << k) - 1
            while mask < limit:
                probe_slot[nprobe] = base + (qhi ^ mask)
                probe_meta[nprobe] = i * 256 + (t - k)
                nprobe += 1
                # next mask with the same number of bits (Gosper's hack)
                c = mask & -mask
                r = mask + c
                mask = (((r ^ mask) >> 2) // c) | r
    return nprobe


@_inline
def _reported_here(
    h: Any, table: Any, thresholds: Any, starts: Any, lengths: Any, qkeys: Any
) -> Any:
    """Whether a match found in ``table`` is reported there: no earlier table would find it."""
    for jt in range(table):
        tj = thresholds[jt]
        if tj >= 0 and _popcount(_extract(h, starts[jt], lengths[jt]) ^ qkeys[jt]) <= tj:
            return False
    return True


@_jit
def pairwise_distances(a: Any, b: Any) -> Any:
    """Hamming distance between rows ``a[i]`` and ``b[i]``."""
    n = a.shape[0]
    out = np.empty(n, np.int64)
    for p in range(n):
        out[p] = _distance(a[p], b[p])
    return out


@_jit
def scan_search(queries: Any, hashes: Any, dead: Any, radius: Any, q_base: Any) -> Any:
    """Exact linear scan: rows ``(q_base + query index, position, distance)`` within ``radius``.

    ``dead[p]`` != 0 marks a removed row. Blocked over the stored hashes so that a block stays in
    cache while every query is compared with it.
    """
    nq = queries.shape[0]
    n = hashes.shape[0]
    res = np.empty((64, _RESULT_COLUMNS), np.int64)
    nres = 0
    block = 2048
    for b0 in range(0, n, block):
        b1 = min(n, b0 + block)
        for qi in range(nq):
            q = queries[qi]
            q0 = q[0]
            q1 = q[1]
            q2 = q[2]
            q3 = q[3]
            for p in range(b0, b1):
                h = hashes[p]
                d = (
                    _popcount(h[0] ^ q0)
                    + _popcount(h[1] ^ q1)
                    + _popcount(h[2] ^ q2)
                    + _popcount(h[3] ^ q3)
                )
                if d <= radius and dead[p] == 0:
                    res = _grow(res, nres + 1)
                    res[nres, 0] = q_base + qi
                    res[nres, 1] = p
                    res[nres, 2] = d
                    nres += 1
    return res[:nres]


@_jit
def build_table(
    hashes: Any, start: Any, length: Any, group_bits: Any, directory: Any, entries: Any
) -> None:
    """Counting-sort one table: fill ``directory`` (2**g + 1 offsets) and ``entries`` (n).

    An entry is ``(position << s) | low`` where ``low`` holds the ``s = length - group_bits``
    low bits of the key, so a directory slot (a group of 2**s keys) can be filtered exactly.
    """
    n = hashes.shape[0]
    s = length - group_bits
    ngroups = 1 << group_bits
    keys = np.empty(n, np.uint32)
    counts = np.zeros(ngroups + 1, np.int64)
    for p in range(n):
        k = np.uint32(_extract(hashes[p], start, length))
        keys[p] = k
        counts[(k >> np.uint32(s)) + 1] += 1
    for g in range(ngroups):
        counts[g + 1] += counts[g]
    for g in range(ngroups + 1):
        directory[g] = counts[g]
    low_mask = np.uint32((1 << s) - 1)
    for p in range(n):
        k = keys[p]
        g = k >> np.uint32(s)
        e = counts[g]
        counts[g] = e + 1
        entries[e] = (np.uint32(p) << np.uint32(s)) | (k & low_mask)


@_jit
def mih_search(
    queries: Any,
    q_base: Any,
    radius: Any,
    thresholds: Any,
    hashes: Any,
    dead: Any,
    directory: Any,
    dir_offsets: Any,
    entries: Any,
    starts: Any,
    lengths: Any,
    group_bits: Any,
    max_probes: Any,
) -> Any:
    """Multi-index Hamming range search; rows ``(q_base + query, position, distance)``.

    ``thresholds[i]`` is the search radius in table ``i`` (-1: table unused), chosen so that
    ``sum(thresholds + 1) >= radius + 1`` (generalised pigeonhole principle: a hash within
    ``radius`` is within ``thresholds[i]`` of the query on at least one substring).
    ``max_probes`` bounds the number of directory slots probed per query.
    """
    n = hashes.shape[0]
    m = starts.shape[0]
    nq = queries.shape[0]
    probe_slot = np.empty(max_probes, np.int64)
    probe_end = np.empty(max_probes, np.int64)
    probe_meta = np.empty(max_probes, np.int64)
    qkeys = np.empty(m, np.uint64)
    cand = np.empty(4096, np.int64)
    res = np.empty((64, _RESULT_COLUMNS), np.int64)
    nres = 0
    for qi in range(nq):
        q = queries[qi]
        for i in range(m):
            qkeys[i] = _extract(q, starts[i], lengths[i])
        # (A) directory slots to probe.
        nprobe = _enumerate_probes(
            qkeys, thresholds, dir_offsets, lengths, group_bits, probe_slot, probe_meta
        )
        # (B) read the directory: non-empty slots become entry ranges.
        nrange = 0
        for j in range(nprobe):
            if j + _PREFETCH_AHEAD < nprobe:
                _prefetch(directory, probe_slot[j + _PREFETCH_AHEAD])
            slot = probe_slot[j]
            a = directory[slot]
            b = directory[slot + 1]
            if a != b:
                meta = probe_meta[j]
                off = (meta >> 8) * n
                _prefetch(entries, off + a)
                probe_slot[nrange] = off + a
                probe_end[nrange] = off + b
                probe_meta[nrange] = meta
                nrange += 1
        # (C) read the entries, keep those within budget on the low key bits.
        ncand = 0
        for j in range(nrange):
            if j + _PREFETCH_AHEAD < nrange:
                _prefetch(entries, probe_slot[j + _PREFETCH_AHEAD])
            a = probe_slot[j]
            b = probe_end[j]
            meta = probe_meta[j]
            i = meta >> 8
            budget = meta & 255
            s = lengths[i] - group_bits[i]
            need = ncand + (b - a)
            if need > cand.shape[0]:
                bigger = np.empty(max(2 * cand.shape[0], need), np.int64)
                bigger[:ncand] = cand[:ncand]
                cand = bigger
            if budget >= s:
                for e in range(a, b):
                    p = np.int64(entries[e] >> np.uint32(s))
                    _prefetch(hashes, p)
                    cand[ncand] = (p << 8) | i
                    ncand += 1
            else:
                low_mask = np.uint32((1 << s) - 1)
                qlow = np.uint32(qkeys[i]) & low_mask
                for e in range(a, b):
                    ent = entries[e]
                    if _popcount(np.uint64((ent ^ qlow) & low_mask)) <= budget:
                        p = np.int64(ent >> np.uint32(s))
                        _prefetch(hashes, p)
                        cand[ncand] = (p << 8) | i
                        ncand += 1
        # (D) verify the full distance.
        for j in range(ncand):
            if j + _PREFETCH_AHEAD < ncand:
                _prefetch(hashes, cand[j + _PREFETCH_AHEAD] >> 8)
            c = cand[j]
            p = c >> 8
            h = hashes[p]
            d = _distance(h, q)
            if (
                d <= radius
                and dead[p] == 0
                and _reported_here(h, c & 255, thresholds, starts, lengths, qkeys)
            ):
                res = _grow(res, nres + 1)
                res[nres, 0] = q_base + qi
                res[nres, 1] = p
                res[nres, 2] = d
                nres += 1
    return res[:nres]


# Batched search (``mih_batch_search``): reads go region by region (8 MiB of directory, of
# entries, of hashes at a time) so that the address translations of a region stay cached while
# its reads are made. Shifts are log2 of a region's length in elements.
_BATCH_DIR_SHIFT = 21  # 2**21 uint32 directory slots
_BATCH_ENTRY_SHIFT = 21  # 2**21 uint32 entries
_BATCH_HASH_SHIFT = 18  # 2**18 hashes of 32 bytes
# Packed work items. A probe: slot << 27 | query << 11 | table << 6 | budget. A range:
# (count << 27 | query << 11 | table << 6 | budget) beside its first entry. A candidate:
# position << 21 | query << 5 | table. So at most 2**16 queries per call, 32 tables, budget < 64.
BATCH_MAX_QUERIES = 1 << 16
# A probe's slot takes the top 36 bits and a table 5: larger directories or more tables (only
# hand-made layouts) use the per-query kernel.
BATCH_MAX_SLOTS = 1 << 36
BATCH_MAX_TABLES = 32


@_inline
def _running_totals(counts: Any) -> None:
    """``counts[r + 1]`` held region ``r``'s count; afterwards ``counts[r]`` is where region
    ``r`` starts (counting sort)."""
    for r in range(counts.shape[0] - 1):
        counts[r + 1] += counts[r]


@_jit
def mih_batch_search(
    queries: Any,
    q_base: Any,
    radius: Any,
    thresholds: Any,
    hashes: Any,
    dead: Any,
    directory: Any,
    dir_offsets: Any,
    entries: Any,
    starts: Any,
    lengths: Any,
    group_bits: Any,
    max_probes: Any,
    work_a: Any,
    work_b: Any,
    work_c: Any,
    work_d: Any,
    cand: Any,
    cand_sorted: Any,
) -> Any:
    """:func:`mih_search` for a batch of queries at once, with the same rows (in another order).

    On a big index most reads of the per-query search miss the processor's address translation
    caches as well as its data caches (at 100M hashes on the measured VM a random read costs
    ~25 ns, against ~6 ns within 1 GiB). Here every phase's reads for the whole batch are
    first partitioned by memory region (a counting sort on the address's high bits), then made
    region by region: (A) all probes, partitioned by directory region; (B) directory reads,
    non-empty slots partitioned by entries region; (C) entry reads, candidates partitioned by
    hash region; (D) verification, with the same first-table rule as :func:`mih_search`.

    ``work_a``..``work_d`` hold at least ``len(queries) * max_probes`` items; ``cand`` and
    ``cand_sorted`` any size (replaced by bigger arrays when needed). Returns ``(rows, cand,
    cand_sorted)`` so that the caller can keep the buffers for the next call.
    """
    n = hashes.shape[0]
    m = starts.shape[0]
    nq = queries.shape[0]
    qkeys = np.empty((nq, m), np.uint64)
    for qi in range(nq):
        for i in range(m):
            qkeys[qi, i] = _extract(queries[qi], starts[i], lengths[i])
    # (A) every probe of every query, counted by directory region, then partitioned.
    flat = work_a
    ndreg = (directory.shape[0] >> _BATCH_DIR_SHIFT) + 1
    hist = np.zeros(ndreg + 1, np.int64)
    one_slot = np.empty(max_probes, np.int64)
    one_meta = np.empty(max_probes, np.int64)
    nprobe = 0
    for qi in range(nq):
        k = _enumerate_probes(
            qkeys[qi], thresholds, dir_offsets, lengths, group_bits, one_slot, one_meta
        )
        for j in range(k):
            slot = one_slot[j]
            meta = one_meta[j]  # table * 256 + budget
            flat[nprobe] = (slot << 27) | (np.int64(qi) << 11) | ((meta >> 8) << 6) | (meta & 255)
            hist[(slot >> _BATCH_DIR_SHIFT) + 1] += 1
            nprobe += 1
    _running_totals(hist)
    probes = work_b
    for j in range(nprobe):
        v = flat[j]
        r = (v >> 27) >> _BATCH_DIR_SHIFT
        probes[hist[r]] = v
        hist[r] += 1
    # (B) the directory, region by region: non-empty slots become entry ranges.
    low27 = (np.int64(1) << 27) - 1
    nereg = (entries.shape[0] >> _BATCH_ENTRY_SHIFT) + 1
    ehist = np.zeros(nereg + 1, np.int64)
    range_start = work_a
    range_info = work_c
    nrange = 0
    for j in range(nprobe):
        if j + _PREFETCH_AHEAD < nprobe:
            _prefetch(directory, probes[j + _PREFETCH_AHEAD] >> 27)
        v = probes[j]
        slot = v >> 27
        a = np.int64(directory[slot])
        b = np.int64(directory[slot + 1])
        if a != b:
            first_entry = ((v >> 6) & 31) * n + a
            range_start[nrange] = first_entry
            range_info[nrange] = ((b - a) << 27) | (v & low27)
            ehist[(first_entry >> _BATCH_ENTRY_SHIFT) + 1] += 1
            nrange += 1
    _running_totals(ehist)
    sorted_start = work_b
    sorted_info = work_d
    for j in range(nrange):
        r = range_start[j] >> _BATCH_ENTRY_SHIFT
        d = ehist[r]
        sorted_start[d] = range_start[j]
        sorted_info[d] = range_info[j]
        ehist[r] = d + 1
    # (C) the entries, region by region: candidates, counted by hash region.
    nhreg = (n >> _BATCH_HASH_SHIFT) + 1
    hhist = np.zeros(nhreg + 1, np.int64)
    ncand = 0
    for j in range(nrange):
        if j + _PREFETCH_AHEAD < nrange:
            _prefetch(entries, sorted_start[j + _PREFETCH_AHEAD])
        a = sorted_start[j]
        info = sorted_info[j]
        count = info >> 27
        budget = info & 63
        i = (info >> 6) & 31
        qi = (info >> 11) & 65535
        s = lengths[i] - group_bits[i]
        if ncand + count > cand.shape[0]:
            bigger = np.empty(max(2 * cand.shape[0], ncand + count, 1024), np.int64)
            bigger[:ncand] = cand[:ncand]
            cand = bigger
        tag = (qi << 5) | i
        if budget >= s:
            for e in range(a, a + count):
                p = np.int64(entries[e] >> np.uint32(s))
                cand[ncand] = (p << 21) | tag
                hhist[(p >> _BATCH_HASH_SHIFT) + 1] += 1
                ncand += 1
        else:
            low_mask = np.uint32((1 << s) - 1)
            qlow = np.uint32(qkeys[qi, i]) & low_mask
            for e in range(a, a + count):
                ent = entries[e]
                if _popcount(np.uint64((ent ^ qlow) & low_mask)) <= budget:
                    p = np.int64(ent >> np.uint32(s))
                    cand[ncand] = (p << 21) | tag
                    hhist[(p >> _BATCH_HASH_SHIFT) + 1] += 1
                    ncand += 1
    _running_totals(hhist)
    if cand_sorted.shape[0] < ncand:
        cand_sorted = np.empty(max(ncand, 2 * cand_sorted.shape[0]), np.int64)
    for j in range(ncand):
        r = (cand[j] >> 21) >> _BATCH_HASH_SHIFT
        d = hhist[r]
        cand_sorted[d] = cand[j]
        hhist[r] = d + 1
    # (D) verify, region by region.
    res = np.empty((64, _RESULT_COLUMNS), np.int64)
    nres = 0
    for j in range(ncand):
        if j + _PREFETCH_AHEAD < ncand:
            _prefetch(hashes, cand_sorted[j + _PREFETCH_AHEAD] >> 21)
        c = cand_sorted[j]
        p = c >> 21
        qi = (c >> 5) & 65535
        i = c & 31
        h = hashes[p]
        d = _distance(h, queries[qi])
        if (
            d <= radius
            and dead[p] == 0
            and _reported_here(h, i, thresholds, starts, lengths, qkeys[qi])
        ):
            res = _grow(res, nres + 1)
            res[nres, 0] = q_base + qi
            res[nres, 1] = p
            res[nres, 2] = d
            nres += 1
    return res[:nres], cand, cand_sorted


@_jit
def best_per_id(qidx: Any, ids: Any, dists: Any) -> Any:
    """Given rows sorted by (query, id, distance), keep the first row of each (query, id)."""
    n = qidx.shape[0]
    keep = np.zeros(n, np.bool_)
    for r in range(n):
        if r == 0 or qidx[r] != qidx[r - 1] or ids[r] != ids[r - 1]:
            keep[r] = True
    return keep
