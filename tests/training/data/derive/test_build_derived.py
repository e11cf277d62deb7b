"""`python -m training.data build` with derived rows, end to end on the fixtures: the rows, their donors and drawings
row-aligned in the set, and the per-kind table the build prints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.training.data.derive.derived_build import build_with_derivation
from training.data.build.splits import TRAIN
from training.data.derive import packed


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    return build_with_derivation(tmp_path_factory.mktemp("derived"))


def test_build_appends_derived_rows_with_their_donors_and_drawings(built: tuple[Path, dict, str]) -> None:
    output, summary, _ = built
    arrays = {name: np.load(output / f"{name}.npy") for name in ("labels", "split", "source", "synthetic", "donor")}
    strokes = np.load(output / packed.FILE_NAME)
    n = len(arrays["labels"])
    assert arrays["donor"].shape == (n, 3) and strokes.shape == (n, packed.POINTS, 2)
    sources = json.loads((output / "meta.json").read_text())["sources"]
    derived = arrays["source"] == sources.index("derived")
    assert derived.sum() == summary["derived"] > 0
    assert summary["real"] + summary["synthetic"] + summary["derived"] == summary["samples"] == n
    # Derived rows: training split, not real, a donor, a drawing; every other row: neither.
    assert (arrays["split"][derived] == TRAIN).all() and arrays["synthetic"][derived].all()
    assert (arrays["donor"][derived, 0] >= 0).all() and (arrays["donor"][~derived] == -1).all()
    real_train_rows = ~arrays["synthetic"] & (arrays["split"] == TRAIN)
    assert packed.holds_drawing(strokes[derived | real_train_rows]).all()
    assert not packed.holds_drawing(strokes[~(derived | real_train_rows)]).any()
    # Donors are classes with real training drawings, never the row's own class (every relation here is a turn).
    real_train = set(arrays["labels"][~arrays["synthetic"] & (arrays["split"] == TRAIN)].tolist())
    assert set(arrays["donor"][derived, 0].tolist()) <= real_train
    assert not (arrays["donor"][derived, 0] == arrays["labels"][derived]).any()
    assert np.bincount(arrays["labels"][derived]).max() <= 3


def test_build_prints_derived_rows_per_relation_kind(built: tuple[Path, dict, str]) -> None:
    _, summary, printed = built
    by_kind = summary["derivation"]["by_kind"]
    assert set(by_kind) == {"rotate"} and by_kind["rotate"]["rows"] == summary["derived"]
    line = next(line for line in printed.splitlines() if line.startswith("rotate"))
    assert line.split()[1:] == [str(by_kind["rotate"]["classes"]), str(by_kind["rotate"]["classes_without_real"]),
                                str(summary["derived"])]  # fmt: skip
