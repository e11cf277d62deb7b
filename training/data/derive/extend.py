"""`python -m training.data.derive.extend`: a copy of a built training set with derived rows appended.

The data build makes derived rows itself (`python -m training.data build`); this adds them to a set built without
them (`derived_per_class` 0), row for row the same otherwise, so that a measure compares "the same set" with and
without derivation. Donors are the set's own real training rows' drawings (`strokes.npy`), as in the build; a set
built before real rows carried their drawings cannot be extended (rebuild it).

    python -m training.data.derive.extend --dataset data-cache/dataset --output data-cache/dataset-derived
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from training.data.build.config import DataConfig
from training.data.derive import from_set, packed
from training.data.derive.plan import DONOR_SLOTS, DeriveConfig
from training.data.derive.rows import print_derivation

ARRAYS = ("images", "labels", "split", "source", "group", "synthetic")
RELATIONS = Path("training/catalogue/relations.json")


def extend(dataset: Path, output: Path, catalogue: Path, derive: DeriveConfig, relations: Path) -> dict:
    from backend.render import render_point_arrays

    started = time.monotonic()
    meta = json.loads((dataset / "meta.json").read_text())
    if meta.get("motion_planes"):
        raise ValueError("derived rows are drawn as ink only: extend a set built without motion planes")
    arrays = {name: np.load(dataset / f"{name}.npy") for name in ARRAYS}
    if not (dataset / packed.FILE_NAME).is_file():
        raise ValueError(
            f"{dataset} has no strokes.npy (built before real training rows kept their drawings): rebuild it"
        )
    arrays["strokes"] = np.load(dataset / packed.FILE_NAME)
    donor = dataset / "donor.npy"
    arrays["donor"] = np.load(donor) if donor.is_file() else np.full((len(arrays["labels"]), DONOR_SLOTS), -1, np.int32)
    if (arrays["donor"][:, 0] >= 0).any():
        raise ValueError(f"{dataset} already holds derived rows")
    meta["derivation"] = {"catalogue": str(catalogue), "relations": str(relations), "config": dict(derive.__dict__)}
    out, meta, rows = from_set.rederived(arrays, meta, render_point_arrays)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    for name, array in out.items():
        np.save(staging / f"{name}.npy", array)
    for name in ("templates.npz", "class_counts.tsv"):
        if (dataset / name).is_file():
            shutil.copyfile(dataset / name, staging / name)
    if (dataset / "heldout").is_dir():
        shutil.copytree(dataset / "heldout", staging / "heldout")
    (staging / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
    print_derivation(rows.stats)
    return {"output": str(output), "samples": int(len(out["labels"])), "seconds": round(time.monotonic() - started, 1),
            **rows.stats}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=Path("data-cache/dataset"))
    parser.add_argument("--output", type=Path, default=Path("data-cache/dataset-derived"))
    parser.add_argument("--catalogue", type=Path, default=DataConfig().catalogue)
    parser.add_argument("--relations", type=Path, default=RELATIONS)
    parser.add_argument("--per-class", type=int, default=DeriveConfig().per_class)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args(argv)
    config = DataConfig(progress=False)
    derive = DeriveConfig(per_class=arguments.per_class, seed=arguments.seed)
    dataset, output = config.resolve(arguments.dataset), config.resolve(arguments.output)
    catalogue, relations = config.resolve(arguments.catalogue), config.resolve(arguments.relations)
    summary = extend(dataset, output, catalogue, derive, relations)
    print(json.dumps({k: v for k, v in summary.items() if k != "by_kind"}))


if __name__ == "__main__":
    main()
