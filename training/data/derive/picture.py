"""`python -m training.data.derive.picture`: derived drawings beside the real ones they were made from, as the model
sees them (the set's 32x32 renders), for a person to judge (`training/docs/derived-drawings.png`).

Each row is one class that has no real drawing of its own in the default list: on the left real drawings of its
first donor class, on the right its derived drawings, with the relation kind and the commands as a caption.

    python -m training.data.derive.picture --dataset data-cache/dataset-derived
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

# Classes without real handwriting, one or two per relation kind (turned, mirrored, struck through, circled,
# boxed, stacked, in a row, drawn out), and the withheld `\\times`, which the transfer measure learns this way.
DEFAULT_COMMANDS = (
    "\\times",
    "\\nwarrow",
    "\\supset",
    "\\nleq",
    "\\notin",
    "\\otimes",
    "\\boxtimes",
    "\\leqq",
    "\\lesssim",
    "\\cdots",
    "\\Longleftarrow",
)
REAL, DERIVED = 4, 8  # pictures per side


def write_picture(dataset: Path, output: Path, commands: tuple[str, ...], catalogue: Path) -> Path:
    from PIL import Image, ImageDraw

    from training.data.labels import Catalogue

    meta = json.loads((dataset / "meta.json").read_text())
    classes = list(meta["classes"])
    entries = Catalogue.load(catalogue).entries
    command_of = {c: entries[c].command if c in entries else c for c in classes}
    by_command = {command: index for index, command in enumerate(command_of[c] for c in classes)}
    images = np.load(dataset / "images.npy", mmap_mode="r")
    labels, synthetic = np.load(dataset / "labels.npy"), np.load(dataset / "synthetic.npy")
    donor = np.load(dataset / "donor.npy")
    source = np.load(dataset / "source.npy")
    derived = source == meta["sources"].index("derived")
    cell, caption = 34, 200
    rows = []
    for command in commands:
        target = by_command.get(command)
        if target is None:
            continue
        own = np.flatnonzero(derived & (labels == target))
        own = own[:: max(1, len(own) // DERIVED)]  # spread over its rows: several relations and donors
        if not len(own):
            continue
        first_donor = int(donor[own[0], 0])
        real = np.flatnonzero(~synthetic & (labels == first_donor))[:REAL]
        donors = " + ".join(command_of[classes[d]] for d in donor[own[0]] if d >= 0)
        rows.append((f"{command} <- {donors}", real, own[:DERIVED]))
    width = caption + (REAL + DERIVED + 1) * cell
    canvas = Image.new("L", (width, cell * len(rows) + 20), 255)
    draw = ImageDraw.Draw(canvas)
    draw.text((caption, 4), "real drawings of the donor", fill=0)
    draw.text((caption + (REAL + 1) * cell, 4), "derived drawings (as built)", fill=0)
    for r, (text, real, own) in enumerate(rows):
        top = 20 + r * cell
        draw.text((4, top + 10), text, fill=0)
        for k, index in enumerate(real):
            canvas.paste(_tile(images[index]), (caption + k * cell, top))
        for k, index in enumerate(own):
            canvas.paste(_tile(images[index]), (caption + (REAL + 1 + k) * cell, top))
    canvas = canvas.resize((canvas.width * 2, canvas.height * 2), Image.NEAREST)
    output.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(output)
    return output


def _tile(counts: np.ndarray):  # noqa: ANN202 (a PIL image)
    from PIL import Image

    ink = 255 - np.clip(np.asarray(counts, dtype=np.float32) * 255 / 16 * 2, 0, 255)
    framed = np.pad(ink.astype(np.uint8), 1, constant_values=200)
    return Image.fromarray(framed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=Path("data-cache/dataset"))
    parser.add_argument("--output", type=Path, default=Path("training/docs/derived-drawings.png"))
    parser.add_argument("--catalogue", type=Path, default=Path("models/symbols.json"))
    parser.add_argument("--commands", help="comma-separated commands (default: one or two per relation kind)")
    arguments = parser.parse_args(argv)
    commands = tuple(arguments.commands.split(",")) if arguments.commands else DEFAULT_COMMANDS
    print(f"wrote {write_picture(arguments.dataset, arguments.output, commands, arguments.catalogue)}")


if __name__ == "__main__":
    main()
