"""Start a training from an earlier model's weights instead of random ones.

Why: a catalogue four times larger trains on two CPU cores in the same 90 minutes as before, so every class is
drawn about a quarter as often. Starting from the shipped model keeps what it learnt (the backbone and the classes
it already answers) and spends the budget on the new classes. The transfer measure never starts this way: the
source model has seen the real drawings the measure withholds.

Two sources:
- a run's `best.pt` (or `last.pt`): same architecture, weights copied;
- a shipped float ONNX file (`models/model.float.onnx`): the exporter folded each batch norm into the conv before
  it (W' = W * gamma / sigma, b' = beta - mu * gamma / sigma), so the conv gets W' and its batch norm is set to
  re-create b' exactly in eval mode, with running statistics measured on training images so that train-mode batch
  statistics start where the folded network is (mean m and variance v of W'x per channel: the norm computes
  (W'x - m) / sqrt(v + eps) * sqrt(v + eps) + m + b' = W'x + b').

Classifier rows move by class id: a class the source knew keeps its row, a new class starts with a small random
row and the source's mean bias (so it neither dominates nor vanishes in the first steps).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch


@dataclass
class WarmStart:
    """What carried over: for the run's log and summary."""

    source: str
    classes_kept: int  # classifier rows copied from the source
    classes_new: int  # classes the source did not know
    layers: int  # conv (+ batch norm) layers and the classifier whose weights came from the source
    source_version: str | None = None  # the source model card's version (ONNX) or run name (.pt): the lineage

    def save(self, run_dir: Path) -> None:
        """`warm_start.json` in the run folder: the export copies it into model.json (`training.warm_start`)."""
        (run_dir / "warm_start.json").write_text(json.dumps(dataclasses.asdict(self), indent=1) + "\n")

    def describe(self) -> str:
        return (
            f"warm start from {self.source} ({self.source_version}): {self.layers} layers, {self.classes_kept} "
            f"classes kept, {self.classes_new} new"
        )


def apply(model: torch.nn.Module, classes: list[str], source: Path, images: np.ndarray) -> WarmStart:
    """Load `source`'s weights into `model` (a registered `Sequential` ending in one Linear classifier, built for
    `classes`). `images`: a few thousand training ink counts [N, 32, 32] for the batch-norm statistics of an ONNX
    source."""
    if not source.is_file():
        raise FileNotFoundError(f"--init-from {source}: no such file")
    if source.suffix == ".onnx":
        source_classes, classifier, version = _load_onnx(model, source, images)
    elif source.suffix == ".pt":
        (source_classes, classifier), version = _load_checkpoint(model, source), source.parent.name
    else:
        raise ValueError(f"--init-from {source}: expected a run's .pt checkpoint or a float .onnx model")
    from torch import nn

    kept = _copy_classifier_rows(model, classes, source_classes, *classifier)
    layers = sum(1 for module in model.modules() if isinstance(module, (nn.Conv2d, nn.Linear)))
    return WarmStart(str(source), kept, len(classes) - kept, layers, version)


def source_classes(source: Path) -> list[str]:
    """The classes a source answers, in its output order: a shipped ONNX file's model card labels, a checkpoint's
    classes."""
    if source.suffix == ".onnx":
        return list(_card(source)["labels"])
    import torch

    return list(torch.load(source, map_location="cpu", weights_only=True)["classes"])


def _card(onnx_path: Path) -> dict[str, Any]:
    """The model card beside a shipped ONNX file (its labels are there, not in the graph)."""
    card_path = onnx_path.parent / "model.json"
    if not card_path.is_file():
        raise FileNotFoundError(f"{card_path}: the labels of {onnx_path.name} are in its model card")
    return json.loads(card_path.read_text(encoding="utf-8"))


def _convs(model: torch.nn.Module) -> list[tuple[torch.nn.Conv2d, torch.nn.BatchNorm2d]]:
    """Each conv with the batch norm that follows it, in module order (every registered ResNet pairs them)."""
    from torch import nn

    modules = list(model.modules())
    pairs = []
    for index, module in enumerate(modules):
        if isinstance(module, nn.Conv2d):
            follower = modules[index + 1] if index + 1 < len(modules) else None
            if not isinstance(follower, nn.BatchNorm2d):
                raise ValueError("warm start from ONNX needs every conv followed by a batch norm (a ResNet)")
            pairs.append((module, follower))
    return pairs


def _classifier(model: torch.nn.Module) -> torch.nn.Linear:
    from torch import nn

    last = list(model.children())[-1]
    if not isinstance(last, nn.Linear):
        raise ValueError(f"{type(model).__name__} does not end in a Linear classifier")
    return last


