"""Domain-adversarial training (training/learn/domain.py): the reversal ramp, which classes take part, the reversed
gradient, the adversary's loss, and a real run with the adversary that checkpoints, resumes and exports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.training.tiny_trainset import train_tiny_run
from training.learn import models
from training.learn.domain import (
    DomainConfig,
    adversary_loss,
    build_adversary,
    mixed_classes,
    reversal_strength,
    with_adversary,
)
from training.ship.export import load_checkpoint


def test_reversal_strength_ramps_from_zero_to_the_weight() -> None:
    config = DomainConfig(weight=0.4)
    values = [reversal_strength(p / 20, config) for p in range(21)]
    assert values[0] == 0.0
    assert all(b > a for a, b in zip(values, values[1:], strict=False))
    assert values[-1] == pytest.approx(0.4, rel=1e-3)
    assert reversal_strength(0.5, config) > 0.9 * 0.4  # Ganin's ramp is nearly full by half-way
    assert reversal_strength(-1.0, config) == 0.0 and reversal_strength(2.0, config) == values[-1]


@pytest.mark.parametrize(("fields", "message"), [({"weight": -0.1}, ">= 0"), ({"hidden": 0}, "at least one")])
def test_domain_config_rejects_bad_values(fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DomainConfig(**fields)


def test_mixed_classes_are_those_with_real_and_synthetic_rows() -> None:
    labels = np.array([0, 0, 1, 1, 2, 3], dtype=np.int64)
    synthetic = np.array([False, True, True, True, False, False])
    # 0 both, 1 synthetic only, 2 and 3 real only, 4 no rows at all.
    assert mixed_classes(labels, synthetic, 5).tolist() == [True, False, False, False, False]


def test_adversary_reverses_the_gradient_reaching_the_features_and_not_its_own() -> None:
    torch.manual_seed(0)
    adversary = build_adversary(6, 3, DomainConfig(weight=1.0, hidden=5, class_embedding=2))
    features = torch.randn(4, 6, requires_grad=True)
    labels = torch.tensor([0, 1, 2, 0])

    def gradients(strength: float) -> tuple[torch.Tensor, torch.Tensor]:
        features.grad = None
        adversary.zero_grad()
        adversary(features, labels, strength).sum().backward()
        return features.grad.clone(), adversary.head[0].weight.grad.clone()

    plain_features, plain_own = gradients(-1.0)  # strength -1: the reversal multiplies by +1, a plain backward
    reversed_features, reversed_own = gradients(0.25)
    assert torch.allclose(reversed_features, -0.25 * plain_features)
    assert torch.allclose(reversed_own, plain_own)  # the adversary itself still learns to tell the domains apart
    assert plain_features.abs().sum() > 0


def test_adversary_loss_counts_only_the_rows_taking_part() -> None:
    logits = torch.tensor([4.0, -4.0, 0.0, 9.0], requires_grad=True)
    synthetic = torch.tensor([True, False, True, False])
    taking_part = torch.tensor([True, True, False, False])
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits[:2], torch.tensor([1.0, 0.0]))
    assert torch.allclose(adversary_loss(logits, synthetic, taking_part), expected)
    nobody = adversary_loss(logits, synthetic, torch.zeros(4, dtype=torch.bool))
    assert float(nobody.detach()) == 0.0
    nobody.backward()  # still part of the graph: a batch without mixed classes must not break the step
    assert float(logits.grad.abs().sum()) == 0.0


def test_with_adversary_gives_the_models_own_logits() -> None:
    torch.manual_seed(0)
    model = models.build("resnet_tiny", 6).eval()
    adversary = build_adversary(model[-1].in_features, 6, DomainConfig(weight=1.0)).eval()
    x = torch.rand(3, 1, 32, 32)
    logits, domain_logits = with_adversary(model, adversary)(x, torch.tensor([0, 1, 2]), 0.5)
    assert torch.allclose(logits, model(x))
    assert domain_logits.shape == (3,)


@pytest.mark.slow
def test_train_with_the_adversary_records_it_resumes_and_exports_the_bare_model(tmp_path: Path, dataset: Path) -> None:
    run = train_tiny_run(tmp_path, dataset, model="lenet5", epochs=2, name="domain", domain_weight=0.5)
    history = json.loads((run / "history.json").read_text())
    assert all(0.0 < row["domain_loss"] < 2.0 for row in history)
    last = torch.load(run / "last.pt", map_location="cpu", weights_only=True)
    assert set(last["adversary"]) >= {"embed.weight", "head.0.weight", "head.2.bias"}
    # best.pt holds the classifier alone: export and distillation load it as a plain registered model.
    net, state = load_checkpoint(run)
    assert not any(key.startswith("adversary") for key in state["model"])
    assert net(torch.zeros(1, 1, 32, 32)).shape == (1, len(state["classes"]))
    resumed = train_tiny_run(tmp_path, dataset, model="lenet5", epochs=3, name="domain", domain_weight=0.5, resume=True)
    history = json.loads((resumed / "history.json").read_text())
    assert [row["epoch"] for row in history] == [1, 2, 3]
    assert "domain_loss" in history[-1]
