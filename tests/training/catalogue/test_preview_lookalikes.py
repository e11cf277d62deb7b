"""Package symbols join the group whose shape their LaTeX preview prints (training/catalogue/preview_lookalikes.py).

Real previews: copies of committed LaTeX previews stand in for new package symbols."""

from __future__ import annotations

import shutil
from pathlib import Path

from training.catalogue.build import preview_path
from training.catalogue.preview_lookalikes import find_joins, load_joins, write_joins

MODELS = Path(__file__).resolve().parents[3] / "models"


def _entry(models: Path, symbol_id: str, source: str, copy_of: str) -> dict:
    preview = preview_path(symbol_id)
    (models / "previews").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MODELS / preview_path(copy_of), models / preview)
    return {"id": symbol_id, "glyph": symbol_id, "source": source, "preview": preview, "preview_kind": "latex"}


def test_find_joins_same_shape_joins_other_shape_or_height_does_not(tmp_path):
    entries = [
        _entry(tmp_path, "latex2e-OT1-_alpha", "detexify", "latex2e-OT1-_alpha"),
        _entry(tmp_path, "latex2e-OT1-_cdot", "detexify", "latex2e-OT1-_cdot"),
        _entry(tmp_path, "latex2e-OT1-_beta", "detexify", "latex2e-OT1-_beta"),
        # New package symbols: an alpha, a dot on the baseline (\cdot's shape, another height), a new shape.
        _entry(tmp_path, "pkg-OT1-_myalpha", "package", "latex2e-OT1-_alpha"),
        _entry(tmp_path, "pkg-OT1-_mydot", "package", "latex2e-OT1-."),
        _entry(tmp_path, "pkg-OT1-_myarrow", "package", "latex2e-OT1-_rightarrow"),
        # Two new package symbols of one new shape become one group (the first listed stays).
        _entry(tmp_path, "pkg-OT1-_twin1", "package", "latex2e-OT1-_leftarrow"),
        _entry(tmp_path, "pkgb-OT1-_twin2", "package", "latex2e-OT1-_leftarrow"),
    ]
    joins = {join.id: join.joins for join in find_joins(entries, tmp_path)}
    assert joins == {"pkg-OT1-_myalpha": "latex2e-OT1-_alpha", "pkgb-OT1-_twin2": "pkg-OT1-_twin1"}


def test_find_joins_never_moves_a_group_with_an_older_member(tmp_path):
    entries = [
        _entry(tmp_path, "latex2e-OT1-_alpha", "detexify", "latex2e-OT1-_alpha"),
        _entry(tmp_path, "unicode-math-TU-_mupalpha", "typst", "latex2e-OT1-_alpha"),
    ]
    assert find_joins(entries, tmp_path) == []


def test_write_joins_round_trips(tmp_path):
    entries = [
        _entry(tmp_path, "latex2e-OT1-_alpha", "detexify", "latex2e-OT1-_alpha"),
        _entry(tmp_path, "pkg-OT1-_myalpha", "package", "latex2e-OT1-_alpha"),
    ]
    joins = find_joins(entries, tmp_path)
    write_joins(joins, tmp_path / "joins.json")
    assert load_joins(tmp_path / "joins.json") == joins and len(joins) == 1
