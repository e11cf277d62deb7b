"""The committed catalogue (models/symbols.json + previews) and its loader backend/catalogue.py."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from backend.catalogue import DEFAULT_PATH, CatalogueError, load_catalogue, parse_catalogue

REPO = Path(__file__).resolve().parents[2]
OVERRIDES = REPO / "training" / "catalogue" / "overrides.json"
DETEXIFY = REPO.parent / "shared" / "data" / "detexify-symbols.json"
SOURCES = {"detexify", "crohme", "alphanumeric", "typst"}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(DEFAULT_PATH)


def _key(package: str, fontenc: str, command: str) -> str:
    return f"{package}-{fontenc}-{command.replace(chr(92), '_')}"


def test_load_catalogue_committed_has_1098_unique_detexify_ids(catalogue):
    detexify = [s for s in catalogue.symbols if s.source == "detexify"]
    assert len(detexify) == 1098
    assert len({s.id for s in catalogue.symbols}) == len(catalogue.symbols)


@pytest.mark.skipif(not DETEXIFY.is_file(), reason="shared data not on this machine")
def test_load_catalogue_committed_ids_are_exactly_detexifys(catalogue):
    expected = {item["id"] for item in json.loads(DETEXIFY.read_text(encoding="utf-8"))}
    assert {s.id for s in catalogue.symbols if s.source == "detexify"} == expected


def test_load_catalogue_committed_ids_follow_key_format(catalogue):
    for symbol in catalogue.symbols:
        package = symbol.package or "latex2e"
        if symbol.source == "detexify":
            package = symbol.id.split("-", 1)[0]  # the key names the package Detexify drew it with
        assert symbol.id == _key(package, symbol.fontenc or "TU", symbol.command), symbol.id


def test_load_catalogue_committed_entries_are_complete(catalogue):
    for symbol in catalogue.symbols:
        assert symbol.command, symbol.id
        assert symbol.math or symbol.text, symbol.id
        assert symbol.package is None or re.fullmatch(r"[a-z][a-z0-9-]*", symbol.package), symbol.id
        assert symbol.fontenc in ("OT1", "T1", None), symbol.id
        assert symbol.source in SOURCES, symbol.id
        assert symbol.preview_kind in ("latex", "unicode-font"), symbol.id
        assert symbol.names and symbol.names[0], symbol.id
        assert symbol.unicode is None or len(symbol.unicode) == 1, symbol.id


def test_load_catalogue_committed_latex2e_needs_no_package(catalogue):
    for symbol in catalogue.symbols:
        if symbol.id.startswith("latex2e-"):
            assert symbol.package is None, symbol.id


def test_load_catalogue_committed_previews_exist(catalogue):
    for symbol in catalogue.symbols:
        path = catalogue.preview_path(symbol.id)
        assert path is not None and path.is_file(), symbol.id
        head = path.read_text(encoding="utf-8")[:200]
        assert head.startswith("<svg"), symbol.id
    assert sum(s.preview_kind == "latex" for s in catalogue.symbols) > 1098 - 20


def test_load_catalogue_committed_unicode_has_one_group_except_documented_looks(catalogue):
    looks = [d["pattern"] for d in json.loads(OVERRIDES.read_text(encoding="utf-8"))["distinct_looks"]]
    by_char = defaultdict(set)
    for symbol in catalogue.symbols:
        if symbol.unicode is not None and not any(re.fullmatch(p, symbol.command) for p in looks):
            by_char[symbol.unicode].add(symbol.glyph)
    split = {char: glyphs for char, glyphs in by_char.items() if len(glyphs) > 1}
    assert split == {}


def test_load_catalogue_committed_symbols_without_unicode_stand_alone(catalogue):
    for symbol in catalogue.symbols:
        if symbol.unicode is None:
            assert catalogue.members(symbol.id) == (symbol,)


def test_members_lists_representative_first(catalogue):
    group = catalogue.members("latex2e-OT1-<")
    assert group[0].id == "latex2e-OT1-<"
    assert "latex2e-OT1-_textless" in {s.id for s in group}
    assert all(s.glyph == "latex2e-OT1-<" for s in group)
    assert catalogue.members("no-such-id") == ()


def test_alternatives_leave_out_the_symbol_itself(catalogue):
    alternatives = catalogue.alternatives("latex2e-OT1-_textless")
    assert [s.id for s in alternatives] == ["latex2e-OT1-<"]


def test_symbol_mode_names_both():
    data = {"catalogue_version": 1, "symbols": [_raw("a-OT1-x", math=True, text=True)]}
    assert parse_catalogue(data).by_id["a-OT1-x"].mode == "both"


def _raw(symbol_id: str, **changes) -> dict:
    raw = {
        "id": symbol_id,
        "command": "x",
        "package": None,
        "fontenc": "OT1",
        "math": True,
        "text": False,
        "unicode": "x",
        "glyph": symbol_id,
        "source": "detexify",
        "preview": "previews/x.svg",
        "preview_kind": "latex",
        "names": ["x"],
    }
    raw.update(changes)
    return raw


def test_load_catalogue_missing_file_names_it(tmp_path):
    with pytest.raises(CatalogueError, match="not found.*nothing.json"):
        load_catalogue(tmp_path / "nothing.json")


def test_load_catalogue_corrupt_json_is_reported(tmp_path):
    path = tmp_path / "symbols.json"
    path.write_text('{"catalogue_version": 1, "symbols": [', encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid JSON"):
        load_catalogue(path)


@pytest.mark.parametrize(
    "symbols, words",
    [
        ([{k: v for k, v in _raw("a").items() if k != "command"}], "lacks 'command'"),
        ([_raw("a", math=False, text=False)], "neither math nor text"),
        ([_raw("a"), _raw("a")], "duplicate id"),
        ([_raw("a", glyph="b")], "no catalogue id"),
        ([_raw("a", glyph="b"), _raw("b", glyph="a")], "not a member of its own group"),
        ([_raw("a", math="yes")], "math has type str"),
    ],
)
def test_parse_catalogue_bad_entries_are_named(symbols, words):
    with pytest.raises(CatalogueError, match=words):
        parse_catalogue({"catalogue_version": 1, "symbols": symbols})


def test_parse_catalogue_wrong_version_is_refused():
    with pytest.raises(CatalogueError, match="catalogue_version"):
        parse_catalogue({"catalogue_version": 2, "symbols": []})
