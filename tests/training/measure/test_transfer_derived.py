"""The transfer measure with derived rows (issue 23, item 5): a withheld class's own real drawings never reach
training in any form, not even as donors of another class's derived rows; derived rows *of* a withheld class made
from other classes' drawings stay."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.training.tiny_trainset import CLASSES, drawings
from training.data.derive.plan import DeriveConfig, Plan, derive
from training.data.derive.rows import appended
from training.learn import trainset
from training.measure.transfer import derive_training_set

PLUS, TIMES, LESS, GREATER = (
    CLASSES.index(c) for c in ("latex2e-OT1-+", "latex2e-OT1-_times", "latex2e-OT1-<", "latex2e-OT1->")
)
QUARTER_TURN_HALF = [[0.7071, 0.7071], [-0.7071, 0.7071]]  # rotate 45
MIRROR = [[-1.0, 0.0], [0.0, 1.0]]  # reflect |


def _with_derived_rows(dataset: Path, target: Path) -> trainset.TrainSet:
    """The tiny set plus derived rows: `\\times` = `+` turned by 45 degrees, `>` = `<` mirrored, `<` = `>` mirrored,
    from the set's own real training drawings (the tiny set's drawings, regenerated: same seed, same order)."""
    data = trainset.load(dataset)
    real_train = (~data.synthetic) & (data.split == trainset.TRAIN)
    donors: dict[int, list] = {}
    for row, (label, _, strokes) in enumerate(drawings(40, 0)):
        if real_train[row]:
            donors.setdefault(label, []).append([np.array(s, dtype=np.float64) for s in strokes])
    rows = [
        {"kind": "rotate", "target": CLASSES[TIMES], "sources": [CLASSES[PLUS]], "transform": "rotate 45",
         "score": 0.99, "matrix": QUARTER_TURN_HALF, "target_aspect": 1.0},
        {"kind": "reflect", "target": CLASSES[GREATER], "sources": [CLASSES[LESS]], "transform": "reflect |",
         "score": 0.99, "matrix": MIRROR, "target_aspect": 0.5},
        {"kind": "reflect", "target": CLASSES[LESS], "sources": [CLASSES[GREATER]], "transform": "reflect |",
         "score": 0.99, "matrix": MIRROR, "target_aspect": 0.5},
    ]  # fmt: skip
    plan = Plan(rows, {c: i for i, c in enumerate(CLASSES)}, donors, {}, DeriveConfig(per_class=10))
    derived = derive(plan, CLASSES, np.bincount(data.labels[real_train], minlength=len(CLASSES)))
    from backend.render import render_counts
    from training.data.derive.fresh import draw_rows

    images = draw_rows(derived.strokes, 0, 0, render_counts)
    arrays = {name: getattr(data, name) for name in ("images", "labels", "split", "source", "group", "synthetic")}
    arrays["labels"] = arrays["labels"].astype(np.int32)
    out = appended(arrays, derived, images, source_index=2, first_group=int(data.group.max()) + 1)
    target.mkdir(parents=True)
    for name, array in out.items():
        np.save(target / f"{name}.npy", array)
    (target / "meta.json").write_text((dataset / "meta.json").read_text())
    return trainset.load(target)


def test_withheld_class_drawings_never_reach_training_as_donors(tmp_path: Path, dataset: Path) -> None:
    full = _with_derived_rows(dataset, tmp_path / "with-derived")
    assert full.donor is not None and full.strokes is not None
    assert (np.isin(full.donor[:, 0], [PLUS, LESS, GREATER])).sum() == 30  # 10 rows per relation, all made
    result = derive_training_set(tmp_path / "with-derived", tmp_path / "transfer", {CLASSES[LESS], CLASSES[TIMES]})
    kept = trainset.load(tmp_path / "transfer")
    assert kept.donor is not None and kept.strokes is not None and len(kept.strokes) == len(kept.labels)
    training = kept.split != trainset.TEST
    # No real training drawing of a withheld class, and no row made from one (here: `>` mirrored from `<`).
    for withheld in (LESS, TIMES):
        assert not (training & ~kept.synthetic & (kept.labels == withheld)).any()
        assert not np.isin(kept.donor, [withheld]).any()
    # Rows made from them in the full set are exactly the ones dropped.
    assert result["dropped_derived"] == int(np.isin(full.donor, [LESS, TIMES]).any(axis=1).sum()) == 10
    # Derived rows of withheld classes from classes that are not withheld stay: `\\times` from `+`, `<` from `>`.
    derived = kept.donor[:, 0] >= 0
    assert int((derived & (kept.labels == TIMES)).sum()) == 10
    assert int((derived & (kept.labels == LESS)).sum()) == 10
    assert set(kept.donor[derived & (kept.labels == TIMES), 0].tolist()) == {PLUS}
    # ... and the measure reports the withheld classes that derivation reaches apart from the others.
    assert result["derived_rows_of_withheld"] == {CLASSES[LESS]: 10, CLASSES[TIMES]: 10}
