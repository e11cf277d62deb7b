"""Knowledge distillation (training/learn/distill.py): the loss rule, the teacher's checks, and a student that learns
from the teacher's answers rather than from the labels when told to."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.training.tiny_trainset import train_tiny_run
from training.learn import models, trainset
from training.learn.distill import DistillConfig, Teacher, distillation_loss
from training.ship.export import load_checkpoint

CATALOGUE = Path(__file__).resolve().parents[3] / "models" / "symbols.json"


def _logits(seed: int, rows: int = 8, classes: int = 6) -> torch.Tensor:
    return torch.randn(rows, classes, generator=torch.Generator().manual_seed(seed)) * 3


def test_distillation_loss_weight_zero_is_the_label_loss() -> None:
    student, labels = _logits(0), torch.arange(8) % 6
    soft = torch.softmax(_logits(1), dim=1)
    config = DistillConfig(runs=("t",), weight=0.0)
    expected = F.cross_entropy(student, labels, label_smoothing=0.1)
    assert torch.allclose(distillation_loss(student, labels, soft, config, 0.1), expected)


def test_distillation_loss_soft_term_is_temperature_scaled_kl_and_zero_when_answers_agree() -> None:
    teacher, student, labels = _logits(1), _logits(2), torch.zeros(8, dtype=torch.long)
    config = DistillConfig(runs=("t",), weight=1.0, temperature=3.0)
    soft = torch.softmax(teacher / 3.0, dim=1)
    # Written out: sum p_t (log p_t - log p_s), averaged over the batch, times T^2.
    log_student = torch.log_softmax(student / 3.0, dim=1)
    by_hand = (soft * (soft.log() - log_student)).sum(dim=1).mean() * 9.0
    assert torch.allclose(distillation_loss(student, labels, soft, config, 0.0), by_hand, atol=1e-5)
    assert float(distillation_loss(teacher, labels, soft, config, 0.0)) == pytest.approx(0.0, abs=1e-5)
    assert float(by_hand) > 0.1


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"runs": ()}, "at least one"), ({"weight": 1.5}, "outside"), ({"temperature": 0.0}, "positive")],
)
def test_distill_config_rejects_bad_values(fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DistillConfig(**{"runs": ("t",), **fields})


def _permuted_teacher(run_dir: Path, folder: Path, shift: int) -> tuple[Path, int]:
    """A copy of `run_dir` whose classifier answers class (c + shift) mod n where the original answers c."""
    state = torch.load(run_dir / "best.pt", map_location="cpu", weights_only=True)
    keys = [k for k in state["model"] if k.endswith(".weight") or k.endswith(".bias")]
    weight_key, bias_key = keys[-2], keys[-1]  # the last Linear layer
    for key in (weight_key, bias_key):
        state["model"][key] = torch.roll(state["model"][key], shifts=shift, dims=0)
    folder.mkdir(parents=True)
    torch.save(state, folder / "best.pt")
    return folder, len(state["classes"])


def test_teacher_refuses_a_run_on_other_classes(run_dir: Path) -> None:
    _, state = load_checkpoint(run_dir)
    other = [*state["classes"][:-1], "latex2e-OT1-_aleph"]
    with pytest.raises(ValueError, match="same training set"):
        Teacher(DistillConfig(runs=(str(run_dir),)), other, torch.device("cpu"), channels_last=False)


@pytest.mark.slow
def test_train_with_a_teacher_learns_the_teachers_answers_not_the_labels(
    tmp_path: Path, dataset: Path, run_dir: Path
) -> None:
    # The teacher knows the tiny set well but names every class one place further on. A student taught by it
    # alone (weight 1) must answer like it; one taught by the labels alone (weight 0) must not.
    teacher, classes = _permuted_teacher(run_dir, tmp_path / "teacher", shift=1)
    data = trainset.load(dataset)
    images = torch.from_numpy(data.images[data.indices(trainset.TRAIN)]).float().div(16).unsqueeze(1)
    labels = data.labels[data.indices(trainset.TRAIN)]

    def student_answers(weight: float, name: str) -> np.ndarray:
        folder = train_tiny_run(
            tmp_path, dataset, name=name, teacher=str(teacher), distill_weight=weight, distill_temperature=2.0
        )
        assert json.loads((folder / "config.json").read_text())["teacher"] == str(teacher)
        # The last epoch, not best.pt: "best" is judged against the labels, which the taught student must ignore.
        state = torch.load(folder / "last.pt", map_location="cpu", weights_only=True)
        model = models.build(state["model_name"], len(state["classes"]))
        model.load_state_dict(state["model"])
        model.eval()
        with torch.no_grad():
            return model(images).argmax(1).numpy()

    taught = student_answers(1.0, "taught")
    labelled = student_answers(0.0, "labelled")
    shifted = (labels + 1) % classes
    assert np.mean(taught == shifted) >= 0.8
    assert np.mean(labelled == shifted) <= 0.3
    assert np.mean(labelled == labels) >= 0.8


def test_regrouped_columns_adds_merged_outputs_into_their_group() -> None:
    from training.learn.distill import regrouped_columns

    teacher = ["latex2e-OT1-_ast", "latex2e-OT1-+", "textcomp-OT1-_textasteriskcentered"]
    student = ["latex2e-OT1-+", "latex2e-OT1-_ast"]  # the asterisks are one group today
    assert regrouped_columns(teacher, student, CATALOGUE, "t") == [1, 0, 1]
    with pytest.raises(ValueError, match="1 student classes no teacher output"):
        regrouped_columns(teacher[:2], [*student, "latex2e-OT1--"], CATALOGUE, "t")
    with pytest.raises(ValueError, match="1 of its classes have no student class"):
        regrouped_columns([*teacher, "latex2e-OT1--"], student, CATALOGUE, "t")


def test_teacher_trained_before_a_regrouping_sums_the_merged_probabilities(tmp_path: Path, run_dir: Path) -> None:
    # The tiny run's classes with `<` and `>` declared one group: its soft targets for the student add up the two.
    catalogue = json.loads(CATALOGUE.read_text())
    for entry in catalogue["symbols"]:
        if entry["glyph"] == "latex2e-OT1->":
            entry["glyph"] = "latex2e-OT1-<"
    regrouped = tmp_path / "symbols.json"
    regrouped.write_text(json.dumps(catalogue))
    _, state = load_checkpoint(run_dir)
    teacher_classes = list(state["classes"])
    student = [c for c in teacher_classes if c != "latex2e-OT1->"]
    config = DistillConfig(runs=(str(run_dir),), temperature=2.0)
    cpu = torch.device("cpu")
    plain = Teacher(config, teacher_classes, cpu, channels_last=False)
    merged = Teacher(config, student, cpu, channels_last=False, catalogue_path=regrouped)
    images = torch.rand(5, 1, 32, 32)
    full, summed = plain.soft_targets(images), merged.soft_targets(images)
    less, greater = teacher_classes.index("latex2e-OT1-<"), teacher_classes.index("latex2e-OT1->")
    assert summed.shape == (5, len(student))
    assert torch.allclose(summed[:, student.index("latex2e-OT1-<")], full[:, less] + full[:, greater])
    assert torch.allclose(summed.sum(dim=1), torch.ones(5), atol=1e-5)
