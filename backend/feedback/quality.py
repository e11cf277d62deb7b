"""The quality rule for contributions: does the serving model find the drawing wildly unlike its label?

A contribution is drawn because the contribute page asked for a symbol, so nothing but the contributor vouches
for the label. The rule: the label's class must be among the model's `SUSPECT_RANK` (20) first classes for the
drawing; otherwise the sample is kept but marked `suspect`, and `python -m backend.feedback export
--exclude-suspect` leaves it out. Why a rank, and why 20: the classes asked for are those the model knows
least (0.30 top-1 on real drawings of synthetic-only classes), so a careful drawing of one is often not the
first guess, but it is rarely outside the first 20 of 1,118; a scribble, an empty tap or another symbol on
purpose usually is. The rank is stored too (`label_rank`), so a later, better model or another threshold
can re-judge without the contributor.

Picks (the user chose among candidates or search results) are not judged: a symbol found by search after a
wrong guess is exactly the drawing the model got wrong, and the most useful one to keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backend import render
from backend.catalogue import Catalogue
from backend.recognizer import Recognizer

# The label must be among this many of the model's first classes for the drawing (module docstring).
SUSPECT_RANK = 20


@dataclass(frozen=True)
class Judgement:
    # 1-based place of the label's class in the model's scores for the drawing; None when the model has no
    # class for it (a symbol added to the catalogue after training): then nothing can be judged.
    label_rank: int | None
    suspect: bool


UNCHECKED = Judgement(label_rank=None, suspect=False)


def label_rank(scores: npt.NDArray[np.float32], label_index: int) -> int:
    """1 + the number of classes the model scores strictly higher than the label (ties favour the label)."""
    return 1 + int((scores > scores[label_index]).sum())


def judge_scores(scores: npt.NDArray[np.float32], label_index: int | None) -> Judgement:
    if label_index is None:
        return UNCHECKED
    rank = label_rank(scores, label_index)
    return Judgement(label_rank=rank, suspect=rank > SUSPECT_RANK)


def judge_drawing(
    recognizer: Recognizer, catalogue: Catalogue, arrays: Sequence[npt.NDArray[np.float64]], chosen_id: str
) -> Judgement:
    """Render checked strokes exactly as /predict does and judge the label against the model's scores."""
    symbol = catalogue.get(chosen_id)
    labels = recognizer.card.labels
    if symbol is None or symbol.glyph not in labels:
        return UNCHECKED
    image = render.counts_to_input(render.render_point_arrays(arrays))
    scores = recognizer.scores(image[None, None])[0]
    return judge_scores(scores, labels.index(symbol.glyph))
