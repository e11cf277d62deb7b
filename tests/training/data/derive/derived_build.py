"""A data build of the fixtures with derived rows: its relation table turns every fixture class into every other
(rotate 90), so every class can get derived rows from any class with real training drawings."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from tests.training.data.test_data_build import FIXTURES, fixture_config
from training.data.build import build
from training.data.labels import Catalogue

QUARTER = [[0.0, 1.0], [-1.0, 0.0]]


def build_with_derivation(folder: Path, per_class: int = 3) -> tuple[Path, dict, str]:
    """The built set's folder, the build's summary and what it printed."""
    classes = Catalogue.load(FIXTURES / "symbols.json").glyph_classes()
    rows = [
        {"kind": "rotate", "target": target, "sources": [source], "transform": "rotate 90", "score": 0.99,
         "matrix": QUARTER, "target_aspect": 1.0}
        for source in classes for target in classes if source != target
    ]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "relations.json").write_text(json.dumps({"relations": rows}))
    config = fixture_config(folder / "dataset", derived_per_class=per_class, relations=folder / "relations.json")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        summary = build(config)
    return folder / "dataset", summary, printed.getvalue()
