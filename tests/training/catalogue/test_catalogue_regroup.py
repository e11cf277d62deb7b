"""`python -m training.catalogue --regroup`: glyph groups and aliases recomputed on the committed catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from backend.catalogue import load_catalogue
from training.catalogue.aliases import ALIASES_PATH, AliasError
from training.catalogue.regroup import RegroupConfig, regroup_catalogue
from training.catalogue.unicode_table import OVERRIDES_PATH

MODELS = Path(__file__).resolve().parents[3] / "models"


@pytest.fixture()
def models(tmp_path: Path) -> Path:
    copy = tmp_path / "models"
    shutil.copytree(MODELS / "previews", copy / "previews")
    shutil.copyfile(MODELS / "symbols.json", copy / "symbols.json")
    shutil.copyfile(MODELS / "usage.json", copy / "usage.json")  # representatives follow usage
    return copy


def test_regroup_committed_catalogue_is_already_regrouped(models):
    """The committed symbols.json is what the committed overrides.json and aliases.json give."""
    regroup_catalogue(RegroupConfig(models, OVERRIDES_PATH, ALIASES_PATH))
    assert (models / "symbols.json").read_text(encoding="utf-8") == (MODELS / "symbols.json").read_text(
        encoding="utf-8"
    )


def test_regroup_new_alias_gets_its_targets_group_and_a_copy_of_its_preview(models, tmp_path):
    aliases = json.loads(ALIASES_PATH.read_text(encoding="utf-8"))
    aliases["aliases"].append({"command": "\\testnu", "package": None, "same_as": "\\nu", "why": "test"})
    path = tmp_path / "aliases.json"
    path.write_text(json.dumps(aliases), encoding="utf-8")
    report = regroup_catalogue(RegroupConfig(models, OVERRIDES_PATH, path))
    catalogue = load_catalogue(models / "symbols.json")
    alias = catalogue.get("latex2e-OT1-_testnu")
    assert alias is not None and alias.glyph == "latex2e-OT1-_nu" and alias.source == "alias"
    assert alias.names[0] == "testnu" and "greek small letter nu" in alias.names
    target = catalogue.preview_path("latex2e-OT1-_nu").read_bytes()
    assert catalogue.preview_path(alias.id).read_bytes() == target
    assert report.previews_copied == 1


def test_regroup_alias_of_an_unknown_command_is_refused_and_writes_nothing(models, tmp_path):
    path = tmp_path / "aliases.json"
    path.write_text(json.dumps({"aliases": [{"command": "\\x", "same_as": "\\nosuch", "why": "t"}]}), "utf-8")
    before = (models / "symbols.json").read_text(encoding="utf-8")
    with pytest.raises(AliasError, match="nosuch"):
        regroup_catalogue(RegroupConfig(models, OVERRIDES_PATH, path))
    assert (models / "symbols.json").read_text(encoding="utf-8") == before
