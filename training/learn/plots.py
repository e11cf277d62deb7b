"""The PNG plots a training run leaves in its folder: training curves, most confused pairs, hardest samples.

Each function takes plain data (history rows, numpy arrays, class ids) and writes one file, so they can be
called on any run's outputs; matplotlib is imported inside them with the file-only Agg backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


def short_name(class_id: str) -> str:
    """`latex2e-OT1-_alpha` -> `\\alpha` (package prefix dropped): readable plot labels."""
    parts = class_id.split("-", 2)
    command = parts[2] if len(parts) == 3 else class_id
    return "\\" + command[1:] if command.startswith("_") else command


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # LaTeX commands in titles are plain text here, not mathtext.
    plt.rcParams["text.usetex"] = False
    plt.rcParams["text.parse_math"] = False
    return plt


def training_curves(history: list[dict[str, Any]], path: Path) -> None:
    """Loss, validation top-1/top-5 and learning rate per epoch."""
    plt = _pyplot()
    epochs = [row["epoch"] for row in history]
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    axes[0].plot(epochs, [row["train_loss"] for row in history], marker="o", label="train")
    axes[0].plot(epochs, [row["val_loss"] for row in history], marker="o", label="validation")
    axes[0].set_title("loss (label-smoothed cross-entropy)")
    axes[0].legend()
    axes[1].plot(epochs, [100 * row["val_top1"] for row in history], marker="o", label="top-1")
    axes[1].plot(epochs, [100 * row["val_top5"] for row in history], marker="o", label="top-5")
    axes[1].set_title("validation accuracy (%)")
    axes[1].legend()
    axes[2].plot(epochs, [row["lr"] for row in history], marker="o")
    axes[2].set_title("learning rate at epoch end")
    for axis in axes:
        axis.set_xlabel("epoch")
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def confused_pairs(
    pairs: list[tuple[int, int, int]],
    images: npt.NDArray[np.uint8],
    labels: npt.NDArray[np.int64],
    predicted: npt.NDArray[np.int64],
    classes: list[str],
    path: Path,
) -> None:
    """One row per confused pair: an example of the mistake next to 'true -> predicted (count)'."""
    plt = _pyplot()
    rows = max(1, len(pairs))
    figure, axes = plt.subplots(
        rows, 2, figsize=(5.5, 0.75 * rows + 0.6), squeeze=False, gridspec_kw={"width_ratios": [1, 5]}
    )
    for row, (true, pred, count) in enumerate(pairs):
        example = np.flatnonzero((labels == true) & (predicted == pred))[0]
        axes[row, 0].imshow(images[example], cmap="gray_r", vmin=0, vmax=16)
        axes[row, 1].text(
            0,
            0.5,
            f"{short_name(classes[true])}  ->  {short_name(classes[pred])}   ({count}x)",
            va="center",
            fontsize=10,
        )
    for axis in axes.ravel():
        axis.axis("off")
    figure.suptitle("most confused pairs (validation, top-1)", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def hardest_samples(
    images: npt.NDArray[np.uint8],
    labels: npt.NDArray[np.int64],
    probabilities: npt.NDArray[np.floating],
    classes: list[str],
    path: Path,
    count: int = 36,
) -> None:
    """The validation samples whose true class got the lowest probability, with what the model said."""
    plt = _pyplot()
    true_probability = probabilities[np.arange(len(labels)), labels]
    hardest = np.argsort(true_probability)[:count]
    columns = 6
    rows = max(1, -(-len(hardest) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.7, rows * 1.9), squeeze=False)
    for axis in axes.ravel():
        axis.axis("off")
    for axis, index in zip(axes.ravel(), hardest, strict=False):
        predicted = int(probabilities[index].argmax())
        axis.imshow(images[index], cmap="gray_r", vmin=0, vmax=16)
        axis.set_title(
            f"{short_name(classes[labels[index]])}\n-> {short_name(classes[predicted])} "
            f"{probabilities[index, predicted]:.2f}",
            fontsize=8,
        )
    figure.suptitle("hardest validation samples: true class, then prediction and its probability", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
