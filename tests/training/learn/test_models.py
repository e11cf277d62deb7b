"""Every registered CNN: builds, runs forward on 1x32x32 input, counts its parameters and FLOPs."""

from __future__ import annotations

import pytest
import torch

from training.learn import models


@pytest.mark.parametrize("name", sorted(models.MODELS))
def test_model_forward_gives_one_logit_per_class(name: str) -> None:
    model = models.build(name, num_classes=17).eval()
    with torch.no_grad():
        logits = model(torch.rand(3, *models.INPUT_SHAPE))
    assert logits.shape == (3, 17)
    assert torch.isfinite(logits).all()


@pytest.mark.parametrize("name", sorted(set(models.MODELS) - models.OVER_BUDGET))
def test_model_size_fits_the_shipping_budget(name: str) -> None:
    model = models.build(name, num_classes=1200)
    # The ONNX file stores float32 weights: 1.2M parameters are about 4.8 MB, the shipping limit is 5 MB.
    assert 10_000 < models.count_parameters(model) <= 1_200_000
    assert models.count_flops(model) > 0


def test_model_over_budget_models_are_larger_than_the_shipped_one() -> None:
    shipped = models.build("resnet_small", num_classes=1200)
    for name in models.OVER_BUDGET:
        teacher = models.build(name, num_classes=1200)
        assert models.count_parameters(teacher) > 2 * models.count_parameters(shipped)
        assert models.count_flops(teacher) > 2 * models.count_flops(shipped)


def test_count_flops_matches_hand_count_for_lenet5() -> None:
    model = models.build("lenet5", num_classes=10)
    conv1 = 2 * 28 * 28 * 6 * 25
    conv2 = 2 * 10 * 10 * 16 * 6 * 25
    dense = 2 * (400 * 120 + 120 * 84 + 84 * 10)
    assert models.count_flops(model) == conv1 + conv2 + dense


def test_count_parameters_matches_hand_count_for_lenet5() -> None:
    model = models.build("lenet5", num_classes=10)
    expected = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10)
    assert models.count_parameters(model) == expected


def test_build_unknown_model_names_the_registered_ones() -> None:
    with pytest.raises(ValueError, match="resnet_small"):
        models.build("vgg99", num_classes=10)


def test_build_with_one_class_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 classes"):
        models.build("lenet5", num_classes=1)


def test_main_prints_every_model(capsys: pytest.CaptureFixture[str]) -> None:
    models.main(["--classes", "100"])
    out = capsys.readouterr().out
    for name in models.MODELS:
        assert name in out
