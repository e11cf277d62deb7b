"""The ranking that prior_strength measures: glyph groups scored by their best label, as the server shows them."""

from __future__ import annotations

import numpy as np

from training.measure.prior_strength import accuracy, glyph_ranks


def test_glyph_ranks_score_each_group_by_its_best_label():
    # Labels 0 and 1 are one glyph (merged look-alikes), label 2 another, label 3 a third.
    glyph_of_label = np.array([0, 0, 1, 2])
    scores = np.array(
        [
            [0.30, 0.25, 0.35, 0.10],  # glyph 0 has 0.55 in all, but the server ranks by its best label: 2nd
            [0.05, 0.60, 0.20, 0.15],  # glyph 0 first through its second label
            [0.10, 0.10, 0.30, 0.50],
        ],
        dtype=np.float32,
    )
    truth = np.array([0, 0, 1])
    assert glyph_ranks(scores, glyph_of_label, truth, groups=3).tolist() == [1, 0, 1]


def test_accuracy_counts_top1_and_top5():
    result = accuracy(np.array([0, 0, 4, 5]))
    assert result == {"n": 4, "top1": 0.5, "top5": 0.75}
