"""`trainset.load` of a copy of a built set (issue 23, item 5): removing some classes' real rows, and the rows whose
donor is among them, trains as if those classes never had real drawings; an unchanged set loads as written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.training.data.derive.derived_build import build_with_derivation
from training.data.derive import from_set, packed
from training.learn import trainset

ARRAYS = ("images", "labels", "split", "source", "group", "synthetic", "donor", "strokes")
REMOVED = "latex2e-OT1-_alpha"  # the fixture class with the most real training drawings (4)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_with_derivation(tmp_path_factory.mktemp("derived"))[0]


def _copy_without_rows(source: Path, target: Path, drop: np.ndarray) -> None:
    shutil.copytree(source, target)
    for name in ARRAYS:
        np.save(target / f"{name}.npy", np.load(source / f"{name}.npy")[~drop])


def test_load_copy_without_a_class_derives_it_from_other_classes_only(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = trainset.load(built)
    removed = full.classes.index(REMOVED)
    assert full.donor is not None and full.strokes is not None
    real = ~full.synthetic & (full.labels == removed)
    assert (real & (full.split == trainset.TRAIN)).sum() == 4 and np.isin(full.donor, [removed]).any()
    own_drawings = full.strokes[real & packed.holds_drawing(full.strokes)]
    from_removed = np.isin(full.donor, [removed]).any(axis=1)
    _copy_without_rows(built, tmp_path / "copy", real | from_removed)
    capsys.readouterr()

    copy = trainset.load(tmp_path / "copy")

    assert "deriving again" in capsys.readouterr().out
    assert copy.donor is not None and copy.strokes is not None
    derived = copy.donor[:, 0] >= 0
    # Not one row made from the removed class's drawings, and none of its drawings in any row.
    assert not np.isin(copy.donor, [removed]).any()
    assert not (copy.strokes[:, None] == own_drawings[None]).all(axis=(2, 3)).any()
    # It got derived rows again, from the other classes' real drawings; so did every class that lost rows made
    # from it (the copy alone had fewer than 3 for them).
    assert int((derived & (copy.labels == removed)).sum()) == 3
    assert np.bincount(copy.labels[derived], minlength=len(copy.classes)).tolist() == [3] * len(copy.classes)
    assert copy.meta["derivation"]["real_training_rows"] == full.meta["derivation"]["real_training_rows"] - 4
    assert copy.meta["content_hash"] != full.meta["content_hash"]  # another set: a run records that


def test_load_unchanged_set_keeps_its_derived_rows(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A copy without some synthetic (template) rows: derivation never read them, so it is not derived again either.
    synthetic = np.load(built / "synthetic.npy") & (np.load(built / "donor.npy")[:, 0] < 0)
    _copy_without_rows(built, tmp_path / "copy", synthetic & (np.arange(len(synthetic)) % 2 == 0))
    capsys.readouterr()
    for folder in (built, tmp_path / "copy"):
        data = trainset.load(folder)
        assert "deriving again" not in capsys.readouterr().out
        assert data.meta == json.loads((folder / "meta.json").read_text())
        # What makes the check possible: the set records what its derived rows were planned from.
        arrays = {name: getattr(data, name) for name in ("labels", "split", "synthetic", "strokes")}
        assert data.meta["derivation"]["planned_from"] == from_set.planned_from(arrays)
        np.testing.assert_array_equal(data.donor, np.load(folder / "donor.npy"))
        np.testing.assert_array_equal(data.images, np.load(folder / "images.npy"))
