"""How sure an answer is: a calibrated `confidence` and a `not_sure` flag for drawings that are no one symbol.

The one place this rule lives (the extension's offline mode ports it line for line in
`extension/src/background/confidence.js`, checked against `tests/golden/confidence.json`). Its numbers live in
`models/model.json` under `"uncertainty"`, written by `python -m training.ship.calibrate` for every new model.

Inputs are what every answer already has: the model's scores (softmax over the labels, float32) and the rendered
ink counts (32x32, 0..16). Twelve features, all cheap:

| feature | what it measures |
|---|---|
| `log_top1` | ln of the best score |
| `log_ratio` | ln(best / second best score): a clear winner or a tie |
| `entropy` | -sum p ln p over all labels: mass on a few look-alikes or smeared over hundreds |
| `top5_mass` | sum of the five best scores |
| `coverage` | share of the 1,024 pixels with ink (a scribble fills the box, a tap is a dot) |
| `heaviness` | mean ink per inked pixel, counts / 16 (strokes drawn over each other pile up) |
| `aspect` | shorter / longer side of the ink box in pixels (a word or an expression is a wide band) |
| `components` | 8-connected ink regions, at most 8 (several symbols side by side are several regions) |
| `coverage_vs_top` | `coverage` minus the typical coverage of the first candidate's symbol |
| `heaviness_vs_top` | `heaviness` minus the typical heaviness of the first candidate's symbol |
| `aspect_vs_top` | `aspect` minus the typical aspect of the first candidate's symbol |
| `components_vs_top` | `components` minus the typical number of ink regions of the first candidate's symbol |

The last four are why a filled `\\blacktriangleright`, a boxed `\\boxplus` or a circled `\\circledast` is not taken for
hatching or a scribble, nor a `\\fourvdots` for several symbols side by side: ink that looks like junk is junk only
when the symbol the model names does not look like that itself. The typical
ink of every output (`typical_ink` in the block, aligned with model.json `labels`) is the mean over drawings of that
symbol made from its templates with the trainer's hand variation; "first candidate" is the first output with the
highest score.

- `confidence` = sigmoid(a . [log_top1, log_ratio] + b): how often the first candidate was the drawn symbol among
  real held-out drawings whose scores looked like this (Platt scaling, fitted on the validation split).
- `not_sure` = junk score >= `threshold`, where the junk score is a one-hidden-layer network (tanh, a few units)
  on the standardised features, trained to tell a generated junk set (training/ship/junk.py: scribbles, hatching,
  coils, several symbols side by side, words, taps) from drawings of symbols (real validation drawings of common
  and rare symbols, and drawings of rare symbols made from their templates); the threshold is the lowest score
  that flags at most a set share of the common and of the rare drawings (training/ship/calibrate.py).
A model.json without the block (a model exported but not calibrated yet) gets the top score as `confidence`
and `not_sure` false, and the server logs a warning at start-up: nothing is claimed that was not measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FEATURES = (
    "log_top1",
    "log_ratio",
    "entropy",
    "top5_mass",
    "coverage",
    "heaviness",
    "aspect",
    "components",
    "coverage_vs_top",
    "heaviness_vs_top",
    "aspect_vs_top",
    "components_vs_top",
)
CONFIDENCE_FEATURES = ("log_top1", "log_ratio")
# The ink features each output has a typical value of (model.json "typical_ink"), in FEATURES order.
TYPICAL_INK = ("coverage", "heaviness", "aspect", "components")
MAX_COMPONENTS = 8
# Scores of 0 (underflow) would make ln undefined; this floor is far below any score that matters.
SCORE_FLOOR = 1e-30
MAX_COUNT = 16


class UncertaintyError(ValueError):
    """model.json's "uncertainty" block is malformed; the message says which field."""


