"""A built training set (contracts.md section 2) held in memory, and the sample order the trainer draws from it.

The folder written by `python -m training.data build` holds rendered ink counts (`images.npy`, uint8 0..16),
labels, splits, sources, groups and a `meta.json`. Everything fits in memory (1 KiB per sample), so batches
are plain tensor indexing: no worker processes, which suits a 2-core machine and keeps runs reproducible.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backend.render import SIZE

TRAIN, VALIDATION, TEST = 0, 1, 2
SPLIT_NAMES = {TRAIN: "train", VALIDATION: "validation", TEST: "test"}
_ARRAYS = ("images", "labels", "split", "source", "group", "synthetic")
_DERIVED_ARRAYS = ("donor", "strokes")  # present in a set built with derived rows (contracts.md section 2)


@dataclass(frozen=True)
class TrainSet:
    images: npt.NDArray[np.uint8]  # [N, 32, 32] ink counts 0..16
    labels: npt.NDArray[np.int64]  # [N] index into classes
    split: npt.NDArray[np.uint8]  # [N] TRAIN / VALIDATION / TEST
    source: npt.NDArray[np.uint8]  # [N] index into sources
    group: npt.NDArray[np.int32]  # [N] writer / expression group
    synthetic: npt.NDArray[np.bool_]  # [N]
    meta: dict[str, Any]
    # Derived rows (training.data.derive): donor classes [N, 3] (-1: none) and packed strokes [N, 96, 2]; None for
    # a set built without them.
    donor: npt.NDArray[np.int32] | None = None
    strokes: npt.NDArray[np.uint8] | None = None

    @property
    def classes(self) -> list[str]:
        return list(self.meta["classes"])

    @property
    def sources(self) -> list[str]:
        return list(self.meta["sources"])

    def indices(self, split: int) -> npt.NDArray[np.int64]:
        return np.flatnonzero(self.split == split)

    def describe(self) -> dict[str, Any]:
        """What a model's metadata records about the data (no local paths)."""
        counts = {SPLIT_NAMES[s]: int((self.split == s).sum()) for s in SPLIT_NAMES}
        return {
            "content_hash": self.meta.get("content_hash"),
            "samples": len(self.labels),
            "classes": len(self.classes),
            "synthetic": int(self.synthetic.sum()),
            "real": int((~self.synthetic).sum()),
            "splits": counts,
            "split_rule": self.meta.get("splits"),
            "sources": self.sources,
            "render": self.meta.get("render"),
            "summary": _without_local_paths(self.meta.get("summary")),
            # Per class (in `classes` order): real training drawings. Evaluation reports classes with and without
            # real data apart, because the second kind learnt from synthetic samples only.
            "real_train_per_class": np.bincount(
                self.labels[(self.split == TRAIN) & ~self.synthetic], minlength=len(self.classes)
            ).tolist(),
        }


