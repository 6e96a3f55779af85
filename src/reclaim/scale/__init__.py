"""Scanning at platform scale: a back catalogue against the hash lists, on one machine or Dask.

* :mod:`reclaim.scale.plan`: chunks, checkpoints (pure).
* :mod:`reclaim.scale.shards`: which shard holds an id, merging shards' results (pure).
* :mod:`reclaim.scale.bank`: the scan bank, a memory-mappable copy of the lists.
* :mod:`reclaim.scale.sources`: what to scan (directories, listings, fsspec URLs, hash tables).
* :mod:`reclaim.scale.work`: one chunk, run where the bytes are.
* :mod:`reclaim.scale.engines`: the local process pool and Dask.
* :mod:`reclaim.scale.runner`: the scan itself, resumable.
* :mod:`reclaim.scale.sharded`: the exact PDQ index sharded over Dask workers.

Nothing here imports web, storage or database code (import-linter enforces it); Dask and
pyarrow are imported only where they are used. See docs/scale.md.
"""
