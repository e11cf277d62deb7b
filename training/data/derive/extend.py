"""`python -m training.data.derive.extend`: a copy of a built training set with derived rows appended.

The data build makes derived rows itself (`python -m training.data build`); this adds them to a set built without
them, row for row the same otherwise, so that a measure compares "the same set" with and without derivation
(the transfer figure of training/README.md). Donor drawings are read from the same sources with the build's own
label map and split rule (training split only).

    python -m training.data.derive.extend --dataset data-cache/dataset --output data-cache/dataset-derived
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from training.data.build.config import DataConfig
from training.data.derive.plan import DeriveConfig
from training.data.derive.rows import DonorPool, appended, derived_rows, print_derivation, render_rows

ARRAYS = ("images", "labels", "split", "source", "group", "synthetic")
RELATIONS = Path("training/catalogue/relations.json")


def read_donors(config: DataConfig, classes: list[str]) -> tuple[DonorPool, np.ndarray]:
    """Real training-split drawings of every class of the set, read as the build reads them."""
    from training.data.build.sources import TEMPLATE_ONLY_SOURCES, configured_sources
    from training.data.build.splits import TRAIN, SplitRule
    from training.data.labels import Catalogue, LabelMap, hint_for

    catalogue = Catalogue.load(config.resolve(config.catalogue))
    label_map = LabelMap(catalogue)
    by_group = catalogue.class_by_group(classes)
    index = {c: i for i, c in enumerate(classes)}
    rule = SplitRule(config.test_percent, config.validation_percent)
    pool = DonorPool(config.seed)
    counts = np.zeros(len(classes), dtype=np.int64)
    for stream in configured_sources(config):
        if stream.name in TEMPLATE_ONLY_SOURCES:
            continue
        for record in stream.records():
            glyph = label_map.resolve(stream.name, record.label, hint_for(stream.name, record.original)).glyph
            class_id = by_group.get(glyph) if glyph else None
            if class_id is None or rule.split_of(stream.name, record.group) != TRAIN:
                continue
            pool.add(index[class_id], record.strokes)
            counts[index[class_id]] += 1
    return pool, counts


def extend(dataset: Path, output: Path, config: DataConfig, derive: DeriveConfig, relations: Path) -> dict:
    from backend.render import render_counts
    from training.data.labels import Catalogue

    started = time.monotonic()
    meta = json.loads((dataset / "meta.json").read_text())
    if meta.get("motion_planes"):
        raise ValueError("derived rows are drawn as ink only: extend a set built without motion planes")
    arrays = {name: np.load(dataset / f"{name}.npy") for name in ARRAYS}
    if "derived" in meta["sources"] and (arrays["source"] == meta["sources"].index("derived")).any():
        raise ValueError(f"{dataset} already holds derived rows")
    classes = list(meta["classes"])
    pool, counts = read_donors(config, classes)
    catalogue = Catalogue.load(config.resolve(config.catalogue))
    by_group = catalogue.class_by_group(classes)
    class_index = {glyph: classes.index(class_id) for glyph, class_id in by_group.items()}
    class_index.update({c: i for i, c in enumerate(classes)})
    rows = derived_rows(relations, classes, class_index, catalogue.by_command, pool, counts, derive)
    images = render_rows(rows, derive.seed, lambda strokes: render_counts(strokes))
    sources = list(meta["sources"]) + ([] if "derived" in meta["sources"] else ["derived"])
    first_group = int(arrays["group"].max()) + 1 if len(arrays["group"]) else 0
    out = appended(arrays, rows, images, sources.index("derived"), first_group)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    for name, array in out.items():
        np.save(staging / f"{name}.npy", array)
    for name in ("templates.npz", "class_counts.tsv"):
        if (dataset / name).is_file():
            shutil.copyfile(dataset / name, staging / name)
    if (dataset / "heldout").is_dir():
        shutil.copytree(dataset / "heldout", staging / "heldout")
    digest = hashlib.sha256(relations.read_bytes() + json.dumps(derive.__dict__, sort_keys=True).encode())
    meta = dict(meta, sources=sources, content_hash=f"{meta.get('content_hash')}-derived-{digest.hexdigest()[:12]}")
    meta["derivation"] = {"relations": str(relations), "config": derive.__dict__, **rows.stats}
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
    parser.add_argument("--data-root", type=Path, default=DataConfig().data_root)
    parser.add_argument("--relations", type=Path, default=RELATIONS)
    parser.add_argument("--per-class", type=int, default=DeriveConfig().per_class)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args(argv)
    config = DataConfig(data_root=arguments.data_root, progress=False)
    derive = DeriveConfig(per_class=arguments.per_class, seed=arguments.seed)
    summary = extend(
        config.resolve(arguments.dataset), config.resolve(arguments.output), config, derive,
        config.resolve(arguments.relations),
    )  # fmt: skip
    print(json.dumps({k: v for k, v in summary.items() if k != "by_kind"}))


if __name__ == "__main__":
    main()
