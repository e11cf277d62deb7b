"""`make eval-personal`'s simulation (training/eval_personal.py) on small hand-made writers: which drawings
become examples under each policy, and before/after counting."""

import numpy as np

from backend.personal_blend import DEFAULT_PARAMETERS
from training.eval_personal import WriterData, corrections, score, tuning_half

LABELS = [f"c{i}" for i in range(30)]


def writer(truths, model_top, group="w"):
    """Drawings whose model puts class `model_top[i]` first (0.5) and the true class second (0.3); each class
    has its own embedding direction, so drawings of one class are near each other."""
    n = len(truths)
    scores = np.full((n, len(LABELS)), 0.2 / (len(LABELS) - 2), dtype=np.float32)
    embeddings = np.zeros((n, 8), dtype=np.float32)
    for i, (truth, top) in enumerate(zip(truths, model_top, strict=True)):
        scores[i, top] = 0.5
        if truth != top:
            scores[i, truth] = 0.3
        embeddings[i, truth % 8] = 1.0
    return WriterData(group, scores, embeddings, np.array(truths, dtype=np.int64))


def test_eval_personal_as_shipped_records_only_picks_from_place_two_to_five():
    w = writer([1, 2, 1, 1], [1, 3, 4, 4])  # drawing 0 right (nothing to record), 1 wrong (picked from place 2)
    assert corrections(w, 2, "as shipped", LABELS, DEFAULT_PARAMETERS) == [1]
    assert corrections(w, 2, "every drawing", LABELS, DEFAULT_PARAMETERS) == [0, 1]


def test_eval_personal_a_correction_fixes_the_same_confusion_later():
    w = writer([1, 1, 1, 1], [4, 4, 4, 4])  # the model always says c4 for this writer's c1
    tally = score([w], 1, "as shipped", LABELS, DEFAULT_PARAMETERS)
    assert (tally.n, tally.examples, tally.top1_before, tally.top1_after) == (3, 1, 0, 3)
    assert tally.changed == {"fixed": 3, "broken": 0}


def test_eval_personal_a_writer_who_never_corrects_gets_the_model_answer():
    w = writer([1, 2, 3, 1], [4, 2, 3, 1])
    tally = score([w], 0, "as shipped", LABELS, DEFAULT_PARAMETERS)
    assert (tally.n, tally.top1_before, tally.top1_after, tally.top5_before, tally.top5_after) == (4, 3, 3, 4, 4)


def test_eval_personal_writers_without_a_rest_are_left_out():
    tally = score([writer([1, 2], [1, 2])], 3, "every drawing", LABELS, DEFAULT_PARAMETERS)
    assert (tally.writers, tally.n) == (0, 0)


def test_eval_personal_tuning_half_is_fixed_by_the_group_key():
    halves = [tuning_half(f"writer:{i}") for i in range(200)]
    assert halves == [tuning_half(f"writer:{i}") for i in range(200)]
    assert 70 < sum(halves) < 130
