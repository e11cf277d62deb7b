"""A set's side of derivation: render and append the derived rows (contracts.md section 2: `donor.npy`,
`strokes.npy`, source "derived"), and the build's table of them.

Derived rows are training rows (split train) flagged `synthetic` (they are not real drawings *of their class*), with
source "derived" and their donor classes in `donor.npy`; the rows they were made from are untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from training.data.derive import packed
from training.data.derive.fresh import draw_rows
from training.data.derive.plan import DONOR_SLOTS, FRAME_COMMANDS, LINE_COMMANDS, DerivedRows


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


def render_rows(
    rows: DerivedRows,
    seed: int,
    render: Callable[[Sequence[npt.NDArray[np.float64]]], npt.NDArray[np.uint8]],
    progress: bool = False,
) -> npt.NDArray[np.uint8]:
    """Epoch 0's images of the derived rows (the trainer draws later epochs afresh from the same rows)."""
    return draw_rows(rows.strokes, seed, 0, render, progress=progress)


def appended(
    arrays: dict[str, np.ndarray],
    rows: DerivedRows,
    images: npt.NDArray[np.uint8],
    source_index: int,
    first_group: int,
) -> dict[str, np.ndarray]:
    """The set's arrays with the derived rows at the end, plus `donor` and `strokes` for every row (the rows already
    there keep theirs: a real training row's drawing, or none)."""
    n, d = len(arrays["labels"]), len(rows.labels)
    out = dict(arrays)
    out["images"] = np.concatenate([arrays["images"], images.reshape(d, *arrays["images"].shape[1:])])
    out["labels"] = np.concatenate([arrays["labels"], rows.labels]).astype(np.int32)
    out["split"] = np.concatenate([arrays["split"], np.zeros(d, np.uint8)])
    out["source"] = np.concatenate([arrays["source"], np.full(d, source_index, np.uint8)])
    # Like synthetic rows, one group per class: they are always train, so groups only matter for the split rule.
    out["group"] = np.concatenate([arrays["group"], (first_group + rows.labels).astype(np.int32)])
    out["synthetic"] = np.concatenate([arrays["synthetic"], np.ones(d, bool)])
    donor = arrays.get("donor", np.full((n, DONOR_SLOTS), -1, np.int32))
    out["donor"] = np.concatenate([donor, rows.donors]).astype(np.int32)
    out["strokes"] = np.concatenate([arrays.get("strokes", packed.empty_rows(n)), rows.strokes])
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
