"""The request schema for a drawing: what a client may send, checked before anything is rendered.

A drawing is a list of strokes; a stroke is a list of points `[x, y]` or `[x, y, t]` (t in
milliseconds, optional and ignored by the renderer). Coordinates are screen-like (y grows down), in
any unit and origin: the renderer normalises them. Bad input raises `DrawingError`, which names the
offending place (`strokes[2][5]`) so a client can fix it; nothing is rendered from a partial drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

# Coordinates beyond this are surely a client bug; it also keeps every renderer step finite.
MAX_ABS_COORDINATE = 1e7

# t is a timestamp (often epoch milliseconds, about 1.7e12), so only finiteness is asked of it;
# x and y must also stay within MAX_ABS_COORDINATE, checked in `strokes_to_arrays`.
Coordinate = Annotated[float, Field(allow_inf_nan=False)]
Point = Annotated[
    list[Coordinate],
    Field(min_length=2, max_length=3, description=f"[x, y] or [x, y, t]; |x|, |y| <= {MAX_ABS_COORDINATE:g}"),
]
Stroke = Annotated[list[Point], Field(min_length=1, description="points in drawing order")]


@dataclass(frozen=True)
class DrawingLimits:
    """How big a drawing may be. The server reads these from its settings."""

    # A symbol takes a handful of strokes; Detexify's largest real samples stay under 40.
    max_strokes: int = 64
    # A slow, careful pen stroke at 120 Hz for 10 s; more is a stuck pointer, not a symbol.
    max_points_per_stroke: int = 1200
    # Bounds render time (about linear in points) whatever the split into strokes.
    max_points: int = 4000


class DrawingError(ValueError):
    """A drawing that cannot be rendered, with the JSON path of the first problem."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Drawing(BaseModel):
    """A drawing as clients send it (the OpenAPI schema of the `strokes` field)."""

    model_config = ConfigDict(extra="forbid")

    strokes: Annotated[list[Stroke], Field(min_length=1, description="strokes, each a list of points")]


def strokes_to_arrays(strokes: Any, limits: DrawingLimits = DrawingLimits()) -> list[npt.NDArray[np.float64]]:
    """Check raw JSON strokes against the schema and limits; return one float64 [n, 2] array per stroke.

    This is the fast path the server uses on every request and training uses on every record: it
    checks types, counts and finiteness with plain Python, and raises `DrawingError` naming the field.
    """
    if not isinstance(strokes, list):
        raise DrawingError("strokes", "must be a list of strokes")
    if not strokes:
        raise DrawingError("strokes", "the drawing is empty: draw at least one point")
    if len(strokes) > limits.max_strokes:
        raise DrawingError("strokes", f"has {len(strokes)} strokes, more than the limit of {limits.max_strokes}")
    arrays = []
    total = 0
    for s, stroke in enumerate(strokes):
        if not isinstance(stroke, list):
            raise DrawingError(f"strokes[{s}]", "must be a list of points")
        if not stroke:
            raise DrawingError(f"strokes[{s}]", "has no points")
        if len(stroke) > limits.max_points_per_stroke:
            raise DrawingError(
                f"strokes[{s}]", f"has {len(stroke)} points, more than the limit of {limits.max_points_per_stroke}"
            )
        total += len(stroke)
        if total > limits.max_points:
            raise DrawingError("strokes", f"has more than the limit of {limits.max_points} points in all")
        xy = np.empty((len(stroke), 2), dtype=np.float64)
        for p, point in enumerate(stroke):
            if not isinstance(point, list) or not 2 <= len(point) <= 3:
                raise DrawingError(f"strokes[{s}][{p}]", "must be [x, y] or [x, y, t]")
            for c, value in enumerate(point):
                # bool is an int subclass in Python but never a coordinate.
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise DrawingError(f"strokes[{s}][{p}][{c}]", "must be a number")
                if not math.isfinite(value):
                    raise DrawingError(f"strokes[{s}][{p}][{c}]", "must be a finite number (no NaN or Infinity)")
                if c < 2 and abs(value) > MAX_ABS_COORDINATE:
                    raise DrawingError(
                        f"strokes[{s}][{p}][{c}]", f"is beyond the coordinate limit of {MAX_ABS_COORDINATE:g}"
                    )
            xy[p, 0] = point[0]
            xy[p, 1] = point[1]
        arrays.append(xy)
    return arrays
