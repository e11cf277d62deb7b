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
PREVIEW_JOINS = REPO / "training" / "catalogue" / "preview_lookalikes.json"
DETEXIFY = REPO.parent / "shared" / "data" / "detexify-symbols.json"
SOURCES = {"detexify", "crohme", "alphanumeric", "typst", "alias", "package"}


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
        # LaTeX package names are case-sensitive: MnSymbol.
        assert symbol.package is None or re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", symbol.package), symbol.id
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
    lookalikes = json.loads(OVERRIDES.read_text(encoding="utf-8"))["lookalikes"]
    merged = {command for item in lookalikes for command in item["commands"]}
    # Package symbols the build joined to the group their preview prints (and the groups they joined).
    joins = json.loads(PREVIEW_JOINS.read_text(encoding="utf-8"))["joins"]
    joined = {join["id"] for join in joins} | {join["joins"] for join in joins}
    for symbol in catalogue.symbols:
        if symbol.unicode is None and symbol.command not in merged and symbol.glyph not in joined:
            members = catalogue.members(symbol.id)
            assert members == (symbol,) or any(m.id in joined for m in members), symbol.id


def test_members_lists_representative_first(catalogue):
    group = catalogue.members("latex2e-OT1-<")
    assert group[0].id == "latex2e-OT1-<"
    assert "latex2e-OT1-_textless" in {s.id for s in group}
    assert all(s.glyph == "latex2e-OT1-<" for s in group)
    assert catalogue.members("no-such-id") == ()


def test_alternatives_leave_out_the_symbol_itself(catalogue):
    alternatives = [s.id for s in catalogue.alternatives("latex2e-OT1-_textless")]
    assert alternatives[0] == "latex2e-OT1-<"  # the representative first, then symbol packages' copies
    assert "latex2e-OT1-_textless" not in alternatives and "MnSymbol-OT1-_less" in alternatives


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


# Independent of overrides.json: a look-alike key from the Unicode character's name. Shapes that differ only in
# size, Greek capitals drawn as Latin ones, double-struck letters of any block and horizontal strokes of any
# length share a key; a glyph group is one answer, so no two representatives may share a key.
_SIZE_WORDS = re.compile(r"\b(MEDIUM SMALL|SMALL|MEDIUM|LARGE|BIG) ")
_SHAPES = ("SQUARE", "CIRCLE", "TRIANGLE", "DIAMOND", "LOZENGE")
_GREEK_AS_LATIN = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΧ", "ABEZHIKMNOPTX", strict=True))
_HORIZONTAL_STROKES = {"HYPHEN", "HYPHEN-MINUS", "MINUS SIGN", "EN DASH", "EM DASH", "FIGURE DASH"}


def lookalike_key(char: str | None) -> str | None:
    import unicodedata

    if char is None:
        return None
    if char in _GREEK_AS_LATIN:
        return "LATIN CAPITAL LETTER " + _GREEK_AS_LATIN[char]
    name = unicodedata.name(char, "")
    if name in _HORIZONTAL_STROKES:
        return "HORIZONTAL STROKE"
    if "DOUBLE-STRUCK" in name:
        return name.removeprefix("MATHEMATICAL ")
    plain_shape = not any(word in name for word in ("CIRCLED", "SQUARED", "ARROW", "N-ARY", "VERY SMALL"))
    if plain_shape and any(shape in name for shape in _SHAPES):  # very small shapes are drawn as dots
        return _SIZE_WORDS.sub("", name)
    return None


def test_load_catalogue_committed_no_two_representatives_share_a_lookalike_key(catalogue):
    seen: dict[str, str] = {}
    clashes = []
    for symbol in catalogue.symbols:
        key = lookalike_key(symbol.unicode)
        if symbol.glyph != symbol.id or key is None:
            continue
        if key in seen:
            clashes.append((key, seen[key], symbol.id))
        seen[key] = symbol.id
    assert clashes == []
    assert len(seen) > 40  # the key does find shapes, letters and strokes


def _glyph_of(catalogue, symbol_id):
    return catalogue.by_id[symbol_id].glyph


