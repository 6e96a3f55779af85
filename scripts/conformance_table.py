"""Regenerate the conformance table in docs/hashing.md from the reference data.

    .venv/bin/python scripts/conformance_table.py            # rewrite the table
    .venv/bin/python scripts/conformance_table.py --check    # exit 1 if it is stale
    .venv/bin/python scripts/conformance_table.py --print    # print it only

The reference data is ../shared/reference/threatexchange-data next to the repository
(or --reference PATH). python-threatexchange (a dev dependency) is the pytx oracle.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file

from reclaim.hashing import hamming_distance, hash_image, hash_video
from reclaim.hashing.normalise import normalise_image
from reclaim.hashing.pdq import pdq_from_block

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "hashing.md"
START = "<!-- conformance:start (scripts/conformance_table.py) -->"
END = "<!-- conformance:end -->"

PYTX_WRONG = {
    "pdq/data/misc-images/modes/P.png",
    "pdq/data/misc-images/modes/CMYK.jpg",
    "pdq/data/misc-images/modes/1.png",
    "python-threatexchange/threatexchange/tests/hashing/resources/I16.png",
    "python-threatexchange/threatexchange/tests/hashing/resources/LA.png",
    "pdq/data/reg-test-input/exif-rotn/exif-rotn-3.jpg",
    "pdq/data/reg-test-input/exif-rotn/exif-rotn-6.jpg",
    "pdq/data/reg-test-input/exif-rotn/exif-rotn-8.jpg",
}
CPP_EXCLUDED = {"python-threatexchange/threatexchange/tests/hashing/resources/I16.png"}


@dataclass
class Row:
    check: str
    rule: str
    count: int
    distances: list[int]
    limit: int

    @property
    def passed(self) -> bool:
        return bool(self.distances) and max(self.distances) <= self.limit

    def cells(self) -> list[str]:
        worst = max(self.distances) if self.distances else "-"
        mean = f"{sum(self.distances) / len(self.distances):.1f}" if self.distances else "-"
        verdict = "pass" if self.passed else "FAIL"
        return [self.check, self.rule, str(self.count), str(worst), mean, verdict]


def find_reference() -> Path:
    for parent in REPO.parents:
        candidate = parent / "shared" / "reference" / "threatexchange-data"
        if candidate.is_dir():
            return candidate
    raise SystemExit("reference data not found: pass --reference PATH")


#: Images at least this long on their shorter side are the "large" row: the ones an
#: earlier pre-reduction (removed, issue 9 item 19) moved away from pdqhash.
LARGE_SIDE = 1024


def as_stored(path: Path) -> tuple[str, int, bool]:
    image = normalise_image(path.read_bytes(), max_pixels=10**9, orient=False)
    result = pdq_from_block(image.block)
    return result.hash, result.quality, min(image.width, image.height) >= LARGE_SIDE


def pdq_rows(root: Path) -> list[Row]:
    with (root / "pdq-expected.csv").open(newline="") as handle:
        expected = list(csv.DictReader(handle))
    cpp, pytx, large = [], [], []
    for row in expected:
        path = root / row["image"]
        ours, _, is_large = as_stored(path)
        cpp_hash = row["cpp_ref_libjpeg_hash"]
        if cpp_hash and int(row["cpp_ref_quality"]) >= 80 and row["image"] not in CPP_EXCLUDED:
            cpp.append(hamming_distance(ours, cpp_hash))
        theirs, their_quality = pdq_from_file(path)
        if row["image"] not in PYTX_WRONG and their_quality >= 80:
            pytx.append(hamming_distance(hash_image(path).pdq, theirs))
        if is_large:  # stored pixels, as pytx hashes them (no EXIF orientation)
            large.append(hamming_distance(ours, theirs))
    modes_dir = root / "pdq/data/misc-images/modes"
    original = hash_image(modes_dir / "original.jpg").pdq
    modes = [hamming_distance(hash_image(p).pdq, original) for p in sorted(modes_dir.iterdir())]
    dih_dir = root / "pdq/data/reg-test-input/dih"
    variants = hash_image(dih_dir / "bridge-1-original.jpg", dihedral=True).dihedral or ()
    dih = [
        hamming_distance(hash_image(p).pdq, variants[int(p.name.split("-")[1]) - 1])
        for p in sorted(dih_dir.iterdir())
    ]
    exif = []
    for p in sorted((root / "pdq/data/reg-test-input/exif-rotn").iterdir()):
        upright = ImageOps.exif_transpose(Image.open(p).convert("RGB"))
        buffer = io.BytesIO()
        upright.save(buffer, "JPEG", quality=95)
        exif.append(hamming_distance(hash_image(p).pdq, hash_image(buffer.getvalue()).pdq))
    return [
        Row("C++ reference (pdq-expected.csv)", "quality >= 80: distance <= 10", len(cpp), cpp, 10),
        Row("python-threatexchange, where correct", "distance <= 10", len(pytx), pytx, 10),
        Row("misc-images/modes/ vs original.jpg", "distance <= 10", len(modes), modes, 10),
        Row("reg-test-input/dih/ vs dihedral hash", "distance <= 10", len(dih), dih, 10),
        Row("exif-rotn/ vs physically rotated copy", "distance <= 10", len(exif), exif, 10),
        Row(
            f"large images (>= {LARGE_SIDE} px a side) vs pdqhash",
            "distance <= 10",
            len(large),
            large,
            10,
        ),
    ]


def vpdq_rows(root: Path) -> list[Row]:
    distances = []
    videos = sorted((root / "tmk/sample-videos").glob("*.mp4"))
    frames = 0
    for video in videos:
        expected = {}
        for line in (root / "vpdq/sample-hashes" / f"{video.stem}.txt").read_text().splitlines():
            number, quality, pdq, timestamp = line.split(",")
            expected[int(number)] = (int(quality), pdq, timestamp)
        for frame in hash_video(video, fps=None).frames:
            quality, pdq, timestamp = expected[frame.frame]
            if f"{frame.t:.3f}" != timestamp:
                raise SystemExit(f"{video.name}: frame {frame.frame} timestamp differs")
            frames += 1
            if quality >= 50:
                distances.append(hamming_distance(frame.pdq, pdq))
    rule = f"{frames} frames, same timestamps; quality >= 50: distance <= 31"
    return [
        Row(f"vPDQ: tmk/sample-videos ({len(videos)} videos)", rule, len(distances), distances, 31)
    ]


def render(rows: Iterable[Row]) -> str:
    header = ["Check", "Rule", "Compared", "Max distance", "Mean", "Result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reference", type=Path)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if docs/hashing.md is stale")
    mode.add_argument("--print", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    root = args.reference or find_reference()
    rows = [*pdq_rows(root), *vpdq_rows(root)]
    table = render(rows)
    if args.print:
        print(table)
        return 0 if all(row.passed for row in rows) else 1
    text = DOC.read_text()
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    updated = f"{before}{START}\n{table}\n{END}{after}"
    if args.check:
        if updated != text:
            print("docs/hashing.md: conformance table is stale; run scripts/conformance_table.py")
            return 1
        return 0
    DOC.write_text(updated)
    print(table)
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
