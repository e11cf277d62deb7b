"""A drawing's strokes as one fixed-size row of a set's `strokes.npy` (uint8 [N, POINTS, 2], contracts.md section 2).

A derived row carries what redraws it, and a real training row the drawing derived rows are made from, in the set
itself, row-aligned, so that removing rows from a copy of the set removes their drawings too (no side file to
forget). Points are the drawing scaled to its box, longer side
`SCALE`, centred; `GAP` (255, 255) ends a stroke and pads the row. The drawing is resampled along its length to
fit: POINTS is enough for three composed drawings (a real `<` over a real `=` needs about 40 points to render
the same 32x32 picture), and the renderer only ever sees it at 32x32.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

POINTS = 96  # per row: 192 bytes, a fifth of the row's 32x32 image
SCALE = 250.0  # the drawing's longer side in row units (uint8, 255 kept for GAP)
GAP = 255
FILE_NAME = "strokes.npy"

Strokes = list[npt.NDArray[np.float64]]


def empty_rows(count: int) -> npt.NDArray[np.uint8]:
    """Rows that hold no drawing (synthetic rows, and real rows outside the training split)."""
    return np.full((count, POINTS, 2), GAP, dtype=np.uint8)


def pack(strokes: Sequence[npt.NDArray[np.float64]]) -> npt.NDArray[np.uint8]:
    """One row: the strokes resampled to fit POINTS (separators included), scaled to the row's box."""
    strokes = [np.asarray(s, dtype=np.float64)[:, :2] for s in strokes if len(s)]
    row = np.full((POINTS, 2), GAP, dtype=np.uint8)
    if not strokes:
        return row
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = float(max(high - low)) or 1.0
    centre_offset = (SCALE - (high - low) * SCALE / extent) / 2
    budget = POINTS - (len(strokes) - 1)
    strokes = strokes[:budget]  # more strokes than points cannot be kept (never met by real drawings)
    lengths = np.array([_length(s) for s in strokes]) + 1e-6
    shares = np.maximum(1, np.floor(lengths / lengths.sum() * budget)).astype(int)
    while shares.sum() > budget:
        shares[int(np.argmax(shares))] -= 1
    out: list[npt.NDArray[np.float64]] = []
    for stroke, share in zip(strokes, shares.tolist(), strict=True):
        resampled = _resample(stroke, max(1, share))
        out.append((resampled - low) * SCALE / extent + centre_offset)
    position = 0
    for index, stroke in enumerate(out):
        if index:
            position += 1  # the GAP row between strokes
        quantised = np.clip(np.rint(stroke), 0, SCALE).astype(np.uint8)
        row[position : position + len(quantised)] = quantised
        position += len(quantised)
    return row


def unpack(row: npt.NDArray[np.uint8]) -> Strokes:
    """The strokes of a row (float64 [n, 2] each, y down); [] for a row without a drawing."""
    inked = np.flatnonzero(row[:, 0] != GAP)
    if not len(inked):
        return []
    points = row.astype(np.float64)
    runs = np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1)  # a GAP between two points ends a stroke
    return [points[run] for run in runs]


def holds_drawing(rows: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Per row of a [N, POINTS, 2] array: whether it holds a drawing."""
    return rows[:, 0, 0] != GAP


def _length(stroke: npt.NDArray[np.float64]) -> float:
    return float(np.hypot(*np.diff(stroke, axis=0).T).sum()) if len(stroke) > 1 else 0.0


def _resample(stroke: npt.NDArray[np.float64], count: int) -> npt.NDArray[np.float64]:
    """`count` points evenly along the stroke, its ends kept (one point: its start)."""
    if count <= 1 or len(stroke) < 2:
        return stroke[:1] if count <= 1 else stroke[: max(1, count)]
    steps = np.hypot(*np.diff(stroke, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] == 0:
        return stroke[:1]
    targets = np.linspace(0.0, along[-1], count)
    return np.stack([np.interp(targets, along, stroke[:, 0]), np.interp(targets, along, stroke[:, 1])], axis=1)