def _without_local_paths(value: Any) -> Any:
    """Absolute paths (the build summary names its output folder) reduced to their last part: shipped metadata
    must not tell where the model was built."""
    if isinstance(value, dict):
        return {key: _without_local_paths(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_local_paths(item) for item in value]
    if isinstance(value, str) and value.startswith("/"):
        return Path(value).name
    return value


def load(folder: str | Path) -> TrainSet:
    """Read and check a training set folder; every inconsistency is a clear error, not a crash later."""
    folder = Path(folder)
    if not (folder / "meta.json").is_file():
        raise FileNotFoundError(
            f"{folder} is not a training set: meta.json missing (run `python -m training.data build`)"
        )
    meta = json.loads((folder / "meta.json").read_text())
    for key in ("classes", "sources"):
        if key not in meta:
            raise ValueError(f"{folder / 'meta.json'} lacks {key!r}")
    arrays: dict[str, np.ndarray] = {}
    for name in _ARRAYS:
        path = folder / f"{name}.npy"
        if not path.is_file():
            raise FileNotFoundError(f"{path} missing")
        arrays[name] = np.load(path)
    n = len(arrays["labels"])
    shape = (n, SIZE, SIZE)
    if arrays["images"].shape != shape or arrays["images"].dtype != np.uint8:
        expected = ", ".join(map(str, shape))
        raise ValueError(
            f"images.npy must be uint8 [{expected}], got {arrays['images'].dtype} {arrays['images'].shape}"
        )
    for name in _ARRAYS[1:]:
        if arrays[name].shape != (n,):
            raise ValueError(f"{name}.npy must have shape [{n}], got {arrays[name].shape}")
    labels = arrays["labels"].astype(np.int64)
    if n and (labels.min() < 0 or labels.max() >= len(meta["classes"])):
        raise ValueError(f"labels.npy holds indices outside 0..{len(meta['classes']) - 1}")
    if n and arrays["images"].max() > 16:
        raise ValueError("images.npy holds ink counts above 16: not rendered by backend.render.render_counts")
    optional: dict[str, np.ndarray | None] = {}
    for name in _DERIVED_ARRAYS:
        path = folder / f"{name}.npy"
        optional[name] = np.load(path) if path.is_file() else None
        if optional[name] is not None and len(optional[name]) != n:
            raise ValueError(f"{name}.npy must have {n} rows, got {len(optional[name])}")
    if optional["donor"] is not None and optional["strokes"] is not None:
        arrays.update(donor=optional["donor"], strokes=optional["strokes"])
        arrays, meta = _derived_from_own_rows(folder, arrays, meta)
        optional.update(donor=arrays["donor"], strokes=arrays["strokes"])
        labels = arrays["labels"].astype(np.int64)
    return TrainSet(
        donor=optional["donor"],
        strokes=optional["strokes"],
        images=arrays["images"],
        labels=labels,
        split=arrays["split"].astype(np.uint8),
        source=arrays["source"].astype(np.uint8),
        group=arrays["group"].astype(np.int32),
        synthetic=arrays["synthetic"].astype(bool),
        meta=meta,
    )


def _derived_from_own_rows(
    folder: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The set's arrays as they are, or, when its real training rows are not those its derived rows were planned
    from (a copy with some classes' real rows removed), with the derived rows made again from the real rows left:
    the copy then trains as if the removed classes never had real drawings (issue 23, item 5). Not written back."""
    recorded = meta.get("derivation", {}).get("planned_from")
    if recorded is None:  # built without derivation, or before sets recorded what it was planned from
        return arrays, meta
    from training.data.derive import from_set

    if from_set.planned_from(arrays) == recorded:
        return arrays, meta
    from backend.render import render_point_arrays

    before = int((arrays["donor"][:, 0] >= 0).sum())
    rows = int(from_set.real_training_rows(arrays).sum())
    print(f"{folder}: {rows:,} real training rows, not the {meta['derivation']['real_training_rows']:,} its "
          f"{before:,} derived rows were planned from: deriving again from them (in memory)", flush=True)  # fmt: skip
    arrays, meta, derived = from_set.rederived(arrays, meta, render_point_arrays)
    print(f"{folder}: {len(derived.labels):,} derived rows for {derived.stats['classes']:,} classes", flush=True)
    return arrays, meta


def balanced_weights(labels: npt.NDArray[np.int64], num_classes: int, power: float) -> npt.NDArray[np.float64]:
    """Per-sample drawing weights that make class c appear in proportion to count_c ** (1 - power).

    power 0 keeps the natural frequencies, 1 makes all classes equally frequent, 0.5 (square-root
    sampling) is the usual compromise between seeing rare classes and overfitting their few samples.
    """
    counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
    per_class = np.zeros(num_classes)
    present = counts > 0
    per_class[present] = counts[present] ** -power
    weights = per_class[labels]
    return weights / weights.sum()


def epoch_order(
    candidates: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    length: int,
    seed: int,
    epoch: int,
    rank: int = 0,
    world_size: int = 1,
) -> npt.NDArray[np.int64]:
    """The samples one process sees in one epoch: `length` draws with replacement by `weights`.

    Every process draws the same sequence from (seed, epoch) and keeps its own stride, so the processes of a
    distributed run see disjoint parts of it, and a resumed run sees exactly what it would have seen.
    """
    rng = np.random.default_rng([seed, epoch])
    order = candidates[rng.choice(len(candidates), size=length, replace=True, p=weights)]
    usable = length - length % world_size
    return order[rank:usable:world_size]


def fixed_real_batch(data: TrainSet, count: int = 256) -> npt.NDArray[np.uint8]:
    """A fixed batch of real (not synthetic) samples, test split first, spread evenly over each split: the
    export's parity check runs on it. The same data gives the same batch on every call."""
    real = ~data.synthetic
    chosen: list[int] = []
    for split in (TEST, VALIDATION, TRAIN):
        candidates = np.flatnonzero(real & (data.split == split))
        if len(candidates):
            spread = np.linspace(0, len(candidates) - 1, min(count, len(candidates))).astype(int)
            chosen += candidates[spread].tolist()
        if len(chosen) >= count:
            break
    if not chosen:
        raise ValueError("the training set has no real samples for the parity check")
    return np.ascontiguousarray(data.images[np.array(chosen[:count])])
