"""Which symbols the contribute page asks for: those with the fewest real drawings first, check symbols mixed in.

A class's real drawings = its real training drawings (`models/model.json` `data.real_train_per_class`,
aligned with `labels`; a model exported before that field existed counts 0 for every class, so the order
then rests on the feedback store alone) + the drawings stored as feedback for it since (picks and
contributions, suspect ones left out). Feedback already in the training data is counted twice: an
overestimate that only lowers such a class in the queue a little.

Every `check_every`-th symbol is instead a *check symbol*: one of the `check_pool` best-known classes (most
real drawings, then most used in TeX Live's documentation). The model recognises those well, so a
contributor whose check drawings the quality rule marks suspect (backend/feedback/quality.py) is careless or
hostile, and their visit's drawings can be judged together (they share a `session`).

Ties (hundreds of classes with no real drawing) are broken at random per request, so contributors spread
over all of them instead of all drawing the same first ten.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NO_REAL = "no real drawings yet"
FEW_REAL = "few real drawings"
MORE_HELP = "more drawings help"
CHECK = "check symbol"


@dataclass(frozen=True)
class QueueConfig:
    # 1 in 5 asks is a check symbol: enough to judge a visit of ten drawings by two of them, few enough that
    # four fifths of the contributors' effort goes where the data is missing.
    check_every: int = 5
    # Check symbols come from this many best-known classes: wide enough not to bore, narrow enough that the
    # model knows each of them well.
    check_pool: int = 50
    # Below this many real drawings a class is "few" (the reason shown to contributors): a judgement, not a
    # measurement; twenty drawings come from too few hands to cover the ways people draw a symbol.
    few_real: int = 20


@dataclass(frozen=True)
class Ask:
    glyph: str
    real_drawings: int
    why: str


@dataclass(frozen=True)
class TrainingCounts:
    per_class: dict[str, int]
    # Where the counts come from, said in the answer so a client (and a test) can tell the fallback apart.
    origin: str


def training_counts(model_json: Mapping[str, Any], labels: Sequence[str]) -> TrainingCounts:
    """model.json's real training drawings per class, or 0 for every class when it does not carry them."""
    data = model_json.get("data")
    per_class = data.get("real_train_per_class") if isinstance(data, Mapping) else None
    if (
        isinstance(per_class, list)
        and len(per_class) == len(labels)
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in per_class)
    ):
        return TrainingCounts(dict(zip(labels, per_class, strict=True)), "model.json data.real_train_per_class")
    return TrainingCounts(
        dict.fromkeys(labels, 0), "default: 0 for every class (model.json has no data.real_train_per_class)"
    )


def real_drawings(
    classes: Sequence[str], training: Mapping[str, int], feedback_per_glyph: Mapping[str, int]
) -> dict[str, int]:
    return {glyph: training.get(glyph, 0) + feedback_per_glyph.get(glyph, 0) for glyph in classes}


def plan(
    classes: Sequence[str],
    real: Mapping[str, int],
    usage: Mapping[str, int],
    count: int,
    rng: random.Random,
    config: QueueConfig = QueueConfig(),
) -> list[Ask]:
    """`count` asks: the rarest classes in order, every `check_every`-th replaced by a well-known class."""
    # At most one class in `check_every` is a check class, so a small model still has classes left to ask for.
    pool = min(config.check_pool, max(1, len(classes) // config.check_every))
    well_known = sorted(classes, key=lambda g: (-real[g], -usage.get(g, 0), g))[:pool]
    check_set = set(well_known)
    rare = iter(sorted((g for g in classes if g not in check_set), key=lambda g: (real[g], rng.random())))
    checks_needed = count // config.check_every
    checks = iter(rng.sample(well_known, min(checks_needed, len(well_known))))
    asks: list[Ask] = []
    for position in range(1, count + 1):
        glyph = next(checks, None) if position % config.check_every == 0 else None
        if glyph is not None:
            asks.append(Ask(glyph, real[glyph], CHECK))
            continue
        glyph = next(rare, None)
        if glyph is None:
            break
        asks.append(Ask(glyph, real[glyph], _why(real[glyph], config)))
    return asks


def _why(real: int, config: QueueConfig) -> str:
    if real == 0:
        return NO_REAL
    return FEW_REAL if real < config.few_real else MORE_HELP
