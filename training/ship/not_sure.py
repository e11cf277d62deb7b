"""The "not sure" rule's inputs and rates, shared by its fit (`calibrate`) and its measure (`measure.evaluate`).

Real, template-drawn and junk drawings become feature rows (`backend.confidence.features`); `typical_ink` is the
per-output ink the rule compares a drawing with; `flag_rates` and `calibration_error` say how a fitted rule does.
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


def feature_rows(
    scores: npt.NDArray[np.float32], counts: npt.NDArray[np.uint8], typical: confidence.TypicalInk
) -> npt.NDArray[np.float64]:
    return np.stack([confidence.features(s, c, typical) for s, c in zip(scores, counts, strict=True)])


def template_drawings(
    templates: list[list[Any]], per_class: int, seed: int
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """`per_class` drawings of every class with templates (ink counts [N, 32, 32], class index [N]), each a
    template in turn with the trainer's own hand variation (`training.data.synth.hand_variation.vary_hand`)."""
    from backend.render import render_point_arrays
    from training.data.synth.hand_variation import vary_hand

    rng = np.random.default_rng([seed, 0x1DEA])
    counts, classes = [], []
    for index, own in enumerate(templates):
        for k in range(per_class if own else 0):
            counts.append(render_point_arrays(vary_hand(own[k % len(own)], rng)))
            classes.append(index)
    if not counts:
        return np.zeros((0, 32, 32), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    return np.stack(counts), np.array(classes, dtype=np.int64)


def typical_ink(
    counts: npt.NDArray[np.uint8], groups: npt.NDArray[np.int64], group_of_output: npt.NDArray[np.int64]
) -> confidence.TypicalInk:
    """Per model output, the mean of each `confidence.TYPICAL_INK` feature over the drawings of its glyph group
    (`groups[i]` is the group of drawing i); outputs whose group has no drawing get the mean over all drawings."""
    # The rule's own ink features (of a one-output answer), so each stays one definition.
    names = confidence.TYPICAL_INK
    one_output = confidence.TypicalInk(*(np.zeros(1) for _ in names))
    at = [confidence.FEATURES.index(name) for name in names]
    score = np.ones(1, dtype=np.float32)
    ink = np.array([confidence.features(score, c, one_output)[at] for c in counts]).reshape(-1, len(names))
    size = int(group_of_output.max()) + 1 if len(group_of_output) else 0
    total, seen = np.zeros((size, len(names))), np.zeros(size)
    if len(ink):
        np.add.at(total, groups, ink)
        np.add.at(seen, groups, 1)
    overall = ink.mean(axis=0) if len(ink) else np.zeros(len(names))
    per_group = np.where(seen[:, None] > 0, total / np.maximum(seen, 1)[:, None], overall)
    # Four significant digits: model.json carries one value per output and feature (4 x 4,807 since the grown
    # catalogue), and full doubles made them 356 KB of the card the extension reads before its first answer. The
    # rounded values are the ones the rule is fitted with, so the served rule is the fitted one.
    per_output = np.array([[float(f"{value:.4g}") for value in row] for row in per_group])[group_of_output]
    return confidence.TypicalInk(**{name: per_output[:, i].copy() for i, name in enumerate(names)})


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
