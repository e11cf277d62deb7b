"""Motion planes: what a hand's movement adds to its ink, as extra 32x32 input planes (issue 14, item 3).

Online handwriting recognisers gain much from direction feature maps (one plane per stroke direction) and from
where the pen went down and came up. This module renders them with the served renderer's own normalisation and
brush (`backend.render`), so each plane lines up with the ink pixel for pixel. Two kinds, chosen by name:

- "orientation": four planes, the ink of the segments running at 0, 45, 90 and 135 degrees (the nearest of the
  four; a direction and its reverse share a plane). The *signed* direction is left out on purpose: synthetic
  templates are traced from typeset pictures, whose stroke directions are arbitrary, so a signed map would teach
  the model directions no hand uses;
- "ends": one plane, the brush stamped at each stroke's first and last point (pen down, pen up).

Plane 0 is always the ink itself (`render_point_arrays`), so a training set with motion planes holds
`[N, planes, 32, 32]` counts 0..16 and channel 0 keeps meaning what it always meant.

An experiment measured with the transfer figure (training/README.md, "Motion planes"); the served model reads
ink only.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from backend.render import SIZE, brush_centres, ink_counts, pixel, render_point_arrays

ORIENTATIONS: Final = 4
PLANES: Final = {"orientation": ORIENTATIONS, "ends": 1}  # name -> how many planes it adds

Renderer = Callable[[Sequence[npt.NDArray[np.float64]]], npt.NDArray[np.uint8]]


def checked(planes: Sequence[str]) -> tuple[str, ...]:
    """The plane names in their fixed order, or a clear error for an unknown or repeated one."""
    unknown = [name for name in planes if name not in PLANES]
    if unknown or len(set(planes)) != len(planes):
        raise ValueError(f"motion planes {list(planes)}: expected distinct names among {', '.join(PLANES)}")
    return tuple(name for name in PLANES if name in planes)


def channel_count(planes: Sequence[str]) -> int:
    return 1 + sum(PLANES[name] for name in checked(planes))


def image_shape(planes: Sequence[str]) -> tuple[int, ...]:
    """One sample's array: [32, 32] for ink alone (the served input), else [channels, 32, 32]."""
    return (channel_count(planes), SIZE, SIZE) if planes else (SIZE, SIZE)


def renderer(planes: Sequence[str]) -> Renderer:
    """The function that renders one drawing into `image_shape(planes)`."""
    if not planes:
        return render_point_arrays
    return functools.partial(render_motion_counts, planes=checked(planes))


def render_motion_counts(
    arrays: Sequence[npt.NDArray[np.float64]], planes: Sequence[str] = tuple(PLANES)
) -> npt.NDArray[np.uint8]:
    """Ink, then the chosen planes in `PLANES` order: uint8 [channel_count(planes), 32, 32], counts 0..16."""
    centres = brush_centres(arrays)
    out = [ink_counts(centres.pixel_x, centres.pixel_y)]
    chosen = checked(planes)
    if "orientation" in chosen:
        # Angle modulo 180 degrees in eighths of a turn: 0 horizontal, 2 vertical (y grows downwards).
        angle = np.arctan2(centres.dy, centres.dx) % math.pi
        orientation = np.rint(angle / (math.pi / ORIENTATIONS)).astype(np.int64) % ORIENTATIONS
        moving = (centres.dx != 0) | (centres.dy != 0)  # a dot has no direction: ink only
        for k in range(ORIENTATIONS):
            on = (moving & (orientation == k))[centres.segment]
            out.append(ink_counts(centres.pixel_x[on], centres.pixel_y[on]))
    if "ends" in chosen:
        ends = np.concatenate([[0], centres.stroke_ends[:-1] + 1, centres.stroke_ends])  # first and last points
        out.append(ink_counts(pixel(centres.point_x[ends]), pixel(centres.point_y[ends])))
    return np.stack(out)
