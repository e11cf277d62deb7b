"""Checkpoints: what best.pt keeps is what both trainers (train.py, head_fit.py) describe a model with."""

from __future__ import annotations

import torch

from training.learn import checkpoint


def test_described_model_holds_exactly_what_best_pt_keeps() -> None:
    model = torch.nn.Linear(3, 2)
    state = checkpoint.described_model("lenet5", ["a", "b"], {"epochs": 1}, model, [{"epoch": 1}], 0)
    assert tuple(state) == checkpoint.BEST_KEYS
    assert state["format"] == checkpoint.FORMAT and state["classes"] == ["a", "b"] and state["epoch"] == 0
    torch.testing.assert_close(state["model"]["weight"], model.weight.detach())
