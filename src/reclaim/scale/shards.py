"""Sharding the exact PDQ index: which shard holds an id, and merging the shards' answers. Pure.

Round-robin by id (``id mod n``), not by hash range: a Hamming ball around a query crosses every
range of hash values, so range sharding would not spare any shard the query, while round-robin
keeps shards equal in size whatever the hashes look like (clustered banks included) and lets a
tombstone or an add be routed from its id alone. Every query goes to every shard; each shard
answers exactly for its own rows, and the merge sorts the union by (distance, id): the same
answer the single-process index gives, since the shards' id sets are disjoint.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

#: One shard's answer in compressed form: query q owns rows offsets[q]:offsets[q + 1].
ShardAnswer = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]


def shard_of(ids: NDArray[np.int64], shards: int) -> NDArray[np.int64]:
    """The shard of each id."""
    if shards < 1:
        raise ValueError("at least one shard")
    out: NDArray[np.int64] = np.mod(np.asarray(ids, dtype=np.int64), shards)
    return out


def split_by_shard(ids: NDArray[np.int64], shards: int) -> list[NDArray[np.int64]]:
    """For each shard, the positions (into ``ids``) of the ids it holds, in input order."""
    owner = shard_of(ids, shards)
    return [np.flatnonzero(owner == s).astype(np.int64) for s in range(shards)]


def merge_answers(answers: Sequence[ShardAnswer], queries: int) -> ShardAnswer:
    """Merge shards' answers for the same ``queries`` rows: per query, sorted by distance, id."""
    if not answers:
        empty = np.zeros(0, np.int64)
        return np.zeros(queries + 1, np.int64), empty, empty
    query_of = []
    ids = []
    distances = []
    for offsets, shard_ids, shard_distances in answers:
        if offsets.shape[0] != queries + 1:
            raise ValueError("a shard answered for another number of queries")
        counts = np.diff(offsets)
        query_of.append(np.repeat(np.arange(queries, dtype=np.int64), counts))
        ids.append(np.asarray(shard_ids, np.int64))
        distances.append(np.asarray(shard_distances, np.int64))
    q = np.concatenate(query_of)
    i = np.concatenate(ids)
    d = np.concatenate(distances)
    order = np.lexsort((i, d, q))
    q, i, d = q[order], i[order], d[order]
    merged = np.zeros(queries + 1, np.int64)
    np.cumsum(np.bincount(q, minlength=queries), out=merged[1:])
    return merged, i, d


def to_lists(answer: ShardAnswer) -> list[list[tuple[int, int]]]:
    """``[(id, distance), ...]`` per query, as :meth:`PdqIndex.search` returns."""
    offsets, ids, distances = answer
    id_list, d_list, bounds = ids.tolist(), distances.tolist(), offsets.tolist()
    return [
        list(zip(id_list[a:b], d_list[a:b], strict=True)) for a, b in itertools.pairwise(bounds)
    ]
