"""The "not sure" rule's inputs and rates, shared by its fit (`calibrate`) and its measure (`measure.evaluate`).

Real and junk drawings become feature rows (`backend.confidence.features`); `flag_rates` and `calibration_error`
say how a fitted rule does on them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backend import confidence


def crohme_records(path: Path, split: int) -> list[dict[str, Any]]:
    """The records of one split of a CROHME file (the data build's rule, so the same writers as its split)."""
    from training.data.build.splits import SplitRule

    rule = SplitRule()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as file:
        records = [json.loads(line) for line in file if line.strip()]
    return [r for r in records if rule.split_of("crohme", str(r.get("group") or "")) == split]


def junk_set(records: list[dict[str, Any]], catalogue_path: Path, per_kind: int, seed: int) -> tuple[Any, list[str]]:
    """Rendered junk (ink counts [N, 32, 32]) and the kind of each."""
    from backend.render import render_point_arrays
    from training.ship import junk

    catalogue = json.loads(catalogue_path.read_text(encoding="utf-8"))
    words = junk.catalogue_words(symbol["command"] for symbol in catalogue["symbols"])
    drawings = junk.generate(per_kind, junk.CrohmePieces(records, words), seed)
    counts = np.stack([render_point_arrays(drawing.strokes) for drawing in drawings])
    return counts, [drawing.kind for drawing in drawings]


def feature_rows(scores: npt.NDArray[np.float32], counts: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    return np.stack([confidence.features(s, c) for s, c in zip(scores, counts, strict=True)])


def flag_rates(
    rule: confidence.UncertaintyRule,
    real: npt.NDArray[np.float64],
    junk_rows: npt.NDArray[np.float64],
    kinds: list[str],
) -> dict[str, Any]:
    """Share of real drawings flagged "not sure" and of junk caught, overall and per junk kind."""
    real_flags = np.array([rule.junk_score(row) >= rule.threshold for row in real])
    junk_flags = np.array([rule.junk_score(row) >= rule.threshold for row in junk_rows])
    kind_array = np.array(kinds)
    return {
        "real_n": len(real),
        "real_flagged": float(real_flags.mean()) if len(real) else None,
        "junk_n": len(junk_rows),
        "junk_caught": float(junk_flags.mean()) if len(junk_rows) else None,
        "junk_caught_by_kind": {
            kind: float(junk_flags[kind_array == kind].mean()) for kind in dict.fromkeys(kinds) if kind
        },
    }


def calibration_error(confidences: npt.NDArray[np.float64], right: npt.NDArray[np.bool_], bins: int = 10) -> float:
    """Expected calibration error: the mean gap between stated confidence and accuracy, over equal-width bins."""
    edges = np.minimum((confidences * bins).astype(int), bins - 1)
    gap = 0.0
    for b in range(bins):
        members = edges == b
        if members.any():
            gap += members.sum() / len(confidences) * abs(confidences[members].mean() - right[members].mean())
    return float(gap)
