"""Label mapping on a small catalogue in the contract's shape: every source's naming rules, and clear failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.data.labels import Catalogue, CatalogueError, LabelMap, hint_for

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def label_map() -> LabelMap:
    return LabelMap(Catalogue.load(FIXTURES / "symbols.json"))


@pytest.mark.parametrize(
    ("source", "label", "hint", "expected"),
    [
        ("detexify", "latex2e-OT1-_alpha", None, "latex2e-OT1-_alpha"),
        ("detexify", "latex2e-OT1-_to", None, "latex2e-OT1-_rightarrow"),  # one class per glyph group
        ("feedback", "latex2e-OT1-_textbraceleft", None, "latex2e-OT1-_{"),
        ("crohme", "\\lt", None, "latex2e-OT1-<"),
        ("crohme", "COMMA", None, "latex2e-OT1-,"),
        ("crohme", "\\sqrt", None, "latex2e-OT1-_sqrt{}"),
        ("crohme", "\\{", None, "latex2e-OT1-_{"),
        ("crohme", "\\sin", None, "latex2e-OT1-_sin"),
        ("crohme", "\\alpha", None, "latex2e-OT1-_alpha"),
        # Look-alikes the data labels by context stay separate classes.
        ("crohme", "x", None, "latex2e-OT1-x"),
        ("crohme", "\\times", None, "latex2e-OT1-_times"),
        ("crohme", "1", None, "latex2e-OT1-1"),
        ("crohme", "l", None, "latex2e-OT1-l"),
        ("crohme", "|", None, "latex2e-OT1-|"),
        ("detypify", "Sigma", "Σ", "latex2e-OT1-_Sigma"),
        ("detypify", "plus.minus", "±", "latex2e-OT1-_pm"),
        ("detypify", "alef", None, "amssymb-OT1-_aleph"),  # the file has no character: Typst's table
        ("detypify", "Alpha", "Α", "latex2e-OT1-A"),  # a Greek capital drawn like the Latin letter
        ("hershey", "(", "symb", "latex2e-OT1-("),
        ("hershey", "\\mathbf{A}", "font", "latex2e-OT1-A"),
        ("hershey", "\\Alpha", "symb", "latex2e-OT1-A"),
        ("hershey", "\\to", "symb", "latex2e-OT1-_rightarrow"),
    ],
)
def test_label_map_resolves_each_source(
    label_map: LabelMap, source: str, label: str, hint: str | None, expected: str
) -> None:
    assert label_map.glyph_for(source, label, hint) == expected


@pytest.mark.parametrize(
    ("source", "label", "hint", "reason"),
    [
        ("detexify", "no-such-key", None, "unknown key"),
        ("crohme", "\\gt", None, "no catalogue symbol for character U+003E"),
        ("crohme", "\\lim", None, "no catalogue symbol with command \\lim"),
        ("detypify", "Kai", None, "U+03CF"),
        ("detypify", "made.up.name", None, "has no known character"),
        ("hershey", "\\sqrt{x}", "symb", "composite"),
        ("hershey", "\\vec", "accent-on-a", "accent"),
        ("elsewhere", "a", None, "unknown source"),
    ],
)
def test_label_map_unmapped_labels_carry_a_reason(
    label_map: LabelMap, source: str, label: str, hint: str | None, reason: str
) -> None:
    resolution = label_map.resolve(source, label, hint)
    assert resolution.glyph is None and reason in resolution.how


def test_catalogue_prefers_math_latex2e_entry_for_a_command() -> None:
    common = {"fontenc": "OT1", "unicode": None, "source": "detexify", "preview": "x.svg", "preview_kind": "latex"}
    catalogue = Catalogue.from_json(
        {
            "catalogue_version": 1,
            "symbols": [
                {"id": "textcomp-OT1-_x", "command": "\\x", "package": "textcomp", "math": False, "text": True}
                | common
                | {"glyph": "textcomp-OT1-_x", "names": []},
                {"id": "latex2e-OT1-_x", "command": "\\x", "package": None, "math": True, "text": False}
                | common
                | {"glyph": "latex2e-OT1-_x", "names": []},
            ],
        }
    )
    assert LabelMap(catalogue).glyph_for("crohme", "\\x") == "latex2e-OT1-_x"


def test_catalogue_glyph_classes_are_sorted_representatives() -> None:
    catalogue = Catalogue.load(FIXTURES / "symbols.json")
    classes = catalogue.glyph_classes()
    assert classes == sorted(classes)
    assert "latex2e-OT1-_to" not in classes and "latex2e-OT1-_rightarrow" in classes
    assert [m.id for m in catalogue.members("latex2e-OT1-_rightarrow")] == [
        "latex2e-OT1-_rightarrow",
        "latex2e-OT1-_to",
    ]


def test_catalogue_load_missing_file_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="make catalogue"):
        Catalogue.load(tmp_path / "symbols.json")


def test_catalogue_rejects_glyph_that_is_no_symbol(tmp_path: Path) -> None:
    path = tmp_path / "symbols.json"
    symbol = {"id": "a", "command": "a", "package": None, "fontenc": None, "math": True, "text": False}
    symbol |= {"unicode": None, "glyph": "b", "source": "x", "preview": "a.svg", "preview_kind": "latex", "names": []}
    path.write_text(json.dumps({"catalogue_version": 1, "symbols": [symbol]}))
    with pytest.raises(CatalogueError, match="no catalogue id"):
        Catalogue.load(path)


def test_hint_for_reads_the_field_each_source_needs() -> None:
    assert hint_for("detypify", {"unicode": "Σ"}) == "Σ"
    assert hint_for("hershey", {"kind": "font"}) == "font"
    assert hint_for("crohme", {"unicode": "x"}) is None


def test_catalogue_columns_in_maps_old_labels_through_todays_groups() -> None:
    catalogue = Catalogue.load(Path(__file__).resolve().parents[3] / "models" / "symbols.json")
    classes = ["latex2e-OT1-+", "latex2e-OT1-_ast"]
    labels = ["textcomp-OT1-_textasteriskcentered", "latex2e-OT1-+", "latex2e-OT1--", "no-such-label"]
    # The textcomp asterisk is in the \ast group today; '-' and an unknown label have no class here.
    assert catalogue.columns_in(labels, classes) == [1, 0, -1, -1]
