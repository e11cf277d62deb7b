"""How hands fill a black shape (issue 23, item 3): an outline plus a scribble inside it, in more ways than one.

`centerline.hatch_filled_parts` sweeps a filled part row by row in one zig-zag stroke. Hands also fill by spiralling
inwards along the outline, or by scribbling back and forth at a slant with uneven spacing; a filled star or arrow
drawn that way must still read as filled, not as `\\Faxmachine`. `scribble_fills` gives those fills for every filled
part of a picture (the same parts `centerline` outlines); `training.data.synth.templates` adds each as another
template beside the hatched one. Spacing varies from ring to ring and line to line, as a hand's does, from a
generator seeded by the part's size, so a picture always gives the same templates.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from training.data.synth.centerline import Polyline, _filled_parts

# A fill line every 1/LINES_PER_SIDE of the part's longer side on average (the hatching uses 9).
LINES_PER_SIDE = 8
# Spacing of successive rings or lines: the average times a factor drawn from this range.
SPACING_SPREAD = (0.6, 1.4)
SLANT_DEGREES = 60.0  # the back-and-forth scribble's direction (a right hand's natural slant)


def scribble_fills(ink: npt.NDArray[np.bool_], filled_fraction: float = 0.18) -> list[tuple[str, list[Polyline]]]:
    """(name, strokes) of each kind of fill, one stroke per filled part; [] when nothing is filled."""
    from scipy import ndimage

    parts = _filled_parts(ink, filled_fraction)
    if not parts:
        return []
    distance = ndimage.distance_transform_edt(ink)
    inset = max(2.0, 0.03 * max(ink.shape))
    spirals, slants = [], []
    for part, side in parts:
        rng = np.random.default_rng(side)
        inside = part & (distance > inset)
        spiral = spiral_fill(np.where(part, distance, 0.0), inset, side / LINES_PER_SIDE, rng)
        if spiral is not None:
            spirals.append(spiral)
        slant = slant_fill(inside, side / LINES_PER_SIDE, SLANT_DEGREES, rng)
        if slant is not None:
            slants.append(slant)
    fills = []
    if spirals:
        fills.append(("spiral", spirals))
    if slants:
        fills.append(("scribble", slants))
    return fills


def spiral_fill(
    distance: npt.NDArray[np.float64], inset: float, spacing: float, rng: np.random.Generator
) -> Polyline | None:
    """One stroke going round the part's inside ring after ring, each ring `spacing` (varied) further in: the
    rings are the level lines of the distance to the edge, joined where the pen moves in."""
    from skimage import measure

    rings: list[npt.NDArray[np.float64]] = []
    level = inset
    while level < distance.max():
        contours = measure.find_contours(distance, level)
        if not contours:
            break
        ring = max(contours, key=len)[:, ::-1]  # (row, column) -> (x, y)
        if len(ring) < 4:
            break
        if rings:  # start where the pen is: the point nearest the previous ring's end
            start = int(np.argmin(np.hypot(*(ring - rings[-1][-1]).T)))
            ring = np.concatenate([ring[start:], ring[:start]])
        rings.append(ring)
        level += spacing * rng.uniform(*SPACING_SPREAD)
    if not rings:
        return None
    return np.concatenate(rings)


def slant_fill(
    inside: npt.NDArray[np.bool_], spacing: float, degrees: float, rng: np.random.Generator
) -> Polyline | None:
    """One stroke scribbling back and forth across the part along lines at `degrees`, `spacing` (varied) apart."""
    ys, xs = np.nonzero(inside)
    if len(xs) < 4:
        return None
    points = np.stack([xs, ys], axis=1).astype(np.float64)
    radians = math.radians(degrees)
    direction = np.array([math.cos(radians), -math.sin(radians)])  # y down: the line climbs to the right
    normal = np.array([-direction[1], direction[0]])
    across, along = points @ normal, points @ direction
    path: list[npt.NDArray[np.float64]] = []
    offset = across.min() + spacing / 2
    while offset <= across.max():
        on_line = np.abs(across - offset) <= 0.75
        if on_line.any():
            ends = [along[on_line].min(), along[on_line].max()]
            if len(path) % 2:
                ends = ends[::-1]
            path += [e * direction + offset * normal for e in ends]
        offset += spacing * rng.uniform(*SPACING_SPREAD)
    return np.array(path) if len(path) >= 4 else None