def _load_checkpoint(model: torch.nn.Module, path: Path) -> tuple[list[str], tuple[Any, Any]]:
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    weights = dict(state["model"])
    _classifier(model)  # a clear error for a model without one
    prefix = list(dict(model.named_children()))[-1]  # the classifier's name, as the state dict spells it
    classifier = weights.pop(f"{prefix}.weight"), weights.pop(f"{prefix}.bias")
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if unexpected or set(missing) != {f"{prefix}.weight", f"{prefix}.bias"}:
        raise ValueError(f"{path} is another architecture (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return list(state["classes"]), classifier


def _load_onnx(model: torch.nn.Module, path: Path, images: np.ndarray) -> tuple[list[str], tuple[Any, Any], str | None]:
    import onnx
    import torch
    from onnx import numpy_helper

    from training.learn.validate import as_input

    card = _card(path)
    source_classes = card["labels"]
    graph = onnx.load(str(path)).graph
    tensors = {item.name: torch.from_numpy(numpy_helper.to_array(item).copy()) for item in graph.initializer}
    onnx_convs = [(tensors[node.input[1]], tensors[node.input[2]]) for node in graph.node if node.op_type == "Conv"]
    gemm = [node for node in graph.node if node.op_type == "Gemm"][-1]  # the classifier is the last one
    classifier = tensors[gemm.input[1]], tensors[gemm.input[2]]

    pairs = _convs(model)
    unused = list(onnx_convs)
    folded_bias = []
    with torch.no_grad():
        for conv, norm in pairs:
            # Match by shape, first unused first: the shapes of one block differ, and blocks follow module order.
            match = next((item for item in unused if item[0].shape == conv.weight.shape), None)
            if match is None:
                raise ValueError(f"{path} has no conv of shape {tuple(conv.weight.shape)}: another architecture")
            unused.remove(match)
            conv.weight.copy_(match[0])
            norm.running_mean.zero_()
            norm.running_var.fill_(1.0 - norm.eps)  # identity norm while the statistics are measured
            norm.weight.fill_(1.0)
            norm.bias.copy_(match[1])
            folded_bias.append(match[1])
        if unused:
            raise ValueError(f"{path} has {len(unused)} convs the model lacks: another architecture")

        # Per conv: [count, sum, sum of squares] per channel, over every position of every image.
        sums: dict[int, torch.Tensor] = {}

        def record(index: int) -> Any:
            def hook(_module: Any, _inputs: Any, output: torch.Tensor) -> None:
                channels = output.transpose(0, 1).reshape(output.shape[1], -1).double()
                moments = torch.stack(
                    [torch.full_like(channels[:, 0], channels.shape[1]), channels.sum(1), channels.square().sum(1)]
                )
                sums[index] = sums.get(index, 0) + moments

            return hook

        handles = [conv.register_forward_hook(record(index)) for index, (conv, _) in enumerate(pairs)]
        was_training = model.training
        model.eval()
        try:
            for chunk in np.array_split(images, max(1, len(images) // 512)):
                model(as_input(torch.from_numpy(np.ascontiguousarray(chunk))))
        finally:
            for handle in handles:
                handle.remove()
            model.train(was_training)
        for index, (_conv, norm) in enumerate(pairs):
            count, total, squares = sums[index]
            mean = total / count
            var = (squares / count - mean.square()).clamp_min(0)
            norm.running_mean.copy_(mean.float())
            norm.running_var.copy_(var.float())
            norm.weight.copy_(torch.sqrt(var + norm.eps).float())
            norm.bias.copy_((mean + folded_bias[index].double()).float())
    return source_classes, classifier, card.get("version")


def _copy_classifier_rows(
    model: torch.nn.Module, classes: list[str], source_classes: list[str], weight: Any, bias: Any
) -> int:
    import torch

    linear = _classifier(model)
    if weight.shape[1] != linear.in_features:
        raise ValueError(f"the source's classifier reads {weight.shape[1]} features, the model {linear.in_features}")
    row_of = {name: row for row, name in enumerate(source_classes)}
    kept = 0
    with torch.no_grad():
        linear.weight.mul_(0.1)  # new classes: small rows, so the learnt ones are not drowned at the start
        linear.bias.fill_(float(bias.mean()))
        for index, name in enumerate(classes):
            row = row_of.get(name)
            if row is not None:
                linear.weight[index] = weight[row]
                linear.bias[index] = bias[row]
                kept += 1
    return kept
