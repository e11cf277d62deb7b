"""Traced templates of every class, saved beside the training set (`templates.npz`, contracts.md section 2), so
the trainer can draw new synthetic samples from them every epoch without tracing a picture again.

Ragged lists (classes -> templates -> strokes -> points) are stored flat, as numpy arrays and end offsets, so
the file needs no pickle and loads in milliseconds:
- `points` float32 [P, 2]: every stroke's points, one after another;
- `stroke_ends` int64 [S]: where each stroke's points end in `points`;
- `template_ends` int64 [T]: where each template's strokes end in `stroke_ends`;
- `template_class` int32 [T]: the class index of each template.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

Strokes = list[npt.NDArray[np.float64]]
FILE_NAME = "templates.npz"


def save_templates(path: Path, per_class: Sequence[Sequence[Strokes]]) -> None:
    points: list[np.ndarray] = []
    stroke_ends: list[int] = []
    template_ends: list[int] = []
    template_class: list[int] = []
    total = 0
    for class_index, templates in enumerate(per_class):
        for strokes in templates:
            for stroke in strokes:
                points.append(np.asarray(stroke, dtype=np.float32)[:, :2])
                total += len(stroke)
                stroke_ends.append(total)
            template_ends.append(len(stroke_ends))
            template_class.append(class_index)
    with path.open("wb") as handle:
        np.savez_compressed(
            handle,
            points=np.concatenate(points) if points else np.zeros((0, 2), np.float32),
            stroke_ends=np.array(stroke_ends, dtype=np.int64),
            template_ends=np.array(template_ends, dtype=np.int64),
            template_class=np.array(template_class, dtype=np.int32),
            class_count=np.array(len(per_class), dtype=np.int64),
        )


def load_templates(path: Path) -> list[list[Strokes]]:
    """Per class index, its templates (each a list of float64 [n, 2] strokes); classes without any get []."""
    with np.load(path) as stored:
        points = stored["points"].astype(np.float64)
        stroke_ends, template_ends = stored["stroke_ends"], stored["template_ends"]
        template_class, class_count = stored["template_class"], int(stored["class_count"])
    strokes = np.split(points, stroke_ends[:-1]) if len(stroke_ends) else []
    per_class: list[list[Strokes]] = [[] for _ in range(class_count)]
    start = 0
    for end, class_index in zip(template_ends.tolist(), template_class.tolist(), strict=True):
        per_class[class_index].append(list(strokes[start:end]))
        start = end
    return per_class