def _components(ink: npt.NDArray[np.bool_]) -> int:
    """8-connected regions of ink, at most MAX_COMPONENTS: runs of ink per row, joined to the runs they touch in
    the row above (union-find over a few dozen runs; no scipy at serve time, and the same steps in JavaScript)."""
    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    steps = np.diff(padded, axis=1)
    start_rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)  # a run covers columns start .. end - 1; both lists are in row order
    parent = list(range(len(starts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    above_first, row_first, current_row = 0, 0, -1
    for i, row in enumerate(start_rows.tolist()):
        if row != current_row:
            above_first, row_first = (row_first, i) if row == current_row + 1 else (i, i)
            current_row = row
        for j in range(above_first, row_first):
            # 8-connected: runs touch when they overlap or meet at a corner.
            if starts[j] <= ends[i] and ends[j] >= starts[i]:
                parent[root(j)] = root(i)
    roots = len({root(i) for i in range(len(starts))})
    return min(roots, MAX_COMPONENTS)


@dataclass(frozen=True)
class TypicalInk:
    """Per model output (model.json `labels` order): the mean coverage, heaviness, aspect and ink regions of
    drawings of its symbol."""

    coverage: npt.NDArray[np.float64]  # [C]
    heaviness: npt.NDArray[np.float64]  # [C]
    aspect: npt.NDArray[np.float64]  # [C]
    components: npt.NDArray[np.float64]  # [C]


def features(
    scores: npt.NDArray[np.floating], counts: npt.NDArray[np.integer], typical: TypicalInk
) -> npt.NDArray[np.float64]:
    """The twelve features (FEATURES order) of one answer: scores [C], ink counts [32, 32], the outputs' typical ink."""
    p = np.asarray(scores, dtype=np.float64)
    if len(p) != len(typical.coverage):
        raise UncertaintyError(f"the rule's typical_ink has {len(typical.coverage)} outputs, the model {len(p)}")
    first = int(np.argmax(p))  # the first output with the highest score
    top = np.sort(np.partition(p, len(p) - 5)[-5:])[::-1] if len(p) >= 5 else np.sort(p)[::-1]
    p1 = max(float(top[0]), SCORE_FLOOR)
    p2 = max(float(top[1]), SCORE_FLOOR) if len(top) > 1 else SCORE_FLOOR
    positive = p[p > 0]
    entropy = float(-np.dot(positive, np.log(positive)))
    ink = np.asarray(counts) > 0
    inked = int(ink.sum())
    if inked:
        rows = np.flatnonzero(ink.any(axis=1))
        columns = np.flatnonzero(ink.any(axis=0))
        height, width = int(rows[-1] - rows[0] + 1), int(columns[-1] - columns[0] + 1)
        aspect = min(height, width) / max(height, width)
        heaviness = float(np.asarray(counts, dtype=np.int64).sum()) / MAX_COUNT / inked
    else:
        aspect, heaviness = 0.0, 0.0
    coverage = inked / ink.size
    components = float(_components(ink))
    return np.array(
        [
            np.log(p1),
            np.log(p1 / p2),
            entropy,
            float(top[:5].sum()),
            coverage,
            heaviness,
            aspect,
            components,
            coverage - float(typical.coverage[first]),
            heaviness - float(typical.heaviness[first]),
            aspect - float(typical.aspect[first]),
            components - float(typical.components[first]),
        ],
        dtype=np.float64,
    )


def _sigmoid(value: float) -> float:
    return float(1.0 / (1.0 + np.exp(-value)))


@dataclass(frozen=True)
class UncertaintyRule:
    """The fitted numbers of model.json's "uncertainty" block (see the module docstring)."""

    typical: TypicalInk  # per output, for the two *_vs_top features
    mean: npt.NDArray[np.float64]  # [F] feature means of the fitting set
    scale: npt.NDArray[np.float64]  # [F] their standard deviations
    hidden_weights: npt.NDArray[np.float64]  # [H, F]
    hidden_bias: npt.NDArray[np.float64]  # [H]
    output_weights: npt.NDArray[np.float64]  # [H]
    output_bias: float
    threshold: float  # junk score (before the sigmoid) at or above which an answer is "not sure"
    confidence_weights: npt.NDArray[np.float64]  # [2] on CONFIDENCE_FEATURES
    confidence_bias: float

    @classmethod
    def from_json(cls, block: dict[str, Any]) -> UncertaintyRule:
        try:
            if tuple(block["features"]) != FEATURES:
                raise UncertaintyError(f"features are {block['features']}, this server computes {list(FEATURES)}")
            rule = cls(
                typical=TypicalInk(
                    **{name: np.array(block["typical_ink"][name], dtype=np.float64) for name in TYPICAL_INK}
                ),
                mean=np.array(block["mean"], dtype=np.float64),
                scale=np.array(block["scale"], dtype=np.float64),
                hidden_weights=np.array(block["hidden"]["weights"], dtype=np.float64),
                hidden_bias=np.array(block["hidden"]["bias"], dtype=np.float64),
                output_weights=np.array(block["output"]["weights"], dtype=np.float64),
                output_bias=float(block["output"]["bias"]),
                threshold=float(block["threshold"]),
                confidence_weights=np.array(block["confidence"]["weights"], dtype=np.float64),
                confidence_bias=float(block["confidence"]["bias"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, UncertaintyError):
                raise
            raise UncertaintyError(f"uncertainty block is malformed: {error!r}") from None
        n, h, outputs = len(FEATURES), len(rule.hidden_bias), len(rule.typical.coverage)
        if (
            outputs == 0
            or any(getattr(rule.typical, name).shape != (outputs,) for name in TYPICAL_INK)
            or rule.mean.shape != (n,)
            or rule.scale.shape != (n,)
            or rule.hidden_weights.shape != (h, n)
            or rule.output_weights.shape != (h,)
            or rule.confidence_weights.shape != (len(CONFIDENCE_FEATURES),)
            or not np.all(rule.scale > 0)
        ):
            raise UncertaintyError("uncertainty block has arrays of the wrong shape or a zero scale")
        return rule

    def features(self, scores: npt.NDArray[np.floating], counts: npt.NDArray[np.integer]) -> npt.NDArray[np.float64]:
        return features(scores, counts, self.typical)

    def junk_score(self, values: npt.NDArray[np.float64]) -> float:
        hidden = np.tanh(self.hidden_weights @ ((values - self.mean) / self.scale) + self.hidden_bias)
        return float(self.output_weights @ hidden + self.output_bias)

    def confidence(self, values: npt.NDArray[np.float64]) -> float:
        return _sigmoid(float(self.confidence_weights @ values[: len(CONFIDENCE_FEATURES)] + self.confidence_bias))

    def assess(self, scores: npt.NDArray[np.floating], counts: npt.NDArray[np.integer]) -> dict[str, Any]:
        """`{"confidence", "not_sure"}` for one answer."""
        values = self.features(scores, counts)
        return {"confidence": self.confidence(values), "not_sure": self.junk_score(values) >= self.threshold}


def uncalibrated(scores: npt.NDArray[np.floating]) -> dict[str, Any]:
    """Without a fitted rule: the top score, and no claim of junk."""
    return {"confidence": float(np.max(scores)), "not_sure": False}
