"""The CNNs TeXSketch can train, found by name: `MODELS[name](num_classes)` builds one for 1x32x32 input.

Every model takes ink images `[N, 1, 32, 32]` (values in [0, 1], see `backend.render`) and returns logits
`[N, num_classes]`; the export wraps them with softmax. Tests run every registered model forward and
through the ONNX export, so a new entry here is tested without further work.

`python -m training.learn.models` (`make models`) prints each model with its parameter count and FLOPs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch import nn

INPUT_SHAPE = (1, 32, 32)


def lenet5(num_classes: int) -> nn.Module:
    """LeNet-5 as in LeCun et al. 1998 (two 5x5 conv + pool stages, three dense layers), with ReLU and max-pool.

    The classic baseline: small, fast, and a floor that a better model must clearly beat.
    """
    from torch import nn

    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5),  # 32 -> 28
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),  # 28 -> 14
        nn.Conv2d(6, 16, kernel_size=5),  # 14 -> 10
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),  # 10 -> 5
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(inplace=True),
        nn.Linear(120, 84),
        nn.ReLU(inplace=True),
        nn.Linear(84, num_classes),
    )


def _conv_bn(in_channels: int, out_channels: int, stride: int = 1) -> list[nn.Module]:
    from torch import nn

    return [
        nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
    ]


def _residual_block(in_channels: int, out_channels: int, stride: int) -> nn.Module:
    """A ResNet basic block (two 3x3 conv + batch norm, identity or 1x1 projection shortcut)."""
    import torch
    from torch import nn

    class BasicBlock(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(
                *_conv_bn(in_channels, out_channels, stride),
                nn.ReLU(inplace=True),
                *_conv_bn(out_channels, out_channels),
            )
            self.shortcut: nn.Module = nn.Identity()
            if stride != 1 or in_channels != out_channels:
                self.shortcut = nn.Sequential(
                    nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                    nn.BatchNorm2d(out_channels),
                )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.relu(self.body(x) + self.shortcut(x))

    return BasicBlock()


def _resnet(num_classes: int, stem: int, widths: tuple[int, int, int], dropout: float) -> nn.Module:
    """A compact ResNet for 32x32 ink: one conv at full resolution, max-pool, then one residual block per
    resolution (16x16, 8x8, 4x4), global average pooling and one linear classifier.

    Strokes are thin (about 1.75 pixels), so the stem sees them at 32x32 before any downsampling; after
    that, one block per resolution keeps the FLOPs low enough for training on two CPU cores (measured:
    two blocks per stage halved the throughput for little gain in short runs).
    """
    from torch import nn

    layers: list[nn.Module] = [*_conv_bn(1, stem), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
    in_channels = stem
    for index, width in enumerate(widths):
        layers.append(_residual_block(in_channels, width, stride=1 if index == 0 else 2))
        in_channels = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(in_channels, num_classes)]
    model = nn.Sequential(*layers)
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
    return model


def resnet_small(num_classes: int) -> nn.Module:
    """The shipped default: 24 -> 48 -> 96 -> 192 channels, about 0.9M parameters and 50 MFLOPs with 1,100
    classes; a few hundred training images/s on two CPU cores, about 0.2 ms per sample at inference."""
    return _resnet(num_classes, stem=24, widths=(48, 96, 192), dropout=0.2)


def resnet_tiny(num_classes: int) -> nn.Module:
    """Two thirds of `resnet_small`'s width (less than half its FLOPs): for quick runs and smoke tests."""
    return _resnet(num_classes, stem=16, widths=(32, 64, 128), dropout=0.1)


def resnet_wide(num_classes: int) -> nn.Module:
    """Twice `resnet_small`'s width (about 4x its FLOPs, 3.1M parameters): the bigger configuration for a GPU
    run, to measure whether capacity limits accuracy; too slow to ship under the 0.5 ms budget."""
    return _resnet(num_classes, stem=48, widths=(96, 192, 384), dropout=0.3)


MODELS: dict[str, Callable[[int], nn.Module]] = {
    "lenet5": lenet5,
    "resnet_tiny": resnet_tiny,
    "resnet_small": resnet_small,
    "resnet_wide": resnet_wide,
}
# Registered for GPU runs only: over the shipping budget of size or speed (`make train-export` would not ship it).
OVER_BUDGET = frozenset({"resnet_wide"})


def build(name: str, num_classes: int) -> nn.Module:
    """The model registered as `name`, with a clear error for an unknown name."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; registered: {', '.join(MODELS)}")
    if num_classes < 2:
        raise ValueError(f"a classifier needs at least 2 classes, got {num_classes}")
    return MODELS[name](num_classes)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def count_flops(model: nn.Module) -> int:
    """Multiply-accumulate operations x 2 for one 1x32x32 input, counted with forward hooks on the layers
    that do the arithmetic (convolutions and linear layers; batch norm, ReLU and pooling are ignored)."""
    import torch
    from torch import nn

    total = 0

    def conv_hook(module: nn.Conv2d, _inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal total
        kernel_ops = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        total += 2 * output[0].numel() * kernel_ops

    def linear_hook(module: nn.Linear, _inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal total
        total += 2 * module.in_features * module.out_features

    handles = []
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            handles.append(module.register_forward_hook(conv_hook))
        elif isinstance(module, nn.Linear):
            handles.append(module.register_forward_hook(linear_hook))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            first = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
            model(torch.zeros(1, first.in_channels, *INPUT_SHAPE[1:]))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="List the registered CNNs with parameter count and FLOPs.")
    parser.add_argument("--classes", type=int, default=1100, help="output width to size the classifier for")
    args = parser.parse_args(argv)
    print(f"{'model':<14} {'parameters':>12} {'MFLOPs':>9}   (1x32x32 input, {args.classes} classes)")
    for name in MODELS:
        model = build(name, args.classes)
        print(f"{name:<14} {count_parameters(model):>12,} {count_flops(model) / 1e6:>9.1f}")


if __name__ == "__main__":
    main()
