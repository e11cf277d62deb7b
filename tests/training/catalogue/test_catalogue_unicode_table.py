"""Command -> Unicode table: source priority, documented overrides, the committed override file."""

from __future__ import annotations

import json
import re

import pytest

from training.catalogue.detexify import CatalogueInputError
from training.catalogue.unicode_table import (
    OVERRIDES_PATH,
    TEX_TABLES,
    Override,
    build_table,
    load_overrides,
    read_tex_table,
    read_unicodeit,
    unicode_overrides,
)


def test_build_table_first_source_wins_and_both_directions_agree():
    table = build_table([("first", [("\\star", "⋆")]), ("second", [("\\star", "*"), ("\\ast", "*")])])
    assert table.char_for("\\star") == "⋆"
    assert table.source_for("\\star") == "first"
    assert table.commands_for("*") == ("\\ast",)
    assert table.commands_for("⋆") == ("\\star",)


def test_build_table_single_character_command_is_itself():
    table = build_table([])
    assert table.char_for("+") == "+"
    assert table.source_for("+") == "literal"
    assert table.char_for("\\nosuch") is None


def test_build_table_override_same_as_uses_pattern_groups():
    overrides = [
        Override(r"\\Up(gamma)", None, "\\$^1", "capital"),
        Override(r"\\(Cancer)", None, "\\$_1", "lower"),
        Override(r"\\thick(sim)", None, "\\$1", "plain"),
    ]
    table = build_table([("t", [("\\Gamma", "Γ"), ("\\cancer", "♋"), ("\\sim", "∼")])], overrides)
    assert table.char_for("\\Upgamma") == "Γ"
    assert table.char_for("\\Cancer") == "♋"
    assert table.char_for("\\thicksim") == "∼"
    assert table.source_for("\\thicksim") == "override"


def test_build_table_override_without_character_removes_it():
    table = build_table([("t", [("\\smile", "☺")])], [Override(re.escape("\\smile"), None, None, "wrong")])
    assert table.char_for("\\smile") is None
    assert table.commands_for("☺") == ()


def test_build_table_override_loop_is_an_error():
    overrides = [Override(r"\\a", None, "\\b", "x"), Override(r"\\b", None, "\\a", "x")]
    with pytest.raises(CatalogueInputError, match="loops"):
        build_table([], overrides).char_for("\\a")


def test_read_tex_table_reads_unicode_math_lines(tmp_path):
    table = next(t for t in TEX_TABLES if t.name == "unicode-math")
    path = tmp_path / table.files[0]
    path.parent.mkdir(parents=True)
    path.write_text(
        '\\UnicodeMathSymbol{"022C6}{\\star                    }{\\mathbin}{star operator}%\n'
        '\\UnicodeMathSymbol{"00009}{\\tab }{\\mathord}{control}%\n',
        encoding="utf-8",
    )
    assert read_tex_table(table, tmp_path) == [("\\star", "⋆")]
    assert read_tex_table(table, tmp_path / "absent") == []


def test_read_unicodeit_gives_single_characters():
    pairs = dict(read_unicodeit())
    assert pairs["\\alpha"] == "α"
    assert all(len(char) == 1 for char in pairs.values())


def test_load_overrides_requires_a_reason(tmp_path):
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"unicode": [{"command": "\\x", "unicode": "x"}]}), encoding="utf-8")
    with pytest.raises(CatalogueInputError, match="why"):
        load_overrides(path)


def test_committed_overrides_are_documented_and_compile():
    data = load_overrides(OVERRIDES_PATH)
    overrides = unicode_overrides(data)
    assert overrides
    for override in overrides:
        re.compile(override.pattern)
        assert override.why
        assert (override.char is None) or (override.same_as is None)
    for look in data["distinct_looks"]:
        re.compile(look["pattern"])
        assert look["look"] and look["why"]
