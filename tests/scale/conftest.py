"""A small synthetic catalogue and its bank, made once per test session (nothing cached in the
repository)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reclaim.scale.bank import BankContents, write_bank
from reclaim.scale.corpus import Corpus, list_records, make_corpus


def bank_for(corpus: Corpus, directory: Path, *, filler: int = 500) -> Path:
    """The corpus's listed items plus ``filler`` random PDQ items on a second list."""
    import secrets

    contents = BankContents()
    sid = 0
    for record in list_records(corpus):
        sid = contents.add_item(
            1000 + record["item_id"], record["list"], record["signals"], next_signal_id=sid
        )
    for n in range(filler):
        sid = contents.add_item(
            50_000 + n,
            "other",
            [{"type": "pdq", "value": secrets.token_hex(32)}],
            max_distance=20,
            next_signal_id=sid,
        )
    return write_bank(directory, contents)


@pytest.fixture(scope="session", autouse=True)
def patient_dask() -> Any:
    """Generous Dask timeouts: on a machine shared with other jobs (load average 10 on 2 cores
    was seen) a LocalCluster's workers can take tens of seconds to start and answer. Equality,
    not speed, is tested here."""
    try:
        import dask
    except ImportError:  # the scale extra is not installed: the Dask tests skip themselves
        yield None
        return
    with dask.config.set(
        {
            "distributed.comm.timeouts.connect": "180s",
            "distributed.comm.timeouts.tcp": "180s",
            "distributed.scheduler.worker-ttl": "15 minutes",
            "distributed.deploy.lost-worker-timeout": "120s",
        }
    ):
        yield None


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("corpus")
    corpus = make_corpus(root, images=160, videos=4, listed_images=16, listed_videos=2)
    bank = bank_for(corpus, root / "bank")
    return {"corpus": corpus, "bank": bank, "root": root}
