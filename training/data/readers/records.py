"""What every reader yields: a validated record, and a report that counts what was read, kept and rejected.

Readers never drop a record silently: a record that cannot be used is counted under a short reason
("empty stroke", "NaN or infinite coordinate", ...) with the place of its first occurrence, so the build
summary shows exactly what each source lost and why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from backend.drawing import DrawingError, DrawingLimits, strokes_to_arrays

# Training data comes from tablets sampling at high rates and from long expressions cut into symbols:
# far larger limits than the server's, only to stop a corrupt record from eating memory or time.
TRAINING_LIMITS = DrawingLimits(max_strokes=256, max_points_per_stroke=20_000, max_points=50_000)


@dataclass(frozen=True)
class Record:
    """One drawing of one symbol, checked and ready to render."""

    source: str  # which reader produced it ("crohme", "detypify", "detexify", ...)
    label: str  # the symbol as the source names it (mapped to the catalogue by training.data.labels)
    strokes: list[npt.NDArray[np.float64]]  # one float64 [n, 2] array per stroke
    group: str  # writer / expression / sample key: splits never cut a group
    original: dict[str, Any]  # the record in the shared JSONL shape, written out for held-out files


@dataclass
class SourceReport:
    """Counts for one source: read, kept, rejected by reason (with where each reason first occurred)."""

    source: str
    read: int = 0
    kept: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    first_rejected_at: dict[str, str] = field(default_factory=dict)
    unmapped: Counter[str] = field(default_factory=Counter)  # label -> records, filled by the label mapping

    def reject(self, reason: str, where: str) -> None:
        self.rejected[reason] += 1
        self.first_rejected_at.setdefault(reason, where)

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "kept": self.kept,
            "rejected": dict(sorted(self.rejected.items())),
            "first_rejected_at": dict(sorted(self.first_rejected_at.items())),
            "unmapped": dict(sorted(self.unmapped.items())),
        }


class RecordRejected(ValueError):
    """A record that cannot be used; `reason` is the short category counted in the report."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def rejection_reason(error: DrawingError) -> str:
    """The report category for a drawing the schema refused (the message names the exact field)."""
    message = error.message
    if "drawing is empty" in message:
        return "empty drawing"
    if "has no points" in message:
        return "empty stroke"
    if "finite" in message:
        return "NaN or infinite coordinate"
    if "limit" in message:
        return "beyond size limits"
    return "malformed strokes"


def checked_strokes(strokes: Any) -> list[npt.NDArray[np.float64]]:
    """Validate raw JSON strokes with the server's schema (training limits); raise RecordRejected."""
    try:
        return strokes_to_arrays(_without_times(strokes), TRAINING_LIMITS)
    except DrawingError as error:
        raise RecordRejected(rejection_reason(error), str(error)) from None


def _without_times(strokes: Any) -> Any:
    """Points as [x, y]: the renderer ignores t, and Detexify's t are epoch milliseconds (about 1.3e12), far
    beyond the coordinate limit the schema applies to every value of a point."""
    if not isinstance(strokes, list):
        return strokes
    return [
        [p[:2] if isinstance(p, list) and len(p) == 3 else p for p in stroke] if isinstance(stroke, list) else stroke
        for stroke in strokes
    ]
