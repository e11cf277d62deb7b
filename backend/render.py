"""The one stroke renderer: a drawing (strokes of points) becomes the 32x32 image the CNN sees.

Training, the server and the browser extension all render with this algorithm; the JavaScript port in
`extension/src/render.js` is proven identical by the golden vectors in `tests/golden/render.json`.
The algorithm is written so that a port can match it bit for bit:

1. Normalise. Take the bounding box of all points (the optional third value `t` is ignored). Scale by
   one factor for both axes (aspect ratio kept) so that the longer side spans `HI_RES - 2 * HI_PAD`
   high-resolution pixels, and centre the box on the canvas. A drawing with no extent (one point,
   or all points equal) gets scale 0 and lands as a dot in the middle. A zero-width or zero-height
   drawing (a vertical or horizontal line) is scaled by its other side and centred. An extent under
   `MIN_EXTENT` counts as no extent.
   Every step is one IEEE-754 double operation in a fixed order (no fused multiply-add, no sums
   whose order a library may change), so JavaScript numbers give the same values.
2. Trace. Each segment between consecutive points of a stroke is sampled at `n + 1` evenly spaced
   points, `n = max(1, ceil(max(|dx|, |dy|)))`, i.e. at least one sample per high-resolution pixel
   along its major axis; point `i` is `x0 + dx * (i / n)`. A one-point stroke is a dot.
   Strokes are not joined to each other.
3. Ink. Every sample marks the high-resolution pixel `floor(x), floor(y)` (clamped to
   [3, HI_RES - 4], which normalisation already guarantees) and its brush neighbours (integer
   offsets with `dx^2 + dy^2 <= BRUSH_RADIUS_SQ`, a disc 7 pixels across). Marking is boolean, so
   order does not matter.
4. Downsample. The 128x128 boolean canvas is cut into 4x4 blocks; each output pixel is the number of
   inked high-resolution pixels in its block, 0..16. That is the antialiasing: 17 grey levels.

The model gets `count / 16` as float32 in [0, 1], ink = 1, background = 0, shape [N, 1, 32, 32].
At 32x32 the stroke is about 1.75 pixels wide and the drawing keeps a margin of 2 pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

RENDER_VERSION: Final = 1
SIZE: Final = 32  # the CNN's input side
SUPERSAMPLE: Final = 4  # high-resolution pixels per output pixel, per axis
HI_RES: Final = SIZE * SUPERSAMPLE
HI_PAD: Final = 8  # margin in high-resolution pixels (2 output pixels): the brush never leaves the canvas
BRUSH_RADIUS_SQ: Final = 10  # disc of integer offsets, 7 high-res pixels across (about 1.75 output pixels)
MAX_COUNT: Final = SUPERSAMPLE * SUPERSAMPLE
# A drawing whose bounding box is smaller than this (in its own units) renders as a dot: no pointer
# resolves a millionth of a unit, and dividing by a denormal extent would overflow the scale.
MIN_EXTENT: Final = 1e-6

Stroke = Sequence[Sequence[float]]
Strokes = Sequence[Stroke]


def _brush_offsets() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Integer offsets of the round brush, in a fixed (row-major) order."""
    reach = math.isqrt(BRUSH_RADIUS_SQ)
    offsets = [
        (dx, dy)
        for dy in range(-reach, reach + 1)
        for dx in range(-reach, reach + 1)
        if dx * dx + dy * dy <= BRUSH_RADIUS_SQ
    ]
    return (
        np.array([o[0] for o in offsets], dtype=np.int64),
        np.array([o[1] for o in offsets], dtype=np.int64),
    )


_BRUSH_X, _BRUSH_Y = _brush_offsets()
_BRUSH_REACH: Final = math.isqrt(BRUSH_RADIUS_SQ)
_BRUSH_FLAT = _BRUSH_Y * HI_RES + _BRUSH_X  # offsets in the flattened high-resolution canvas


def parameters() -> dict[str, int]:
    """The renderer's parameters, recorded in model metadata so a model knows how it was fed."""
    return {
        "version": RENDER_VERSION,
        "size": SIZE,
        "supersample": SUPERSAMPLE,
        "hi_pad": HI_PAD,
        "brush_radius_sq": BRUSH_RADIUS_SQ,
    }


def _as_point_arrays(strokes: Strokes) -> list[npt.NDArray[np.float64]]:
    arrays = []
    for index, stroke in enumerate(strokes):
        if len(stroke) == 0:
            raise ValueError(f"stroke {index} has no points")
        # Points may be [x, y] or [x, y, t]; only x and y are drawn.
        array = np.array([(p[0], p[1]) for p in stroke], dtype=np.float64)
        arrays.append(array)
    if not arrays:
        raise ValueError("the drawing has no strokes")
    return arrays


def render_counts(strokes: Strokes) -> npt.NDArray[np.uint8]:
    """Render a drawing to a 32x32 array of ink counts 0..16 (the exact, portable result)."""
    return render_point_arrays(_as_point_arrays(strokes))


def render_point_arrays(arrays: Sequence[npt.NDArray[np.float64]]) -> npt.NDArray[np.uint8]:
    """`render_counts` for strokes already held as float64 arrays of shape [n, >=2]."""
    centres = brush_centres(arrays)
    return ink_counts(centres.pixel_x, centres.pixel_y)


