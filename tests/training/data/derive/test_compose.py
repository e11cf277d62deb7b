"""The geometry of derived drawings: turns, boxes, the drawn-out middle of a long arrow."""

from __future__ import annotations

import numpy as np

from training.catalogue.relations import TRANSFORM_BY_NAME
from training.data.derive import compose


def test_transformed_turns_a_rightward_stroke_upward_on_screen() -> None:
    arrow = [np.array([[0.0, 0.0], [10.0, 0.0]])]
    turned = compose.transformed(arrow, TRANSFORM_BY_NAME["rotate 90"].matrix)[0]
    # y grows downwards: a stroke turned counter-clockwise on screen from pointing right points up (y falls).
    assert abs(turned[1, 0] - turned[0, 0]) < 1e-9 and turned[1, 1] < turned[0, 1]


def test_transformed_moves_the_aspect_towards_the_target_within_the_cap() -> None:
    tall = [np.array([[0.0, 0.0], [0.0, 10.0], [5.0, 10.0], [5.0, 0.0], [0.0, 0.0]])]  # aspect 0.5
    wide = compose.transformed(tall, TRANSFORM_BY_NAME["rotate 90"].matrix, target_aspect=4.0)
    low, high = compose.extent(wide)
    aspect = (high - low)[0] / (high - low)[1]
    assert 2.0 < aspect <= 2.0 * compose.MAX_ASPECT_CHANGE + 1e-9  # turned: 2.0, then stretched by at most 1.6


def test_placed_fits_a_drawing_into_its_box() -> None:
    square = [np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]])]
    inside = compose.placed(square, [0.2, 0.5, 0.8, 0.9])
    low, high = compose.extent(inside)
    assert np.all(low >= [0.2 - 1e-9, 0.5 - 1e-9]) and np.all(high <= [0.8 + 1e-9, 0.9 + 1e-9])
    assert np.allclose((low + high) / 2, [0.5, 0.7])


def test_placed_keeps_a_line_thin_and_a_slash_takes_its_slope() -> None:
    dash = [np.array([[0.0, 0.0], [10.0, 0.4]])]
    low, high = compose.extent(compose.placed(dash, [0.0, 0.0, 1.0, 0.5]))
    assert (high - low)[1] < 0.1  # not blown up to the box's height
    slash = [np.array([[0.0, 10.0], [6.0, 0.0]])]
    low, high = compose.extent(compose.placed(slash, [0.4, 0.0, 0.6, 1.0], free_aspect=True))
    assert np.allclose(high - low, [0.2, 1.0])


def test_stretched_middle_draws_out_the_shaft_and_keeps_the_head() -> None:
    arrow = [np.array([[0.0, 5.0], [10.0, 5.0]]), np.array([[7.0, 2.0], [10.0, 5.0], [7.0, 8.0]])]
    long = compose.stretched_middle(arrow, 2.0, axis=0)
    assert np.allclose(long[0][:, 0], [0.0, 20.0])
    head = long[1]
    assert np.isclose(head[1, 0] - head[0, 0], 3.0)  # the head's size is unchanged
