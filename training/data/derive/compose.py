"""The geometry of a derived drawing: turn or mirror a drawing, fit it into a box, put parts together.

Coordinates are y down, as drawings are stored; a composed drawing lives in its target's frame (the target's box
with its longer side 1, origin top left), the frame the relation table gives each part's box in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Strokes = list[npt.NDArray[np.float64]]
Box = Sequence[float]  # x0, y0, x1, y1
# A hand adapts a symbol's proportions to where it goes, within reason: a part's box changes the drawing's aspect
# by at most this factor (a real `<` squeezed under a `\\leqq` bar); lines and frames take their box's aspect.
MAX_ASPECT_CHANGE = 1.6
# A drawing thinner than this (height over width, or the inverse) is a line: it keeps its thinness in any box.
LINE_THINNESS = 0.15


def extent(strokes: Strokes) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    points = np.concatenate([s[:, :2] for s in strokes])
    return points.min(axis=0), points.max(axis=0)


def transformed(strokes: Strokes, matrix: Sequence[Sequence[float]], target_aspect: float | None = None) -> Strokes:
    """The strokes under `matrix` (about their centre), then, given the target's box aspect (width / height),
    stretched towards it by at most MAX_ASPECT_CHANGE (a turned `8` drawn as wide as an `\\infty`)."""
    low, high = extent(strokes)
    centre = (low + high) / 2
    m = np.asarray(matrix, dtype=np.float64)
    out = [(s[:, :2] - centre) @ m.T for s in strokes]
    if target_aspect is None:
        return out
    low, high = extent(out)
    width, height = high - low
    if min(width, height) <= LINE_THINNESS * max(width, height):
        return out
    change = float(np.clip(target_aspect / (width / height), 1 / MAX_ASPECT_CHANGE, MAX_ASPECT_CHANGE))
    scale = np.array([np.sqrt(change), 1 / np.sqrt(change)])
    return [s * scale for s in out]


def placed(strokes: Strokes, box: Box, free_aspect: bool = False) -> Strokes:
    """The strokes fitted into `box`, centred: each axis scaled to the box's side, the aspect change capped at
    MAX_ASPECT_CHANGE (unless `free_aspect`: a slash takes its segment's slope, a circle its frame's shape). A line
    (a `-` in a stack) keeps its own thinness along the box's thin side."""
    low, high = extent(strokes)
    size = np.maximum(high - low, 1e-9)
    box_low, box_high = np.array(box[:2], dtype=np.float64), np.array(box[2:], dtype=np.float64)
    box_size = np.maximum(box_high - box_low, 1e-9)
    scale = box_size / size
    thin = size.min() <= LINE_THINNESS * size.max()
    if thin:
        longer = int(np.argmax(size))
        # Along the line: its box; across: the same scale (a stroke of the line's own wobble), unless the box
        # asks for a slope (a slash drawn steeper or flatter).
        if not free_aspect:
            scale[1 - longer] = scale[longer]
    elif not free_aspect:
        mean = float(np.sqrt(scale[0] * scale[1]))
        ratio = float(np.clip(scale[0] / scale[1], 1 / MAX_ASPECT_CHANGE, MAX_ASPECT_CHANGE))
        scale = np.array([mean * np.sqrt(ratio), mean / np.sqrt(ratio)])
        scale = np.minimum(scale, box_size / size * MAX_ASPECT_CHANGE)
    centre, box_centre = (low + high) / 2, (box_low + box_high) / 2
    return [(s[:, :2] - centre) * scale + box_centre for s in strokes]


def unit(strokes: Strokes) -> Strokes:
    """The strokes in their own frame: box at the origin, longer side 1."""
    low, high = extent(strokes)
    longer = float(max(high - low)) or 1.0
    return [(s[:, :2] - low) / longer for s in strokes]


def frame_box(target_aspect: float) -> list[float]:
    """The whole target's box in its own frame (longer side 1)."""
    if target_aspect >= 1:
        return [0.0, 0.0, 1.0, 1.0 / target_aspect]
    return [0.0, 0.0, target_aspect, 1.0]


def segment_box(segment: Sequence[float]) -> list[float]:
    """The box of a line from (x0, y0) to (x1, y1)."""
    x0, y0, x1, y1 = segment
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def stretched_middle(strokes: Strokes, factor: float, axis: int) -> Strokes:
    """The drawing with its middle drawn out along `axis` (0: x, 1: y) to `factor` times its length: every point
    past the middle moves on by the added length, so a segment crossing the middle (an arrow's shaft) grows and
    the ends (its head) keep their size, as `training.catalogue.relations.stretched_middle` does to a picture."""
    low, high = extent(strokes)
    middle = (low[axis] + high[axis]) / 2
    added = (high[axis] - low[axis]) * (factor - 1)
    out = []
    for stroke in strokes:
        moved = stroke[:, :2].copy()
        moved[moved[:, axis] > middle, axis] += added
        out.append(moved)
    return out
