"""Warm start: a new model for more classes starts as the source model on the classes both know."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch

from training.learn import models, warm_start
from training.learn.validate import as_input
from training.ship.export import export_onnx, served_model

OLD = ["a", "b", "c", "d"]
NEW = ["b", "new1", "d", "a", "new2"]  # reordered, one dropped ("c"), two new


def trained_looking(name: str, classes: list[str]) -> torch.nn.Module:
    """A model with non-trivial batch norms (random statistics and affine), as a trained one has."""
    torch.manual_seed(3)
    model = models.build(name, len(classes))
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.3, 0.3)
    return model.eval()


def ink(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 17, size=(n, 32, 32), dtype=np.uint8)


def logits_and_features(model: torch.nn.Module, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    layers = list(model.children())
    with torch.no_grad():
        features = torch.nn.Sequential(*layers[:-1])(as_input(torch.from_numpy(images)))
        return layers[-1](features).numpy(), torch.nn.functional.normalize(features, dim=1).numpy()


@pytest.fixture
def shipped(tmp_path: Path) -> tuple[torch.nn.Module, Path]:
    source = trained_looking("resnet_tiny", OLD)
    path = tmp_path / "model.float.onnx"
    export_onnx(served_model(source), path)
    (tmp_path / "model.json").write_text(json.dumps({"labels": OLD, "version": "2026.01.01-resnet_tiny-test"}))
    return source, path


def test_warm_start_from_onnx_reproduces_the_source_in_eval_mode(shipped: tuple[torch.nn.Module, Path]) -> None:
    source, path = shipped
    model = models.build("resnet_tiny", len(NEW))
    summary = warm_start.apply(model, NEW, path, ink(600, seed=1))
    assert (summary.classes_kept, summary.classes_new) == (3, 2)
    assert summary.source_version == "2026.01.01-resnet_tiny-test"
    model.eval()
    images = ink(32, seed=2)
    source_logits, source_features = logits_and_features(source, images)
    logits, features = logits_and_features(model, images)
    # Batch norms unfolded from the ONNX convs: the same features (what the ONNX embedding output gives too)...
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    onnx_features = session.run(["embedding"], {"image": as_input(torch.from_numpy(images)).numpy()})[0]
    np.testing.assert_allclose(features, onnx_features, atol=1e-4)
    np.testing.assert_allclose(features, source_features, atol=1e-4)
    # ... and the same logits for the classes both know, under their new positions.
    for new_index, name in enumerate(NEW):
        if name in OLD:
            np.testing.assert_allclose(logits[:, new_index], source_logits[:, OLD.index(name)], atol=1e-3)


def test_warm_start_from_onnx_measures_batch_statistics(shipped: tuple[torch.nn.Module, Path]) -> None:
    """Train-mode batch norms start near the folded network: running statistics are those of the conv outputs."""
    _, path = shipped
    model = models.build("resnet_tiny", len(NEW))
    warm_start.apply(model, NEW, path, ink(600, seed=1))
    norms = [module for module in model.modules() if isinstance(module, torch.nn.BatchNorm2d)]
    assert all(float(norm.running_var.min()) > 0 for norm in norms)
    assert not any(torch.allclose(norm.running_mean, torch.zeros_like(norm.running_mean)) for norm in norms)
    images = as_input(torch.from_numpy(ink(600, seed=1)))
    model.eval()
    with torch.no_grad():
        eval_mode = model(images)
    # Same images as the statistics: batch statistics equal running ones, so the two modes agree (dropout aside).
    model.train()
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.eval()
    with torch.no_grad():
        train_mode = model(images)
    np.testing.assert_allclose(train_mode.numpy(), eval_mode.numpy(), atol=2e-3)


@pytest.mark.parametrize("name", ["resnet_tiny", "lenet5"])  # lenet5: three Linear layers, the last one classifies
def test_warm_start_from_checkpoint_moves_classifier_rows(tmp_path: Path, name: str) -> None:
    source = trained_looking(name, OLD)
    path = tmp_path / "best.pt"
    torch.save({"classes": OLD, "model": source.state_dict()}, path)
    model = models.build(name, len(NEW))
    summary = warm_start.apply(model, NEW, path, ink(8))
    assert (summary.classes_kept, summary.classes_new) == (3, 2)
    source_linear, linear = list(source.children())[-1], list(model.children())[-1]
    assert torch.equal(linear.weight[NEW.index("d")], source_linear.weight[OLD.index("d")])
    assert not any(torch.equal(linear.weight[NEW.index("new1")], row) for row in source_linear.weight)
    new_bias, source_bias = float(linear.bias[NEW.index("new2")].detach()), float(source_linear.bias.mean().detach())
    assert new_bias == pytest.approx(source_bias, abs=1e-6)


def test_warm_start_rejects_another_architecture(shipped: tuple[torch.nn.Module, Path], tmp_path: Path) -> None:
    _, path = shipped
    with pytest.raises(ValueError, match="another architecture"):
        warm_start.apply(models.build("resnet_small", len(NEW)), NEW, path, ink(8))
    with pytest.raises(FileNotFoundError):
        warm_start.apply(models.build("resnet_tiny", len(NEW)), NEW, tmp_path / "absent.onnx", ink(8))
