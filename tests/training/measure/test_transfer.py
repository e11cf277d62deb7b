"""The transfer measure: the derived training set loses exactly the withheld classes' real training and
validation drawings, and every withheld CROHME label maps to a class of the real catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.training.tiny_trainset import CLASSES
from training.data.labels import Catalogue
from training.learn import trainset
from training.measure.transfer import WITHHELD_CROHME_LABELS, derive_training_set, train_overrides, withheld_classes

CATALOGUE = Path(__file__).resolve().parents[3] / "models" / "symbols.json"


def test_derive_training_set_drops_only_real_train_and_validation_of_withheld(tmp_path: Path, dataset: Path) -> None:
    withheld = CLASSES[2]
    result = derive_training_set(dataset, tmp_path / "derived", {withheld})
    before, after = trainset.load(dataset), trainset.load(tmp_path / "derived")
    index = CLASSES.index(withheld)

    def count(data: trainset.TrainSet, split: int, synthetic: bool, label: int) -> int:
        return int(((data.split == split) & (data.synthetic == synthetic) & (data.labels == label)).sum())

    for split in (trainset.TRAIN, trainset.VALIDATION):
        assert count(before, split, False, index) > 0 and count(after, split, False, index) == 0
    assert count(after, trainset.TEST, False, index) == count(before, trainset.TEST, False, index) > 0
    assert count(after, trainset.TRAIN, True, index) == count(before, trainset.TRAIN, True, index) > 0
    other = CLASSES.index(CLASSES[0])
    assert count(after, trainset.TRAIN, False, other) == count(before, trainset.TRAIN, False, other)
    assert result["dropped"] == len(before.labels) - len(after.labels) > 0
    meta = json.loads((tmp_path / "derived" / "meta.json").read_text())
    assert meta["transfer"]["withheld_classes"] == [withheld] and meta["classes"] == CLASSES
    assert (tmp_path / "derived" / "templates.npz").is_file()  # fresh synthesis works on the derived set


def test_withheld_classes_cover_every_documented_label_once() -> None:
    classes = Catalogue.load(CATALOGUE).glyph_classes()
    chosen = withheld_classes(classes, CATALOGUE)
    assert sorted(chosen.values()) == sorted(WITHHELD_CROHME_LABELS)
    assert len(chosen) >= 30 and set(chosen) <= set(classes)


def test_withheld_classes_missing_from_the_set_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="maps to no class of the training set"):
        withheld_classes(["latex2e-OT1-a"], CATALOGUE)


def test_derive_keeps_arrays_aligned(tmp_path: Path, dataset: Path) -> None:
    derive_training_set(dataset, tmp_path / "d", {CLASSES[0]})
    data = trainset.load(tmp_path / "d")
    assert len(data.images) == len(data.labels) == len(data.split) == len(data.group) == len(data.synthetic)
    assert np.isin(data.labels, np.arange(len(CLASSES))).all()


def test_transfer_summary_keeps_headline_figures_only(tmp_path: Path) -> None:
    from training.ship.export import transfer_summary

    def part(n: int, top1: float, top5: float) -> dict:
        return {"n": n, "top1": top1, "top5": top5, "by_class": {"\\alpha": {"n": 1, "top1": 1.0, "top5": 1.0}}}

    result = {
        "config": {"epochs": 6, "data": "/abs/path/should/not/leak"},
        "withheld": ["\\alpha", "\\beta"],
        "transfer": {"synthetic_only": part(10, 0.5, 0.8), "with_real_data": part(90, 0.9, 0.98)},
        "transfer_without_prior": {"synthetic_only": part(10, 0.4, 0.7), "with_real_data": part(90, 0.9, 0.97)},
        "reference": {"model": "old", "synthetic_only": part(10, 0.9, 1.0), "with_real_data": part(90, 0.9, 0.98)},
    }
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "transfer.json").write_text(json.dumps(result))
    summary = transfer_summary(tmp_path / "run" / "transfer.json")
    assert summary["synthetic_only"] == {"n": 10, "top1": 0.5, "top5": 0.8}
    assert summary["synthetic_only_without_prior"]["top1"] == 0.4
    assert summary["reference"] == {"model": "old", "n": 10, "top1": 0.9, "top5": 1.0}
    assert summary["withheld_classes"] == 2 and summary["run"] == "run"
    assert "/abs" not in json.dumps(summary)


def test_train_overrides_take_each_fields_own_type() -> None:
    parsed = train_overrides(("lr=0.002", "balance_power=0.45", "batch_size=128", "augment=false"))
    assert parsed == {"lr": 0.002, "balance_power": 0.45, "batch_size": 128, "augment": False}
    assert train_overrides(()) == {}


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("balance_power", "FIELD=VALUE"),
        ("no_such_field=1", "FIELD=VALUE"),
        ("epochs=3", "FIELD=VALUE"),  # the transfer measure fixes its own amount of work: --epochs
        ("batch_size=many", "not a int"),
        ("augment=yes", "not a bool"),
    ],
)
def test_train_overrides_refuse_what_would_not_train_as_asked(setting: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        train_overrides((setting,))
