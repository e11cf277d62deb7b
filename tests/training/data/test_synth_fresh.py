"""Fresh synthetic samples: templates stored flat and read back unchanged, new drawings every epoch that are
repeatable for the same (seed, epoch), and a trainer that really replaces its synthetic rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.training.tiny_trainset import train_tiny_run
from training.data.synth.fresh import FreshSynthesis, draw_epoch
from training.data.synth.template_store import load_templates, save_templates
from training.learn import trainset


def _square() -> list[np.ndarray]:
    return [np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], dtype=np.float64)]


def _cross() -> list[np.ndarray]:
    return [np.array([[0, 0], [10, 10]], dtype=np.float64), np.array([[10, 0], [0, 10]], dtype=np.float64)]


def test_template_store_round_trip_keeps_classes_templates_and_points(tmp_path: Path) -> None:
    per_class = [[_square(), _cross()], [], [_cross()]]
    save_templates(tmp_path / "t.npz", per_class)
    loaded = load_templates(tmp_path / "t.npz")
    assert [len(own) for own in loaded] == [2, 0, 1]
    for expected_class, loaded_class in zip(per_class, loaded, strict=True):
        for expected, got in zip(expected_class, loaded_class, strict=True):
            assert len(expected) == len(got)
            for a, b in zip(expected, got, strict=True):
                np.testing.assert_allclose(a, b)


def test_template_store_with_no_templates_at_all_loads_empty_classes(tmp_path: Path) -> None:
    save_templates(tmp_path / "t.npz", [[], []])
    assert load_templates(tmp_path / "t.npz") == [[], []]


def test_draw_epoch_is_repeatable_and_differs_between_epochs() -> None:
    templates = [[_square()], [_cross()]]
    labels = np.array([0, 0, 1, 1, 0])
    first = draw_epoch(templates, labels, seed=3, epoch=1)
    assert first.shape == (5, 32, 32) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, draw_epoch(templates, labels, seed=3, epoch=1))
    assert (first != draw_epoch(templates, labels, seed=3, epoch=2)).any()
    assert all(image.sum() > 0 for image in first)


def test_draw_epoch_class_without_templates_stays_blank() -> None:
    images = draw_epoch([[], [_cross()]], np.array([0, 1]), seed=0, epoch=1)
    assert images[0].sum() == 0 and images[1].sum() > 0


def test_fresh_synthesis_worker_draws_what_draw_epoch_draws() -> None:
    templates = [[_square()], [_cross()]]
    labels = np.array([1, 0, 1])
    with FreshSynthesis(templates, labels, seed=5) as fresh:
        fresh.request(2)
        images = fresh.take(2, timeout_s=120)
        with pytest.raises(RuntimeError, match="no fresh synthetic samples were requested"):
            fresh.take(3)
    np.testing.assert_array_equal(images, draw_epoch(templates, labels, seed=5, epoch=2))


PARENT_THAT_DIES = """
import os, time
import numpy as np
from training.data.synth.fresh import FreshSynthesis
square = [np.array([[0, 0], [10, 0], [10, 10]], dtype=np.float64)]
fresh = FreshSynthesis([[square]], np.zeros(200_000, dtype=np.int64), seed=1)
fresh.request(0)  # minutes of drawing: the worker is busy when its trainer dies
time.sleep(5)
print(fresh._pool._pool[0].pid, flush=True)
os.kill(os.getpid(), 9)  # a trainer killed outright: no atexit, no pool clean-up
"""


def test_fresh_synthesis_worker_leaves_when_its_trainer_is_killed() -> None:
    import os
    import subprocess
    import sys
    import time

    repo = Path(__file__).resolve().parents[3]
    parent = subprocess.run(
        [sys.executable, "-c", PARENT_THAT_DIES], cwd=repo, capture_output=True, text=True, timeout=180
    )
    worker = int(parent.stdout.split()[0])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.kill(worker, 9)
    pytest.fail(f"the fresh-synthesis worker {worker} outlived its killed trainer by 30 s")


@pytest.mark.slow
def test_train_draws_new_synthetic_rows_after_the_first_epoch(tmp_path: Path, dataset: Path) -> None:
    before = trainset.load(dataset).images.copy()
    run = train_tiny_run(tmp_path, dataset, model="lenet5", epochs=2)
    history = json.loads((run / "history.json").read_text())
    assert [row["fresh_synthetic"] for row in history] == [False, True]
    # The run changed its own in-memory copy only: the training set on disk is untouched.
    np.testing.assert_array_equal(trainset.load(dataset).images, before)
