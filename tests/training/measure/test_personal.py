"""`make eval-personal`'s simulation (training/measure/personal.py) on small hand-made writers: which drawings
become examples under each policy, and before/after counting."""

import numpy as np

from backend.personal_blend import DEFAULT_PARAMETERS
from training.measure.personal import WriterData, corrections, score, tuning_half

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


def test_eval_personal_reads_the_embedding_output_or_the_classifier_input(tmp_path):
    from tests.backend.model_fixtures import SYMBOLS, glyph_labels, write_catalogue, write_model
    from training.measure.personal import ModelOutputs

    counts = np.random.default_rng(0).integers(0, 17, (3, 32, 32)).astype(np.uint8)
    with_output, without = tmp_path / "with", tmp_path / "without"
    for folder, size in ((with_output, 12), (without, None)):
        write_catalogue(folder)
        write_model(folder, glyph_labels(SYMBOLS), embedding_size=size)
    outputs = ModelOutputs(with_output, threads=1)
    scores, embeddings = outputs.run(counts, batch_size=2)
    assert "`embedding` output" in outputs.embedding_source
    assert scores.shape == (3, len(glyph_labels(SYMBOLS))) and embeddings.shape == (3, 12)
    derived = ModelOutputs(without, threads=1)
    _, flat = derived.run(counts, batch_size=2)
    assert "classifier input" in derived.embedding_source
    assert flat.shape == (3, 32 * 32)  # the fixture classifier reads the flattened image
    np.testing.assert_allclose(np.linalg.norm(flat, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-6)
