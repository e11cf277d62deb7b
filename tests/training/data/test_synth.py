"""Synthetic handwriting: glyph pictures to centre-line strokes, and hand-like augmentation of them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backend.render import render_point_arrays
from training.data.synth import GlyphPictures, HandVariation, templates_for, vary_hand
from training.data.synth.centerline import (
    hatch_filled_parts,
    image_to_strokes,
    outline_filled_parts,
    simplify,
    trace_skeleton,
)
from training.data.synth.glyph_images import character_ink, polyline_ink, svg_ink, svg_with_pixel_size
from training.data.synth.hand_forms import RADICAL_BAR_LENGTHS, hand_variants, radical_with_bar
from training.data.synth.hand_variation import bend, normalised, resample

FIXTURES = Path(__file__).parent / "fixtures"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
needs_dejavu = pytest.mark.skipif(
    not Path(DEJAVU).is_file(), reason="fonts-dejavu-core not installed (make system-deps)"
)


def test_image_to_strokes_traces_a_thick_line_as_one_stroke() -> None:
    ink = np.zeros((20, 70), dtype=bool)
    ink[8:13, 5:65] = True
    strokes = image_to_strokes(ink)
    assert len(strokes) == 1
    stroke = strokes[0]
    assert len(stroke) <= 3  # a straight line simplifies to its ends (and at most a kink where the skeleton ends)
    assert abs(np.ptp(stroke[:, 0]) - 56) < 6 and np.ptp(stroke[:, 1]) <= 2


def test_image_to_strokes_closes_a_ring() -> None:
    angles = np.linspace(0, 2 * np.pi, 60)
    ring = polyline_ink([np.stack([np.cos(angles), np.sin(angles)], axis=1) * 30], 60, 0.08)
    strokes = image_to_strokes(ring)
    assert len(strokes) == 1 and np.allclose(strokes[0][0], strokes[0][-1], atol=2)


def test_image_to_strokes_cross_becomes_two_straight_strokes() -> None:
    ink = np.zeros((70, 70), dtype=bool)
    ink[33:38, 5:65] = True
    ink[5:65, 33:38] = True
    strokes = image_to_strokes(ink)
    # Each bar passes straight through the junction, so the four arms join into two strokes.
    assert len(strokes) == 2
    assert all(len(s) <= 4 for s in strokes)


def test_image_to_strokes_keeps_dots_as_points() -> None:
    ink = np.zeros((40, 40), dtype=bool)
    ink[5:9, 5:9] = True
    ink[30:34, 30:34] = True
    strokes = image_to_strokes(ink)
    assert len(strokes) == 2 and all(len(s) <= 2 for s in strokes)


def test_outline_filled_parts_hollows_a_solid_block() -> None:
    ink = np.zeros((60, 60), dtype=bool)
    ink[10:50, 10:50] = True
    hollow = outline_filled_parts(ink)
    assert hollow[10, 10] and hollow[10, 30] and not hollow[30, 30]
    strokes = image_to_strokes(ink)
    span = np.ptp(np.concatenate(strokes), axis=0)
    assert (span > 30).all()  # the edge of the square, not the point a skeleton would shrink it to


def test_hatch_filled_parts_sweeps_a_solid_block_row_by_row() -> None:
    ink = np.zeros((60, 60), dtype=bool)
    ink[10:50, 10:50] = True
    (hatch,) = hatch_filled_parts(ink)
    rows = np.unique(hatch[:, 1])
    assert len(rows) >= 6 and rows.min() < 20 and rows.max() > 40  # covers the inside, top to bottom
    assert (hatch[:, 0] > 10).all() and (hatch[:, 0] < 50).all()  # stays inside the edge band
    # A zig-zag: consecutive rows are swept in opposite directions.
    directions = np.sign(hatch[1::2, 0] - hatch[0::2, 0])
    assert (directions[:-1] == -directions[1:]).all()


def test_hatch_filled_parts_leaves_open_shapes_alone() -> None:
    ring = np.zeros((60, 60), dtype=bool)
    ring[10:50, 10:50] = True
    ring[14:46, 14:46] = False
    assert hatch_filled_parts(ring) == []
    assert len(image_to_strokes(ring)) >= 1


def test_image_to_strokes_filled_shape_renders_darker_than_its_outline() -> None:
    solid = np.zeros((60, 60), dtype=bool)
    solid[10:50, 10:50] = True
    ring = solid.copy()
    ring[14:46, 14:46] = False
    solid_ink = render_point_arrays(image_to_strokes(solid)).sum()
    ring_ink = render_point_arrays(image_to_strokes(ring)).sum()
    assert solid_ink > 1.8 * ring_ink


def test_trace_skeleton_puts_every_pixel_on_a_path() -> None:
    skeleton = np.zeros((10, 10), dtype=bool)
    skeleton[5, 1:9] = True
    skeleton[1:5, 4] = True
    paths = trace_skeleton(skeleton)
    covered = {(int(x), int(y)) for path in paths for x, y in path}
    assert covered == {(int(x), int(y)) for y, x in zip(*np.nonzero(skeleton), strict=True)}
    assert len(paths) == 3  # three arms meeting at one junction


def test_simplify_drops_collinear_points_only() -> None:
    path = np.array([[0, 0], [1, 0], [2, 0], [3, 0], [3, 1], [3, 2]], dtype=float)
    assert simplify(path, 0.5).tolist() == [[0, 0], [3, 0], [3, 2]]


def test_svg_with_pixel_size_converts_points() -> None:
    fixed = svg_with_pixel_size("<svg width='12pt' height=\"3in\" viewBox='0 0 1 1'><path/></svg>")
    assert 'width="16.0000"' in fixed and 'height="288.0000"' in fixed and "<path/>" in fixed


def test_svg_ink_rasterises_a_latex_preview_shape() -> None:
    svg = next((FIXTURES / "previews").glob("*.svg"))
    ink = svg_ink(svg, 80)
    assert 80 <= max(ink.shape) <= 100
    strokes = image_to_strokes(ink)
    assert 3 <= len(strokes) <= 6  # a box and two diagonals


@needs_dejavu
def test_character_ink_draws_a_character_and_refuses_missing_ones() -> None:
    ink = character_ink("Σ", DEJAVU, 64)
    assert ink is not None and ink.any() and 64 <= max(ink.shape) <= 80
    assert character_ink("\U0001f5f8", DEJAVU, 64) is None  # not in DejaVu Sans


@needs_dejavu
def test_templates_for_uses_every_picture(tmp_path: Path) -> None:
    svg = next((FIXTURES / "previews").glob("*.svg"))
    hershey = (("\\Sigma", [np.array([[10, 0], [0, 0], [5, 5], [0, 10], [10, 10]], dtype=float)]),)
    pictures = GlyphPictures("g", (svg,), ("Σ",), hershey)
    origins = [t.origin for t in templates_for(pictures, (DEJAVU,), 64)]
    assert origins == ["hershey:\\Sigma", "preview", "font:DejaVuSans.ttf"]
    assert templates_for(GlyphPictures("empty", (), ()), (DEJAVU,), 64) == []


def template() -> list[np.ndarray]:
    return [np.array([[0, 0], [10, 0]], dtype=float), np.array([[5, -5], [5, 5]], dtype=float)]


def test_augment_is_reproducible_and_varies() -> None:
    first = vary_hand(template(), np.random.default_rng(1))
    again = vary_hand(template(), np.random.default_rng(1))
    other = vary_hand(template(), np.random.default_rng(2))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(render_point_arrays(first), render_point_arrays(other))


def test_augment_keeps_the_shape_recognisable() -> None:
    from scipy.ndimage import gaussian_filter

    def blurred(strokes: list[np.ndarray]) -> np.ndarray:
        image = gaussian_filter(render_point_arrays(strokes).astype(float), 1.5)
        return image / np.linalg.norm(image)

    angles = np.linspace(0, 2 * np.pi, 40)
    ring = [np.stack([np.cos(angles), np.sin(angles)], axis=1)]
    plus, circle = blurred(normalised(template())), blurred(ring)
    rng = np.random.default_rng(0)
    closer = 0
    for _ in range(50):
        image = blurred(vary_hand(template(), rng))
        closer += (image * plus).sum() > (image * circle).sum()
        assert (image * plus).sum() < 0.9999  # never the clean template itself
    assert closer >= 45  # a plus sign stays a plus sign


def test_augment_without_variation_gives_back_the_template() -> None:
    still = HandVariation(
        rotation_degrees=0, shear=0, aspect_log_sigma=0, elastic_amplitude=0, stroke_shift=0,
        stroke_rotation_degrees=0, tremor=0, end_extension=0, point_spacing=(0.05, 0.05), split_probability=0,
        merge_probability=0, drop_probability=0, retrace_probability=0, reverse_probability=0, shuffle_probability=0,
        bend_log_sigma=0,
    )  # fmt: skip
    strokes = vary_hand(template(), np.random.default_rng(0), still)
    np.testing.assert_allclose(strokes[0][[0, -1]], [[-50, 0], [50, 0]], atol=1e-9)
    assert len(strokes) == 2


def test_augment_turns_a_lone_dot_into_a_blob() -> None:
    strokes = vary_hand([np.array([[3.0, 3.0]])], np.random.default_rng(0))
    assert len(strokes) == 1 and len(strokes[0]) > 5
    assert render_point_arrays(strokes).sum() > 200  # the renderer scales the blob up: a filled dot


def test_resample_spaces_points_evenly() -> None:
    out = resample(np.array([[0, 0], [1, 0]], dtype=float), 0.25)
    np.testing.assert_allclose(out[:, 0], [0, 0.25, 0.5, 0.75, 1.0])


def arc() -> np.ndarray:
    angles = np.linspace(-np.pi / 3, np.pi / 3, 30)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)  # a ")" bulging to the right


def test_bend_scales_the_bulge_and_keeps_the_ends() -> None:
    stroke = arc()
    flatter, rounder = bend(stroke, 0.5), bend(stroke, 1.5)
    np.testing.assert_allclose(flatter[[0, -1]], stroke[[0, -1]])
    np.testing.assert_allclose(rounder[[0, -1]], stroke[[0, -1]])
    chord_x = stroke[0, 0]
    bulge = stroke[15, 0] - chord_x
    assert flatter[15, 0] - chord_x == pytest.approx(0.5 * bulge, rel=1e-6)
    assert rounder[15, 0] - chord_x == pytest.approx(1.5 * bulge, rel=1e-6)


def test_bend_leaves_closed_strokes_alone() -> None:
    angles = np.linspace(0, 2 * np.pi * 0.95, 40)
    ring = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    assert np.array_equal(bend(ring, 0.3), ring)


def radical() -> list[np.ndarray]:
    # a check mark as traced (y grows downwards): in at the left, down to the bottom, up to the top right
    return [np.array([[0.0, 6.0], [2.0, 10.0], [6.0, 0.0]])]


def test_radical_with_bar_continues_the_stroke_from_the_top_right() -> None:
    strokes = radical_with_bar(radical(), 2.0)
    assert len(strokes) == 1
    stroke = strokes[0]
    np.testing.assert_allclose(stroke[:3], radical()[0])
    assert stroke[-1] == pytest.approx([6.0 + 2.0 * 6.0, 0.0])
    assert np.all(stroke[2:, 1] == 0.0)  # the bar is level with the radical's top


def test_radical_with_bar_drawn_from_the_top_right_end() -> None:
    reversed_radical = [radical()[0][::-1]]
    stroke = radical_with_bar(reversed_radical, 1.0)[0]
    assert stroke[0] == pytest.approx([12.0, 0.0])
    np.testing.assert_allclose(stroke[-3:], reversed_radical[0])


def test_hand_variants_only_for_radicals() -> None:
    assert len(hand_variants(("√",), radical())) == len(RADICAL_BAR_LENGTHS)
    assert hand_variants(("Σ",), radical()) == []
    assert hand_variants((), radical()) == []


def test_radical_with_bar_renders_wider_than_tall() -> None:
    image = render_point_arrays(radical_with_bar(radical(), 3.0))
    columns = np.flatnonzero(image.any(axis=0))
    rows = np.flatnonzero(image.any(axis=1))
    assert columns[-1] - columns[0] > 2 * (rows[-1] - rows[0])


@needs_dejavu
def test_templates_for_adds_the_bar_to_radicals() -> None:
    origins = [t.origin for t in templates_for(GlyphPictures("g", (), ("√",)), (DEJAVU,), 64)]
    assert origins == ["font:DejaVuSans.ttf"] + ["hand:font:DejaVuSans.ttf"] * len(RADICAL_BAR_LENGTHS)
