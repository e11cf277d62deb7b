"""Packed rows of `strokes.npy`: a drawing survives packing as the renderer sees it."""

from __future__ import annotations

import numpy as np

from backend.render import render_counts
from training.data.derive import packed


def _drawing() -> list[np.ndarray]:
    angles = np.linspace(0, 2 * np.pi, 60)
    circle = np.stack([500 + 80 * np.cos(angles), 300 + 80 * np.sin(angles)], axis=1)
    bar = np.array([[420.0, 300.0], [580.0, 300.0]])
    dot = np.array([[500.0, 150.0]])
    return [circle, bar, dot]


def test_pack_keeps_strokes_and_renders_the_same_picture() -> None:
    drawing = _drawing()
    row = packed.pack(drawing)
    assert row.shape == (packed.POINTS, 2) and row.dtype == np.uint8
    back = packed.unpack(row)
    assert len(back) == 3 and len(back[2]) == 1  # the dot stays a one-point stroke
    before, after = render_counts(drawing) > 0, render_counts(back) > 0
    overlap = (before & after).sum() / (before | after).sum()
    assert overlap > 0.7, overlap


def test_pack_of_a_long_drawing_fits_the_row() -> None:
    strokes = [np.cumsum(np.random.default_rng(k).normal(size=(400, 2)), axis=0) for k in range(5)]
    back = packed.unpack(packed.pack(strokes))
    assert len(back) == 5
    assert sum(len(s) for s in back) + 4 <= packed.POINTS


def test_empty_rows_hold_no_drawing() -> None:
    rows = np.concatenate([packed.empty_rows(2), packed.pack(_drawing())[None]])
    assert packed.holds_drawing(rows).tolist() == [False, False, True]
    assert packed.unpack(rows[0]) == []
