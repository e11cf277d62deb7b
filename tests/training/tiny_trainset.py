"""A tiny training set in the contracts.md section 2 format, rendered from simple strokes with the real
renderer: line, plus, cross, circle, angle brackets. Small enough that a model learns it in seconds."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from backend.render import parameters, render_counts
from training.data.synth.template_store import FILE_NAME as TEMPLATES_FILE
from training.data.synth.template_store import save_templates

Strokes = list[list[list[float]]]


def _line(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0 + (x1 - x0) * t / 8, y0 + (y1 - y0) * t / 8] for t in range(9)]


def _circle(_: np.random.Generator) -> Strokes:
    return [[[math.cos(a / 16 * 2 * math.pi) * 10, math.sin(a / 16 * 2 * math.pi) * 12] for a in range(17)]]


# CROHME labels and the catalogue ids they stand for (pinned here so the fixture needs no catalogue).
SHAPES: dict[str, tuple[str, str, Callable[[np.random.Generator], Strokes]]] = {
    "minus": ("-", "latex2e-OT1--", lambda r: [_line(0, 0, 20, 0)]),
    "plus": ("+", "latex2e-OT1-+", lambda r: [_line(0, 10, 20, 10), _line(10, 0, 10, 20)]),
    "times": ("\\times", "latex2e-OT1-_times", lambda r: [_line(0, 0, 20, 20), _line(20, 0, 0, 20)]),
    "circle": ("0", "latex2e-OT1-0", _circle),
    "less": ("\\lt", "latex2e-OT1-<", lambda r: [_line(20, 0, 0, 10) + _line(0, 10, 20, 20)[1:]]),
    "greater": ("\\gt", "latex2e-OT1->", lambda r: [_line(0, 0, 20, 10) + _line(20, 10, 0, 20)[1:]]),
}
CLASSES = [SHAPES[name][1] for name in SHAPES]


def jittered(strokes: Strokes, rng: np.random.Generator, amount: float = 1.2) -> Strokes:
    return [[[x + rng.normal(0, amount), y + rng.normal(0, amount)] for x, y in stroke] for stroke in strokes]


def drawings(per_class: int, seed: int) -> list[tuple[int, str, Strokes]]:
    """(class index, CROHME label, strokes) for `per_class` jittered drawings of every shape."""
    rng = np.random.default_rng(seed)
    out = []
    for index, (label, _, make) in enumerate(SHAPES.values()):
        for _ in range(per_class):
            out.append((index, label, jittered(make(rng), rng)))
    return out


def write_tiny_trainset(folder: Path, per_class: int = 40, seed: int = 0) -> Path:
    """Write images/labels/split/source/group/synthetic .npy + meta.json (+ heldout JSONL) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = drawings(per_class, seed)
    rng_templates = np.random.default_rng(seed)
    n = len(samples)
    images = np.stack([render_counts(strokes) for _, _, strokes in samples])
    labels = np.array([c for c, _, _ in samples], dtype=np.int32)
    position = np.arange(n) % per_class
    # Per class: 60% train, 20% validation, 20% test; every fifth drawing is a group of its own.
    split = np.where(position < per_class * 0.6, 0, np.where(position < per_class * 0.8, 1, 2)).astype(np.uint8)
    group = (np.arange(n) // 5).astype(np.int32)
    synthetic = (split == 0) & (position % 2 == 0)
    source = synthetic.astype(np.uint8)  # 0 crohme (real), 1 synthetic
    for name, array in {
        "images": images,
        "labels": labels,
        "split": split,
        "source": source,
        "group": group,
        "synthetic": synthetic,
    }.items():
        np.save(folder / f"{name}.npy", array)
    # The clean shapes as every class's one template: the trainer draws fresh synthetic rows from them.
    clean = [[np.array(stroke, dtype=np.float64) for stroke in make(rng_templates)] for _, _, make in SHAPES.values()]
    save_templates(folder / TEMPLATES_FILE, [[strokes] for strokes in clean])
    meta = {
        "classes": CLASSES,
        "sources": ["crohme", "synthetic"],
        "summary": {"samples": n, "classes": len(CLASSES), "output": str(folder.resolve())},
        "content_hash": "tiny-fixture",
        "render": parameters(),
        "splits": "tiny fixture: per class 60/20/20 by drawing index",
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    write_catalogue(folder / "symbols.json")
    heldout = folder / "heldout"
    heldout.mkdir(exist_ok=True)
    with open(heldout / "crohme.jsonl", "w") as out:
        for (_, label, strokes), part in zip(samples, split, strict=True):
            if part == 2:
                out.write(json.dumps({"label": label, "strokes": strokes}) + "\n")
    return folder


def write_catalogue(path: Path) -> Path:
    """A catalogue (contracts.md section 1) holding just the fixture's classes, for the label mapping."""
    symbols = []
    for _, class_id, _ in SHAPES.values():
        command = class_id.split("-", 2)[2]
        command = "\\" + command[1:] if command.startswith("_") else command
        symbols.append(
            {
                "id": class_id,
                "command": command,
                "package": None,
                "fontenc": "OT1",
                "math": True,
                "text": False,
                "unicode": None,
                "glyph": class_id,
                "source": "crohme",
                "preview": f"previews/{class_id}.svg",
                "preview_kind": "latex",
                "names": [],
            }
        )
    path.write_text(json.dumps({"catalogue_version": 1, "symbols": symbols}))
    return path


_CACHE: dict[str, Path] = {}


def shared_folder(factory: Any, name: str, make: Callable[[Path], Path]) -> Path:
    """A folder made once per pytest session (keyed by name), so several test modules share one tiny run."""
    key = f"{factory.getbasetemp()}:{name}"
    if key not in _CACHE:
        _CACHE[key] = make(factory.mktemp(name))
    return _CACHE[key]


def train_tiny_run(
    folder: Path, dataset: Path, model: str = "resnet_tiny", epochs: int = 6, name: str = "tiny", **overrides: Any
) -> Path:
    """A real (short) training run on the tiny set; returns its run folder. `overrides`: other TrainConfig fields."""
    from training.learn.train import TrainConfig, train

    config = TrainConfig(
        data=str(dataset),
        model=model,
        name=name,
        runs_dir=str(folder),
        epochs=epochs,
        samples_per_epoch=384,
        batch_size=32,
        lr=3e-3,
        patience=epochs,
        threads=2,
        hardest=12,
        **overrides,
    )
    return train(config)
