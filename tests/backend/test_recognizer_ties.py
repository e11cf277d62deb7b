"""Equal scores rank by label index, whatever order numpy's partial sort leaves them in: the server's answer then
equals the offline ranking's (extension) and training.learn.metrics.top_k's."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backend.catalogue import load_catalogue
from backend.recognizer import Recognizer

MODELS = Path(__file__).resolve().parents[2] / "models"


def test_recognizer_rank_breaks_ties_by_label_index() -> None:
    recognizer = Recognizer.load(MODELS, load_catalogue(MODELS / "symbols.json"))
    width = recognizer.label_count
    scores = np.full(width, 1e-6, dtype=np.float32)
    scores[width - 1] = 0.5  # the best, at the highest index
    tied = [width - 2, 7, width // 2, 3, 11]  # five equal scores, listed out of order
    scores[tied] = 0.01
    answer = recognizer.rank(scores, k=4)
    labels = recognizer.card.labels
    expected_ties = sorted(tied)[:3]
    assert [entry["id"] for entry in answer][:1] == [labels[width - 1]]
    tie = float(np.float32(0.01))
    assert [entry["score"] for entry in answer] == [0.5, tie, tie, tie]
    assert [entry["id"] for entry in answer[1:]] == [labels[index] for index in expected_ties]
