"""A generated catalogue and its bank for the scan benchmark."""

from __future__ import annotations

from pathlib import Path

from reclaim.scale.bank import BankContents, write_bank
from reclaim.scale.corpus import list_records, make_corpus


def corpus_and_bank(root: Path, images: int) -> tuple[Path, Path]:
    corpus = make_corpus(
        root / "corpus", images=images, videos=max(2, images // 100), size=(640, 480)
    )
    contents = BankContents()
    sid = 0
    for record in list_records(corpus):
        sid = contents.add_item(
            record["item_id"], record["list"], record["signals"], next_signal_id=sid
        )
    return root / "corpus" / "catalogue", write_bank(root / "bank", contents)