def test_load_catalogue_committed_issue_lookalikes_are_one_answer(catalogue):
    same = [
        ("unicode-math-TU-_mupBeta", "latex2e-OT1-B"),
        ("unicode-math-TU-_mupChi", "latex2e-OT1-X"),
        ("wasysym-OT1-_Square", "amssymb-OT1-_square"),
        ("unicode-math-TU-_mdwhtsquare", "amssymb-OT1-_square"),
        ("amssymb-OT1-_Box", "amssymb-OT1-_square"),
        ("dsfont-OT1-_mathds{R}", "amssymb-OT1-_mathbb{R}"),
        ("bbm-OT1-_mathbbm{R}", "amssymb-OT1-_mathbb{R}"),
        ("bbm-OT1-_mathbbm{1}", "bbold-OT1-_mathbb{1}"),
        ("latex2e-OT1-_bigcirc", "latex2e-OT1-_circ"),
    ]
    # Size twins (issue 23): an n-ary operator and what it enlarges print one shape once scaled to the box.
    twins = [("sum", "Sigma"), ("prod", "Pi"), ("coprod", "amalg"), ("bigoplus", "oplus"), ("bigcup", "cup")]
    same += [(f"latex2e-OT1-_{big}", _glyph_of(catalogue, f"latex2e-OT1-_{small}")) for big, small in twins]
    for member, representative in same:
        assert _glyph_of(catalogue, member) == representative, member
    # The representative is the everyday command: \mathbb{R}, not dsfont's \mathds{R}.
    assert catalogue.members("dsfont-OT1-_mathds{R}")[0].command == "\\mathbb{R}"


def test_load_catalogue_committed_shapes_a_hand_can_tell_apart_stay_apart(catalogue):
    apart = [
        ("stmaryrd-OT1-_Longmapsfrom", "stmaryrd-OT1-_Mapsfrom"),  # long vs short: the aspect shows it
        ("latex2e-OT1-_longrightarrow", "latex2e-OT1-_rightarrow"),
        ("mathrsfs-OT1-_mathscr{A}", "amssymb-OT1-_mathcal{A}"),  # roundhand vs calligraphic
        ("latex2e-OT1-x", "latex2e-OT1-X"),  # letter case is the writer's choice
        ("amssymb-OT1-_square", "amssymb-OT1-_blacksquare"),  # open vs filled
        ("latex2e-OT1-_cdot", "latex2e-OT1-."),  # position on the line
    ]
    for first, second in apart:
        assert _glyph_of(catalogue, first) != _glyph_of(catalogue, second), (first, second)


def test_load_catalogue_committed_aliases_never_represent_a_group_of_detexify_commands(catalogue):
    for symbol in catalogue.symbols:
        if symbol.source == "alias" and symbol.glyph == symbol.id:
            # Only where the alias is the everyday form and needs a lighter package (amssymb's \mathbb).
            others = [s for s in catalogue.members(symbol.id) if s.id != symbol.id and s.source != "alias"]
            assert all(s.package not in (None, "amssymb", "amsmath") for s in others), symbol.id


def test_load_catalogue_committed_latex_aliases_join_their_targets_group(catalogue):
    by_command = {s.command: s for s in catalogue.symbols}
    pairs = {
        "\\to": "\\rightarrow",
        "\\gets": "\\leftarrow",
        "\\le": "\\leq",
        "\\ge": "\\geq",
        "\\ne": "\\neq",
        "\\land": "\\wedge",
        "\\lor": "\\vee",
        "\\lnot": "\\neg",
        "\\owns": "\\ni",
        "\\iff": "\\Longleftrightarrow",
        "\\implies": "\\Longrightarrow",
        "\\lvert": "|",
    }
    for alias, target in pairs.items():
        symbol = by_command[alias]
        assert symbol.source == "alias" and symbol.glyph == by_command[target].glyph, alias
        assert symbol.glyph != symbol.id  # the everyday command it aliases answers for the group
        assert symbol.unicode == by_command[target].unicode and symbol.math and not symbol.text, alias
    assert by_command["\\implies"].package == "amsmath" and by_command["\\to"].package is None


def test_load_catalogue_committed_representatives_are_the_everyday_commands(catalogue):
    by_command = {s.command: s for s in catalogue.symbols}
    assert catalogue.by_id[by_command["\\ldotp"].glyph].command == "."
    assert catalogue.by_id[by_command["\\surd"].glyph].command == "\\sqrt{}"
    assert catalogue.by_id[by_command["\\mathds{R}"].glyph].command == "\\mathbb{R}"
    assert catalogue.by_id[by_command["\\to"].glyph].command == "\\rightarrow"
