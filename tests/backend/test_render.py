"""The one renderer against its golden vectors and its documented rules."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from backend.render import HI_PAD, RENDER_VERSION, SIZE, SUPERSAMPLE, counts_to_input, render, render_counts

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "render.json").read_text())


def _decode(rows: list[str]) -> np.ndarray:
    return np.array([[GOLDEN["digits"].index(c) for c in row] for row in rows], dtype=np.uint8)


def test_golden_file_matches_renderer_version():
    assert GOLDEN["render_version"] == RENDER_VERSION
    assert GOLDEN["size"] == SIZE


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["name"] for c in GOLDEN["cases"]])
def test_render_counts_golden_case(case):
    np.testing.assert_array_equal(render_counts(case["strokes"]), _decode(case["expected"]))


def test_golden_cases_cover_required_shapes():
    names = " ".join(c["name"] for c in GOLDEN["cases"])
    for required in ["dot", "straight", "extreme aspect", "negative", "huge", "duplicate", "many strokes", "CROHME"]:
        assert required in names


def test_render_single_point_is_centred_dot():
    counts = render_counts([[[123.0, -4.0]]])
    ys, xs = np.nonzero(counts)
    assert counts.sum() > 0
    # the dot sits on the centre of the canvas, symmetric within one pixel
    assert abs(xs.mean() - (SIZE - 1) / 2) <= 0.5
    assert abs(ys.mean() - (SIZE - 1) / 2) <= 0.5


def test_render_translation_and_scale_invariant():
    strokes = [[[0, 0], [10, 30], [20, 0]], [[4, 15], [16, 15]]]
    moved = [[[x * 7.0 + 1000, y * 7.0 - 500] for x, y in stroke] for stroke in strokes]
    np.testing.assert_array_equal(render_counts(strokes), render_counts(moved))


def test_render_keeps_aspect_ratio_and_padding():
    counts = render_counts([[[0, 0], [0, 100]]])  # a vertical line stays thin, it is not stretched
    ys, xs = np.nonzero(counts)
    assert xs.max() - xs.min() <= 2
    margin = HI_PAD // SUPERSAMPLE
    assert ys.min() >= margin - 1 and ys.max() <= SIZE - margin


def test_render_ignores_timestamps():
    plain = [[[0, 0], [5, 9]], [[9, 2]]]
    timed = [[[0, 0, 10], [5, 9, 20]], [[9, 2, 30]]]
    np.testing.assert_array_equal(render_counts(plain), render_counts(timed))


def test_render_model_input_range_and_shape():
    image = render([[[0, 0], [10, 10]]])
    assert image.shape == (1, SIZE, SIZE) and image.dtype == np.float32
    assert image.min() == 0.0 and image.max() == 1.0
    np.testing.assert_array_equal(counts_to_input(np.array([[0, 8, 16]], dtype=np.uint8)), [[0.0, 0.5, 1.0]])


@pytest.mark.parametrize(
    "strokes, message",
    [([], "no strokes"), ([[]], "no points"), ([[[0, float("nan")]]], "finite"), ([[[float("inf"), 0]]], "finite")],
)
def test_render_rejects_unrenderable_drawing(strokes, message):
    with pytest.raises(ValueError, match=message):
        render_counts(strokes)
