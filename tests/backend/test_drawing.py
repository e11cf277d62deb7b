"""The drawing schema: every bad input is named, every good one becomes arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.drawing import Drawing, DrawingError, DrawingLimits, strokes_to_arrays
from backend.render import render_point_arrays

SMALL = DrawingLimits(max_strokes=3, max_points_per_stroke=4, max_points=6)


def test_strokes_to_arrays_accepts_epoch_millisecond_timestamps():
    arrays = strokes_to_arrays([[[3, 4, 1_763_800_000_000], [5, 6, 1_763_800_000_016]]])
    np.testing.assert_array_equal(arrays[0], [[3, 4], [5, 6]])


def test_strokes_to_arrays_accepts_xy_and_xyt():
    arrays = strokes_to_arrays([[[0, 1], [2.5, 3, 17]], [[4, 5]]])
    assert [a.shape for a in arrays] == [(2, 2), (1, 2)]
    np.testing.assert_array_equal(arrays[0], [[0, 1], [2.5, 3]])


@pytest.mark.parametrize(
    "strokes, field, words",
    [
        ("abc", "strokes", "list of strokes"),
        ([], "strokes", "empty"),
        ([[]], "strokes[0]", "no points"),
        ([[[0, 0]], "x"], "strokes[1]", "list of points"),
        ([[[0]]], "strokes[0][0]", "[x, y]"),
        ([[[0, 1, 2, 3]]], "strokes[0][0]", "[x, y]"),
        ([[[0, "1"]]], "strokes[0][0][1]", "number"),
        ([[[True, 1]]], "strokes[0][0][0]", "number"),
        ([[[0, 1], [float("nan"), 1]]], "strokes[0][1][0]", "finite"),
        ([[[0, float("-inf")]]], "strokes[0][0][1]", "finite"),
        ([[[0, 1e12]]], "strokes[0][0][1]", "coordinate limit"),
        ([[[0, 0]]] * 4, "strokes", "limit of 3"),
        ([[[0, 0]] * 5], "strokes[0]", "limit of 4"),
        ([[[0, 0]] * 4, [[0, 0]] * 3], "strokes", "limit of 6"),
    ],
)
def test_strokes_to_arrays_bad_input_names_field(strokes, field, words):
    with pytest.raises(DrawingError) as error:
        strokes_to_arrays(strokes, SMALL)
    assert error.value.field == field
    assert words in error.value.message


def test_drawing_model_rejects_nan_and_empty():
    with pytest.raises(ValueError):
        Drawing.model_validate({"strokes": []})
    with pytest.raises(ValueError):
        Drawing.model_validate({"strokes": [[[0, float("nan")]]]})
    assert Drawing.model_validate({"strokes": [[[0, 1]]]}).strokes == [[[0.0, 1.0]]]


finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)
point = st.lists(finite, min_size=2, max_size=3)


# No per-example deadline: speed is measured by bench/, and a busy CI machine must not fail a correctness property.
@settings(deadline=None)
@given(st.lists(st.lists(point, min_size=1, max_size=20), min_size=1, max_size=8))
def test_any_valid_drawing_renders_with_ink(strokes):
    counts = render_point_arrays(strokes_to_arrays(strokes))
    assert counts.shape == (32, 32)
    assert counts.sum() > 0 and counts.max() <= 16
