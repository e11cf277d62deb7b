"""`python -m training.data preview`: a PNG grid of what the model sees, real and synthetic side by side.

Each row is one class: real handwriting on the left (any split), synthetic samples on the right, all as
the 32x32 renders stored in the dataset, so a person can judge whether the synthetic ones look drawn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# A fixed mix: classes with plenty of real data, and classes only the synthetic samples teach.
DEFAULT_COMMANDS = (
    "\\alpha",
    "8",
    "\\sum",
    "\\sqrt{}",
    "\\rightarrow",
    "x",
    "\\int",
    "\\leq",
    "\\infty",
    "\\Sigma",
    "\\oplus",
    "\\aleph",
    "\\mathcal{A}",
    "\\heartsuit",
    "\\S",
    "\\textesh",
)
PER_SIDE = 6


def default_classes(rows: list[list[str]], catalogue: Path | None) -> list[str]:
    """The classes of DEFAULT_COMMANDS: through the catalogue's members when it is there (a command may be
    an alternative of its glyph group), else by the representative's command."""
    by_command = {row[1]: row[0] for row in reversed(rows)}
    if catalogue is not None and catalogue.is_file():
        from training.data.labels import Catalogue

        for entry in Catalogue.load(catalogue).entries.values():
            by_command.setdefault(entry.command, entry.glyph)
    present = {row[0] for row in rows}
    return list(dict.fromkeys(by_command[c] for c in DEFAULT_COMMANDS if by_command.get(c) in present))


def write_preview(dataset: Path, output: Path, classes: list[str] | None = None, catalogue: Path | None = None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not (dataset / "class_counts.tsv").is_file():
        raise FileNotFoundError(f"no dataset at {dataset}: run `make data` first")
    rows = [line.split("\t") for line in (dataset / "class_counts.tsv").read_text().splitlines()[1:]]
    command_of = {row[0]: row[1] for row in rows}
    index_of = {row[0]: i for i, row in enumerate(rows)}
    if classes is None:
        classes = default_classes(rows, catalogue)
    unknown = [c for c in classes if c not in index_of]
    if unknown:
        raise ValueError(f"not classes of this dataset: {unknown}")
    images = np.load(dataset / "images.npy", mmap_mode="r")
    labels = np.load(dataset / "labels.npy")
    synthetic = np.load(dataset / "synthetic.npy")
    rng = np.random.default_rng(0)

    figure, axes = plt.subplots(len(classes), 2 * PER_SIDE + 1, figsize=(2 * PER_SIDE + 3, len(classes) * 1.05))
    axes = np.atleast_2d(axes)
    for row, glyph in enumerate(classes):
        label = index_of[glyph]
        real = np.flatnonzero((labels == label) & ~synthetic)
        made = np.flatnonzero((labels == label) & synthetic)
        picks = [rng.choice(found, min(PER_SIDE, len(found)), replace=False) for found in (real, made)]
        axes[row, 0].text(1.0, 0.5, f"{command_of[glyph]}\n{len(real)} real", ha="right", va="center", fontsize=8)
        for side, chosen in enumerate(picks):
            for k in range(PER_SIDE):
                axis = axes[row, 1 + side * PER_SIDE + k]
                if k < len(chosen):
                    axis.imshow(images[chosen[k]], cmap="Greys", vmin=0, vmax=16)
        for axis in axes[row]:
            axis.set_xticks([])
            axis.set_yticks([])
            for spine in axis.spines.values():
                spine.set_visible(axis is not axes[row, 0])
    axes[0, 1].set_title("real", fontsize=9, loc="left")
    axes[0, 1 + PER_SIDE].set_title("synthetic", fontsize=9, loc="left")
    figure.tight_layout(pad=0.3)
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=80)
    plt.close(figure)
    return output
