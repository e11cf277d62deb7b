"""Head fit: a model grows to more classes with its features unchanged, and new classes give way on real drawings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from training.learn import trainset
from training.learn.head_fit import HeadFitConfig, choose_offset, fit
from training.ship.export import ExportConfig, export

NEW = np.array([False, False, True])
# Class 2 is new: it beats the right answer by 0.6 on row 0 and by 0.3 on row 1; row 2 is its own drawing.
LOGITS = np.array([[1.0, 0.0, 1.6], [0.0, 1.0, 1.3], [0.0, 0.0, 2.0], [2.0, 0.0, 0.0]])
LABELS = np.array([0, 1, 2, 0])
ONE_SOURCE = np.array(["crohme"] * 4)
SOURCE_RIGHT = np.array([True, True, False, True])  # the source model: 3 of 4 (it cannot answer class 2)


def test_choose_offset_takes_the_best_offset_the_mildest_first() -> None:
    choice = choose_offset(LOGITS, LABELS, ONE_SOURCE, NEW, SOURCE_RIGHT, step=0.25, floor=-3.0)
    # All four right from -0.75 (row 0 needs more than 0.6) until -2 (row 2 is lost at -2): -0.75 is the mildest.
    assert choice.offset == pytest.approx(-0.75) and choice.top1 == {"crohme": 1.0}
    assert choice.kept and choice.source_top1 == {"crohme": 0.75}
    assert [row["offset"] for row in choice.grid][:4] == [0.0, -0.25, -0.5, -0.75] and len(choice.grid) == 13


def test_choose_offset_with_a_tolerance_takes_a_milder_one() -> None:
    choice = choose_offset(LOGITS, LABELS, ONE_SOURCE, NEW, SOURCE_RIGHT, step=0.25, tolerance=25)
    assert choice.offset == pytest.approx(-0.5) and choice.top1 == {"crohme": 0.75}  # within 25 points of 1.0


def test_choose_offset_weighs_sources_alike_not_drawings() -> None:
    # Three CROHME drawings (two of the new class, one of class 0) and one rare-symbol drawing that the new class
    # takes by 0.4: counted by drawings offset 0 is best (3 of 4), by sources -0.5 (1/3 and 1/1 against 1 and 0).
    logits = np.array([[0.0, 0.0, 0.5], [0.0, 0.0, 0.5], [2.0, 0.0, 0.0], [1.0, 0.0, 1.4]])
    labels, sources = np.array([2, 2, 0, 0]), np.array(["crohme", "crohme", "crohme", "detypify"])
    choice = choose_offset(logits, labels, sources, NEW, np.array([False, False, True, True]), step=0.5, floor=-1.0)
    assert choice.offset == pytest.approx(-0.5)
    assert choice.top1 == {"crohme": pytest.approx(1 / 3), "detypify": 1.0}
    assert choice.kept and choice.source_top1 == {"crohme": pytest.approx(1 / 3), "detypify": 1.0}
    # Had the source answered the two CROHME drawings of class 2 too, that source would not have kept its top-1.
    assert not choose_offset(logits, labels, sources, NEW, np.ones(4, bool), step=0.5, floor=-1.0).kept


def test_choose_offset_rejects_a_bad_grid() -> None:
    with pytest.raises(ValueError, match="grid"):
        choose_offset(np.zeros((1, 3)), np.array([0]), np.array(["crohme"]), NEW, np.ones(1, bool), step=0.0)


@pytest.fixture(scope="module")
def smaller_source(tmp_path_factory: pytest.TempPathFactory, run_dir: Path) -> Path:
    """The tiny run's checkpoint as if it had known two classes fewer (their classifier rows removed)."""
    state = torch.load(run_dir / "best.pt", map_location="cpu", weights_only=True)
    classifier = [key for key in state["model"] if key.endswith(".weight")][-1].rsplit(".", 1)[0]
    keep = [index for index, name in enumerate(state["classes"]) if name not in ("latex2e-OT1-0", "latex2e-OT1->")]
    state["classes"] = [state["classes"][index] for index in keep]
    for part in ("weight", "bias"):
        state["model"][f"{classifier}.{part}"] = state["model"][f"{classifier}.{part}"][keep]
    folder = tmp_path_factory.mktemp("smaller") / "source"
    folder.mkdir()
    torch.save(state, folder / "best.pt")
    return folder / "best.pt"


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory, dataset: Path, smaller_source: Path) -> Path:
    config = HeadFitConfig(
        data=str(dataset),
        init_from=str(smaller_source),
        model="resnet_tiny",
        name="grown",
        runs_dir=str(tmp_path_factory.mktemp("head-fit-runs")),
        epochs=8,
        samples_per_epoch=512,
        batch_size=64,
        lr=0.02,
        catalogue=str(dataset / "symbols.json"),
        hardest=12,
    )
    return fit(config)


@pytest.mark.slow
def test_head_fit_keeps_the_sources_features(grown: Path, smaller_source: Path) -> None:
    source = torch.load(smaller_source, map_location="cpu", weights_only=True)["model"]
    fitted = torch.load(grown / "best.pt", map_location="cpu", weights_only=True)["model"]
    classifier = [key for key in source if key.endswith(".weight")][-1].rsplit(".", 1)[0]
    for key, value in source.items():
        if not key.startswith(classifier) and not key.endswith("num_batches_tracked"):
            assert torch.equal(fitted[key], value), key


@pytest.mark.slow
def test_head_fit_learns_the_new_classes_and_keeps_the_source_on_real_drawings(grown: Path, dataset: Path) -> None:
    data = trainset.load(dataset)
    record = json.loads((grown / "head_fit.json").read_text())
    assert record["new_classes"] == 2 and record["kept"]
    assert all(record["top1"][name] >= record["source_top1"][name] for name in record["top1"])
    summary = json.loads((grown / "summary.json").read_text())
    assert summary["classes"] == len(data.classes)
    # The source answered 4 of 6 classes (at most 4/6 of the validation rows); the grown model answers all six.
    assert record["source_top1"]["crohme"] <= 4 / 6 + 1e-9
    assert summary["validation"]["top1"] > 0.8
    assert json.loads((grown / "warm_start.json").read_text())["classes_new"] == 2


@pytest.mark.slow
def test_head_fit_run_exports_with_its_offset_recorded(grown: Path, dataset: Path, tmp_path: Path) -> None:
    card = export(ExportConfig(run=str(grown), out=str(tmp_path), catalogue=str(dataset / "symbols.json")))
    assert card["training"]["head_fit"]["new_classes"] == 2
    assert card["training"]["warm_start"]["classes_kept"] == 4
    assert len(card["labels"]) == 6
