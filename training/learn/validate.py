"""Scoring a model on a split of the training set: logits in eval mode, the loss and top-1/top-5 per source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from training.learn import trainset

if TYPE_CHECKING:
    import torch


def as_input(counts: torch.Tensor) -> torch.Tensor:
    """uint8 ink counts [N, 32, 32] -> the model's float input [N, 1, 32, 32] (counts / 16, as the server)."""
    return counts.float().div_(16).unsqueeze(1)


def predict_logits(
    model: torch.nn.Module,
    images: np.ndarray,
    batch_size: int,
    device: torch.device,
    autocast: torch.dtype | None = None,
    channels_last: bool = False,
) -> np.ndarray:
    """Logits float32 [N, C] for uint8 counts [N, 32, 32], in eval mode without gradients."""
    import torch

    model.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            batch = torch.from_numpy(np.asarray(images[start : start + batch_size])).to(device)
            x = as_input(batch)
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=autocast or torch.float32, enabled=autocast is not None):
                outputs.append(model(x).float().cpu().numpy())
    if not outputs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(outputs)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def cross_entropy(probabilities: np.ndarray, labels: np.ndarray, smoothing: float) -> float:
    """The training loss (label-smoothed cross-entropy) on held-back data, for the curves."""
    log_p = np.log(np.clip(probabilities, 1e-12, None))
    nll = -log_p[np.arange(len(labels)), labels]
    return float(((1 - smoothing) * nll - smoothing * log_p.mean(axis=1)).mean())


def split_metrics(
    data: trainset.TrainSet,
    split: int,
    model: torch.nn.Module,
    batch_size: int,
    device: torch.device,
    autocast: torch.dtype | None,
    channels_last: bool,
    label_smoothing: float,
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """(top-1/top-5/loss overall and per source, the probabilities, the rows) of one split."""
    from training.learn import metrics

    indices = data.indices(split)
    logits = predict_logits(model, data.images[indices], batch_size, device, autocast, channels_last)
    labels = data.labels[indices]
    if len(indices) == 0:
        return {"n": 0, "top1": None, "top5": None, "loss": None}, logits, indices
    probabilities = softmax(logits)
    ranks = metrics.hits(probabilities, labels)
    result = metrics.accuracy(ranks)
    result["loss"] = cross_entropy(probabilities, labels, label_smoothing)
    sources = data.sources
    result["by_source"] = metrics.accuracy_by(ranks, [sources[s] for s in data.source[indices]])
    return result, probabilities, indices
