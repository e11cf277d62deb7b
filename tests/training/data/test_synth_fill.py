"""Filled shapes drawn as hands fill them: an outline plus a spiral or a slanted scribble (issue 23, item 3)."""

from __future__ import annotations

import numpy as np

from training.data.synth.fill import scribble_fills
from training.data.synth.glyph_images import MARGIN
from training.data.synth.templates import _add


def _square(filled: bool) -> np.ndarray:
    ink = np.zeros((80, 80), dtype=bool)
    ink[MARGIN : 80 - MARGIN, MARGIN : 80 - MARGIN] = True
    if not filled:
        ink[MARGIN + 4 : 76 - MARGIN, MARGIN + 4 : 76 - MARGIN] = False
    return ink


def test_scribble_fills_a_filled_square_inside_its_outline() -> None:
    ink = _square(filled=True)
    fills = dict(scribble_fills(ink))
    assert set(fills) == {"spiral", "scribble"}
    for name, strokes in fills.items():
        assert len(strokes) == 1, name  # one stroke per filled part, as a hand fills without lifting the pen
        points = strokes[0]
        columns, rows = np.rint(points[:, 0]).astype(int), np.rint(points[:, 1]).astype(int)
        assert ink[rows, columns].all(), name  # never outside the shape
        # It reaches across the inside: from near one edge to near the other, both ways.
        assert np.ptp(points[:, 0]) > 50 and np.ptp(points[:, 1]) > 50, name
    spiral = fills["spiral"][0]
    assert np.hypot(*(spiral - 40).T).min() < 10  # it winds in towards the middle


def test_scribble_spacing_varies_like_a_hand() -> None:
    scribble = dict(scribble_fills(_square(filled=True)))["scribble"][0]
    # Every other point starts a new sweep; the gaps between sweeps are not all equal.
    starts = scribble[::2] @ np.array([np.sin(np.radians(60)), np.cos(np.radians(60))])
    gaps = np.abs(np.diff(starts))
    assert gaps.std() > 0.1 * gaps.mean()


def test_an_open_shape_gets_no_fill_and_a_filled_one_gets_three_templates() -> None:
    assert scribble_fills(_square(filled=False)) == []
    templates: list = []
    assert _add(templates, "font", _square(filled=True))
    assert [t.origin for t in templates] == ["font", "font+spiral", "font+scribble"]
    outline_only: list = []
    _add(outline_only, "font", _square(filled=False))
    assert [t.origin for t in outline_only] == ["font"]
