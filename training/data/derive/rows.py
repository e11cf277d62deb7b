"""The data build's side of derivation: keep donor drawings while the real data is read, then make, render and
append the derived rows (contracts.md section 2: `donor.npy`, `strokes.npy`, source "derived").

Derived rows are training rows (split train) flagged `synthetic` (they are not real drawings *of their class*), with
source "derived" and their donor classes in `donor.npy`; the rows they were made from are untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from training.data.derive import packed
from training.data.derive.fresh import draw_rows
from training.data.derive.plan import (
    DONOR_SLOTS,
    FRAME_COMMANDS,
    LINE_COMMANDS,
    DeriveConfig,
    DerivedRows,
    Plan,
    derive,
)

Strokes = list[npt.NDArray[np.float64]]
# Donor drawings kept per class: enough spread for 80 derived rows (each from a random one), a bounded memory cost
# (the big CROHME classes have thousands). Reservoir-sampled, so they come from all over the file, not its start.
DONORS_PER_CLASS = 400


class DonorPool:
    """Real training-split drawings per class index, as the build reads them (a reservoir of DONORS_PER_CLASS)."""

    def __init__(self, seed: int) -> None:
        self.drawings: dict[int, list[Strokes]] = {}
        self.seen: dict[int, int] = {}
        self._rng = np.random.default_rng([seed, 0xD0A0])

    def add(self, class_index: int, strokes: Sequence[npt.NDArray[np.float64]]) -> None:
        kept = [np.asarray(s, dtype=np.float32)[:, :2] for s in strokes]
        seen = self.seen.get(class_index, 0)
        self.seen[class_index] = seen + 1
        drawings = self.drawings.setdefault(class_index, [])
        if len(drawings) < DONORS_PER_CLASS:
            drawings.append(kept)
        else:
            slot = int(self._rng.integers(seen + 1))
            if slot < DONORS_PER_CLASS:
                drawings[slot] = kept


def helper_classes(by_command: dict[str, list[Any]], class_index: dict[str, int]) -> dict[str, list[int]]:
    """The classes that draw a negation line or a frame (`/`, `|`, circles, squares), by their commands."""
    helpers: dict[str, list[int]] = {}
    for name, commands in {**LINE_COMMANDS, **FRAME_COMMANDS}.items():
        found = []
        for command in commands:
            for entry in by_command.get(command, ()):
                index = class_index.get(entry.glyph)
                if index is not None and index not in found:
                    found.append(index)
        helpers[name] = found
    return helpers


def derived_rows(
    relations_path: Path,
    classes: list[str],
    class_index: dict[str, int],
    by_command: dict[str, list[Any]],
    pool: DonorPool,
    real_train_counts: npt.NDArray[np.int64],
    config: DeriveConfig,
) -> DerivedRows:
    relations = json.loads(relations_path.read_text(encoding="utf-8"))["relations"]
    plan = Plan(relations, class_index, pool.drawings, helper_classes(by_command, class_index), config)
    return derive(plan, classes, real_train_counts)


def render_rows(
    rows: DerivedRows, seed: int, render: Callable[[Sequence[npt.NDArray[np.float64]]], npt.NDArray[np.uint8]]
) -> npt.NDArray[np.uint8]:
    """Epoch 0's images of the derived rows (the trainer draws later epochs afresh from the same rows)."""
    return draw_rows(rows.strokes, seed, 0, render)


def appended(
    arrays: dict[str, np.ndarray],
    rows: DerivedRows,
    images: npt.NDArray[np.uint8],
    source_index: int,
    first_group: int,
) -> dict[str, np.ndarray]:
    """The set's arrays with the derived rows at the end, plus `donor` and `strokes` for every row."""
    n, d = len(arrays["labels"]), len(rows.labels)
    out = dict(arrays)
    out["images"] = np.concatenate([arrays["images"], images.reshape(d, *arrays["images"].shape[1:])])
    out["labels"] = np.concatenate([arrays["labels"], rows.labels]).astype(np.int32)
    out["split"] = np.concatenate([arrays["split"], np.zeros(d, np.uint8)])
    out["source"] = np.concatenate([arrays["source"], np.full(d, source_index, np.uint8)])
    # Like synthetic rows, one group per class: they are always train, so groups only matter for the split rule.
    out["group"] = np.concatenate([arrays["group"], (first_group + rows.labels).astype(np.int32)])
    out["synthetic"] = np.concatenate([arrays["synthetic"], np.ones(d, bool)])
    out["donor"] = np.concatenate([np.full((n, DONOR_SLOTS), -1, np.int32), rows.donors]).astype(np.int32)
    out["strokes"] = np.concatenate([packed.empty_rows(n), rows.strokes])
    return out


def print_derivation(stats: dict[str, Any]) -> None:
    """The build's table of derived drawings per relation kind."""
    print(f"{'derived by':<10} {'classes':>8} {'no real':>8} {'rows':>8}")
    for kind, row in stats["by_kind"].items():
        print(f"{kind:<10} {row['classes']:>8} {row['classes_without_real']:>8} {row['rows']:>8}")
    print(
        f"{'all':<10} {stats['classes']:>8} {stats['classes_without_real']:>8} {stats['rows']:>8}  "
        "(classes that got derived drawings; of them without real training drawings; rows)"
    )
