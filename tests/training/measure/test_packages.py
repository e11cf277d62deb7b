"""The per-package table: answers and what they learn from, counted from the catalogue and the built set, and
fresh template drawings scored with the exported model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.measure import packages
from training.ship.export import ExportConfig, export


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, run_dir: Path, dataset: Path) -> Path:
    out = tmp_path_factory.mktemp("packages-models")
    export(ExportConfig(run=str(run_dir), out=str(out), catalogue=str(dataset / "symbols.json"), plots=False))
    return out


@pytest.mark.slow
def test_packages_counts_answers_and_scores_fresh_drawings(model_dir: Path, dataset: Path, tmp_path: Path) -> None:
    labels = json.loads((model_dir / "model.json").read_text())["labels"]
    before = tmp_path / "before.json"
    before.write_text(json.dumps({"labels": labels[:2]}))  # an older model that knew two of the classes
    result = packages.main(
        [
            "--model",
            str(model_dir),
            "--dataset",
            str(dataset),
            "--catalogue",
            str(dataset / "symbols.json"),
            "--before",
            str(before),
            "--per-class",
            "3",
        ]
    )
    (row,) = result["packages"]  # every fixture symbol is the kernel's
    assert row["package"] == "latex2e" and row["answers"] == row["model_outputs"] == len(labels)
    assert row["new"] == len(labels) - 2
    assert row["with_templates"] == row["templates"] == len(labels)  # one traced template per fixture shape
    assert row["fresh_old"]["n"] == 2 * 3 and row["fresh_new"]["n"] == (len(labels) - 2) * 3
    # The tiny model learnt its six shapes: fresh drawings of them are mostly answered right.
    assert row["fresh_new"]["top5"] == 1.0 and row["fresh_new"]["top1"] >= 0.5
    assert "| latex2e |" in packages.markdown(result)
