"""The mapping of every label in the shared data files, pinned against a reviewed table.

`tests/training/data/expected_label_map.json` was written by `python -m training.data labels` and reviewed; a
change of the catalogue or of the rules that moves any label makes this test fail until the table is
regenerated and reviewed again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.data.build.config import DataConfig
from training.data.build.label_table import source_labels
from training.data.labels import Catalogue, LabelMap

REPO = Path(__file__).resolve().parents[3]
EXPECTED = json.loads((Path(__file__).parent / "expected_label_map.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def label_map() -> LabelMap:
    return LabelMap(Catalogue.load(REPO / "models" / "symbols.json"))


def test_expected_label_map_matches_the_rules(label_map: LabelMap) -> None:
    moved = []
    for row in EXPECTED:
        resolution = label_map.resolve(row["source"], row["label"], row["hint"])
        if (resolution.glyph, resolution.how) != (row["class"], row["how"]):
            moved.append((row["source"], row["label"], row["class"], resolution.glyph, resolution.how))
    assert not moved, f"{len(moved)} labels map differently (regenerate and review the table): {moved[:10]}"


def test_expected_label_map_unmapped_labels_all_have_reasons() -> None:
    unmapped = [row for row in EXPECTED if row["class"] is None]
    assert all(row["how"] for row in unmapped)
    # Every CROHME label is mapped: it is the main source of real handwriting.
    assert not [row for row in unmapped if row["source"] == "crohme"]


@pytest.mark.slow
def test_expected_label_map_covers_every_label_of_the_shared_files() -> None:
    config = DataConfig()
    if not config.resolve(config.data_root).is_dir():
        pytest.skip(f"shared data not at {config.resolve(config.data_root)}")
    present = source_labels(config)
    pinned = {(row["source"], row["label"], row["hint"]) for row in EXPECTED}
    assert present == pinned
