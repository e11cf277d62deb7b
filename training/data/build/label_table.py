"""`python -m training.data labels`: every label of the configured sources with the class it maps to, and why.

Written once to `tests/training/data/expected_label_map.json` and reviewed; the test then pins the mapping, so a
change in the catalogue or the rules that moves a label shows up as a failing test, not as a silent shift.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from training.data.build.config import DataConfig
from training.data.labels import Catalogue, LabelMap, hint_for


def source_labels(config: DataConfig) -> set[tuple[str, str, str | None]]:
    """(source, label, hint) of every record in the configured JSONL sources (labels only: a quick scan)."""
    seen: set[tuple[str, str, str | None]] = set()
    for name in config.sources:
        path = config.source_path(name)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    record = json.loads(line)
                    seen.add((name, str(record["label"]), hint_for(name, record)))
    return seen


def label_table(config: DataConfig) -> list[dict[str, Any]]:
    label_map = LabelMap(Catalogue.load(config.resolve(config.catalogue)))
    rows = []
    for source, label, hint in sorted(source_labels(config), key=lambda key: (key[0], key[1], key[2] or "")):
        resolution = label_map.resolve(source, label, hint)
        rows.append({"source": source, "label": label, "hint": hint, "class": resolution.glyph, "how": resolution.how})
    return rows


def write_label_table(config: DataConfig, path: Path) -> int:
    rows = label_table(config)
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return len(rows)
