"""The committed catalogue's symbol-package part (issue 22): size, previews, ids, groups and the shipped model."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
MODELS = REPO / "models"


@pytest.fixture(scope="module")
def symbols() -> list[dict]:
    return json.loads((MODELS / "symbols.json").read_text(encoding="utf-8"))["symbols"]


def test_catalogue_holds_at_least_2700_commands_each_with_a_latex_preview_of_its_package(symbols):
    assert len({s["command"] for s in symbols}) >= 2700
    package = [s for s in symbols if s["source"] == "package"]
    assert len(package) > 2000
    # The probe typeset every one of them: LaTeX (LuaLaTeX for logix) draws its preview, bar a handful.
    assert sum(s["preview_kind"] == "latex" for s in package) >= len(package) - 10
    for symbol in package:
        assert symbol["id"] == f"{symbol['package'] or 'latex2e'}-OT1-{symbol['command'].replace(chr(92), '_')}"
        assert (MODELS / symbol["preview"]).is_file(), symbol["id"]


def test_catalogue_issue_symbols_are_there_with_their_packages(symbols):
    packages = defaultdict(set)
    for symbol in symbols:
        packages[symbol["command"]].add(symbol["package"])
    for command in ("\\beth", "\\gimel", "\\daleth"):
        assert "amssymb" in packages[command], command
    for command in ("\\coloneqq", "\\Coloneqq", "\\eqqcolon", "\\vcentcolon", "\\dblcolon"):
        assert "mathtools" in packages[command], command
    for command in ("\\Join", "\\ulcorner", "\\bigtimes", "\\sslash", "\\boxast", "\\oast", "\\obar"):
        assert packages[command], command
    assert None in packages["\\lgroup"] and None in packages["\\lmoustache"]  # kernel symbols need no package
    # Packages that restyle standard commands have their own entry for them.
    assert {None, "MnSymbol", "stix", "fdsymbol", "mathabx"} <= packages["\\leftarrow"]


def test_catalogue_package_symbols_never_answer_for_an_older_group(symbols):
    by_glyph = defaultdict(list)
    for symbol in symbols:
        by_glyph[symbol["glyph"]].append(symbol)
    by_id = {symbol["id"]: symbol for symbol in symbols}
    for glyph, members in by_glyph.items():
        if any(member["source"] != "package" for member in members):
            assert by_id[glyph]["source"] != "package", glyph


def test_catalogue_keeps_every_label_of_the_shipped_model(symbols):
    labels = json.loads((MODELS / "model.json").read_text(encoding="utf-8"))["labels"]
    by_id = {symbol["id"]: symbol for symbol in symbols}
    assert [label for label in labels if label not in by_id] == []
    # A label that no longer represents its group shares it with another label (a merge of two answers).
    glyphs_of_labels = defaultdict(list)
    for label in labels:
        glyphs_of_labels[by_id[label]["glyph"]].append(label)
    for glyph, members in glyphs_of_labels.items():
        if glyph not in members:
            assert len(members) > 1 or by_id[glyph]["source"] != "package", (glyph, members)
