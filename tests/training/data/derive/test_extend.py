"""`python -m training.data.derive.extend`: derived rows added to a set built without them are the rows the build
itself makes (both derive from the set's own real training rows)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

from tests.training.data.derive.derived_build import build_with_derivation
from tests.training.data.test_data_build import FIXTURES, fixture_config
from training.data.build import build
from training.data.derive.extend import extend
from training.data.derive.plan import DeriveConfig

ARRAYS = ("images", "labels", "split", "source", "group", "synthetic", "donor", "strokes")


def test_extend_set_without_derivation_gives_the_builds_derived_rows(tmp_path: Path) -> None:
    with_derivation, _, _ = build_with_derivation(tmp_path / "with")
    (tmp_path / "without").mkdir()
    with contextlib.redirect_stdout(io.StringIO()):
        build(fixture_config(tmp_path / "without" / "dataset"))
        extend(tmp_path / "without" / "dataset", tmp_path / "extended", FIXTURES / "symbols.json",
               DeriveConfig(per_class=3), tmp_path / "with" / "relations.json")  # fmt: skip
    for name in ARRAYS:
        np.testing.assert_array_equal(np.load(tmp_path / "extended" / f"{name}.npy"),
                                      np.load(with_derivation / f"{name}.npy"), err_msg=name)  # fmt: skip


def test_extend_set_with_derived_rows_is_refused(tmp_path: Path) -> None:
    with_derivation, _, _ = build_with_derivation(tmp_path)
    with pytest.raises(ValueError, match="already holds derived rows"):
        extend(with_derivation, tmp_path / "out", FIXTURES / "symbols.json", DeriveConfig(per_class=3),
               tmp_path / "relations.json")  # fmt: skip
