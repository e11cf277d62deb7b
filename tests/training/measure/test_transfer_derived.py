"""The transfer measure with derived rows (issue 23, item 5): a withheld class's own real drawings never reach
training in any form, not even as donors of another class's derived rows; derivation is planned again after
withholding, so a withheld class gets derived rows from the other classes' real drawings, as if it never had any."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from backend.render import render_counts
from tests.training.tiny_trainset import CLASSES, drawings
from training.data.derive import from_set, packed
from training.data.derive.plan import DONOR_SLOTS, DeriveConfig
from training.learn import trainset
from training.measure.transfer import derive_training_set

PLUS, TIMES, LESS, GREATER = (
    CLASSES.index(c) for c in ("latex2e-OT1-+", "latex2e-OT1-_times", "latex2e-OT1-<", "latex2e-OT1->")
)
QUARTER_TURN_HALF = [[0.7071, 0.7071], [-0.7071, 0.7071]]  # rotate 45
MIRROR = [[-1.0, 0.0], [0.0, 1.0]]  # reflect |
# The tiny set has 12 real training drawings per class: with this limit no class gets derived rows in the full set,
# as every withheld CROHME class has too many real drawings in the full set of the data build.
CONFIG = DeriveConfig(per_class=10, targets_below=10)


def _with_derivation(dataset: Path, target: Path) -> trainset.TrainSet:
    """The tiny set as the data build writes it: real training rows carry their drawings (the tiny set's, made
    again: same seed, same order), derived rows planned from them (`\\times` = `+` turned by 45 degrees, `>` = `<`
    mirrored, `<` = `>` mirrored) and the plan recorded in meta.json."""
    data = trainset.load(dataset)
    real_train = ~data.synthetic & (data.split == trainset.TRAIN)
    arrays = {name: getattr(data, name) for name in ("images", "split", "source", "group", "synthetic")}
    arrays["labels"] = data.labels.astype(np.int32)
    arrays["strokes"] = packed.empty_rows(len(data.labels))
    for row, (_, _, strokes) in enumerate(drawings(40, 0)):
        if real_train[row]:
            arrays["strokes"][row] = packed.pack([np.array(s, dtype=np.float64) for s in strokes])
    arrays["donor"] = np.full((len(data.labels), DONOR_SLOTS), -1, np.int32)
    relations = [
        {"kind": "rotate", "target": CLASSES[TIMES], "sources": [CLASSES[PLUS]], "transform": "rotate 45",
         "score": 0.99, "matrix": QUARTER_TURN_HALF, "target_aspect": 1.0},
        {"kind": "reflect", "target": CLASSES[GREATER], "sources": [CLASSES[LESS]], "transform": "reflect |",
         "score": 0.99, "matrix": MIRROR, "target_aspect": 0.5},
        {"kind": "reflect", "target": CLASSES[LESS], "sources": [CLASSES[GREATER]], "transform": "reflect |",
         "score": 0.99, "matrix": MIRROR, "target_aspect": 0.5},
    ]  # fmt: skip
    target.mkdir(parents=True)
    relations_path = target.parent / "relations.json"
    relations_path.write_text(json.dumps({"relations": relations}))
    recorded = {"catalogue": str(dataset / "symbols.json"), "relations": str(relations_path), "config": CONFIG.__dict__}
    meta = dict(data.meta, derivation=recorded)
    arrays, meta, _ = from_set.rederived(arrays, meta, render_counts)
    for name, array in arrays.items():
        np.save(target / f"{name}.npy", array)
    (target / "meta.json").write_text(json.dumps(meta))
    return trainset.load(target)


def test_transfer_derives_withheld_classes_from_donors_not_withheld(tmp_path: Path, dataset: Path) -> None:
    full = _with_derivation(dataset, tmp_path / "full" / "with-derived")
    assert full.donor is not None and full.strokes is not None
    assert not (full.donor[:, 0] >= 0).any()  # planned on the full set, derivation reaches no class
    withheld = {CLASSES[LESS], CLASSES[TIMES]}

    result = derive_training_set(tmp_path / "full" / "with-derived", tmp_path / "transfer", withheld)

    kept = trainset.load(tmp_path / "transfer")
    assert kept.donor is not None and kept.strokes is not None and len(kept.strokes) == len(kept.labels)
    training = kept.split != trainset.TEST
    # No real training drawing of a withheld class, no row made from one, and none of their drawings in any row.
    less_drawings = full.strokes[(full.labels == LESS) & packed.holds_drawing(full.strokes)]
    assert not (kept.strokes[:, None] == less_drawings[None]).all(axis=(2, 3)).any()
    for class_index in (LESS, TIMES):
        assert not (training & ~kept.synthetic & (kept.labels == class_index)).any()
        assert not np.isin(kept.donor, [class_index]).any()
    # Planned after withholding: `\\times` from real `+`, `<` from real `>`; `>` (12 real drawings) gets none.
    derived = kept.donor[:, 0] >= 0
    assert set(kept.donor[derived & (kept.labels == TIMES)].ravel().tolist()) == {PLUS, -1}
    assert set(kept.donor[derived & (kept.labels == LESS)].ravel().tolist()) == {GREATER, -1}
    assert not (derived & (kept.labels == GREATER)).any()
    assert result["derived_rows_of_withheld"] == {CLASSES[LESS]: 10, CLASSES[TIMES]: 10}
    assert result["derived_of_withheld"][CLASSES[TIMES]] == {"rows": 10, "kinds": {"rotate": 10},
                                                             "donors": [CLASSES[PLUS]]}  # fmt: skip
    assert result["derived_of_withheld"][CLASSES[LESS]]["kinds"] == {"reflect": 10}
    # The derived set records its own plan, so training on it does not derive it again.
    arrays = {name: getattr(kept, name) for name in ("labels", "split", "synthetic", "strokes")}
    assert kept.meta["derivation"]["planned_from"] == from_set.planned_from(arrays)