class BrushCentres(NamedTuple):
    """Steps 1-2 of the algorithm: every brush centre, in high-resolution pixels, and what it belongs to."""

    pixel_x: npt.NDArray[np.int64]  # [samples]
    pixel_y: npt.NDArray[np.int64]
    segment: npt.NDArray[np.int64]  # [samples] index of the segment each sample lies on
    dx: npt.NDArray[np.float64]  # [segments] the segment's extent in high-resolution pixels
    dy: npt.NDArray[np.float64]
    point_x: npt.NDArray[np.float64]  # [points] every point, normalised to high-resolution pixels
    point_y: npt.NDArray[np.float64]
    stroke_ends: npt.NDArray[np.int64]  # [strokes] index of each stroke's last point


def brush_centres(arrays: Sequence[npt.NDArray[np.float64]]) -> BrushCentres:
    """Normalise and trace a drawing (steps 1-2)."""
    if not arrays:
        raise ValueError("the drawing has no strokes")
    # A one-point stroke is a zero-length segment: a dot. Doubling its point makes that a segment.
    strokes = [a[:, :2] if len(a) > 1 else np.repeat(a[:, :2], 2, axis=0) for a in arrays]
    points = np.concatenate(strokes)
    if points.size == 0:
        raise ValueError("the drawing has no points")
    if not np.isfinite(points).all():
        raise ValueError("the drawing has a coordinate that is not a finite number")

    min_x, min_y = points.min(axis=0)
    max_x, max_y = points.max(axis=0)
    extent = max(max_x - min_x, max_y - min_y)
    scale = (HI_RES - 2 * HI_PAD) / extent if extent >= MIN_EXTENT else 0.0
    centre_x = (min_x + max_x) / 2
    centre_y = (min_y + max_y) / 2
    half = HI_RES / 2
    xs = (points[:, 0] - centre_x) * scale + half
    ys = (points[:, 1] - centre_y) * scale + half

    # Segments join consecutive points of one stroke, never the last point of a stroke to the next.
    stroke_ends = np.cumsum([len(s) for s in strokes]) - 1
    is_start = np.ones(len(points) - 1, dtype=bool)
    is_start[stroke_ends[:-1]] = False
    x0 = xs[:-1][is_start]
    y0 = ys[:-1][is_start]
    dx = xs[1:][is_start] - x0
    dy = ys[1:][is_start] - y0

    steps = np.maximum(1, np.ceil(np.maximum(np.abs(dx), np.abs(dy)))).astype(np.int64)
    samples_per_segment = steps + 1
    segment_of_sample = np.repeat(np.arange(len(steps)), samples_per_segment)
    first_sample = np.cumsum(samples_per_segment) - samples_per_segment
    i = np.arange(len(segment_of_sample), dtype=np.int64) - first_sample[segment_of_sample]
    t = i / steps[segment_of_sample]
    sample_x = x0[segment_of_sample] + dx[segment_of_sample] * t
    sample_y = y0[segment_of_sample] + dy[segment_of_sample] * t
    return BrushCentres(pixel(sample_x), pixel(sample_y), segment_of_sample, dx, dy, xs, ys, stroke_ends)


def pixel(coordinate: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    # Normalisation keeps samples inside [HI_PAD, HI_RES - HI_PAD], so this clamp never changes a
    # pixel; it only guarantees in words that the brush cannot leave the canvas.
    low, high = _BRUSH_REACH, HI_RES - 1 - _BRUSH_REACH
    return np.minimum(np.maximum(np.floor(coordinate).astype(np.int64), low), high)


def ink_counts(pixel_x: npt.NDArray[np.int64], pixel_y: npt.NDArray[np.int64]) -> npt.NDArray[np.uint8]:
    """Steps 3-4: the brush stamped at each centre, then 4x4 blocks counted."""
    # Stamp the brush once per distinct pixel: neighbouring samples often share one.
    centres = np.zeros(HI_RES * HI_RES, dtype=bool)
    centres[pixel_y * HI_RES + pixel_x] = True
    unique_centres = np.flatnonzero(centres)
    canvas = np.zeros(HI_RES * HI_RES, dtype=np.uint8)
    canvas[(unique_centres[:, None] + _BRUSH_FLAT[None, :]).ravel()] = 1
    # Sum each 4x4 block: a little-endian uint32 holds 4 horizontal 0/1 bytes, and multiplying by
    # 0x01010101 gathers their sum in the top byte; then add the 4 rows of each block.
    row_quads = canvas.view("<u4")
    quad_sums = ((row_quads * np.uint32(0x01010101)) >> np.uint32(24)).astype(np.uint8)
    return quad_sums.reshape(SIZE, SUPERSAMPLE, SIZE).sum(axis=1, dtype=np.uint8)


def counts_to_input(counts: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Ink counts (..., 32, 32) to the model's input values: float32 in [0, 1], ink = 1."""
    return counts.astype(np.float32) / np.float32(MAX_COUNT)


def render(strokes: Strokes) -> npt.NDArray[np.float32]:
    """Render a drawing to the model input for one sample: float32 [1, 32, 32] in [0, 1]."""
    return counts_to_input(render_counts(strokes))[None, :, :]
