"""Symbol search over the shipped catalogue: a writer who knows a name, a command or the character finds it."""

import pytest

from backend.catalogue import load_catalogue, parse_catalogue
from backend.symbol_search import SymbolIndex
from backend.usage_prior import Usage
from tests.backend.model_fixtures import SYMBOLS, write_catalogue


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogue")
    write_catalogue(folder)
    return SymbolIndex(load_catalogue(folder / "symbols.json").symbols)


@pytest.mark.parametrize(
    ("query", "command"),
    [
        ("leq", "\\leq"),
        ("\\leq", "\\leq"),
        ("LEQ", "\\leq"),
        ("less than or equal", "\\leq"),
        ("less-than or equal to", "\\leq"),
        ("≤", "\\leq"),
        ("alpha", "\\alpha"),
        ("right arrow", "\\rightarrow"),
        ("Rightarrow", "\\Rightarrow"),
        ("Delta", "\\Delta"),
        ("delta", "\\delta"),
        ("infinity", "\\infty"),
        ("integral", "\\int"),
        ("plus", "+"),
    ],
)
def test_search_shipped_catalogue_puts_the_meant_symbol_first(shipped_index, query, command):
    assert shipped_index.search(query)[0].command == command


def test_search_package_filter_keeps_only_that_package(shipped_index):
    found = shipped_index.search("", package="stmaryrd")
    assert found
    assert all("stmaryrd" in hit.packages for hit in found)


def test_search_mode_filter(shipped_index):
    assert all(hit.symbol.text for hit in shipped_index.search("", mode="text"))
    assert all(hit.symbol.math for hit in shipped_index.search("arrow", mode="math"))


def test_search_prefers_representative_over_alias(fixture_index):
    found = fixture_index.search("→")
    assert [symbol.command for symbol in found] == ["\\rightarrow", "\\to"]


def test_search_empty_query_without_usage_lists_everything_in_catalogue_order(fixture_index):
    assert [hit.symbol.id for hit in fixture_index.search("")] == [s["id"] for s in SYMBOLS]


def test_search_shipped_empty_query_lists_the_most_used_first(shipped_index):
    hits = shipped_index.search("")
    usage = [hit.usage for hit in hits]
    assert usage == sorted(usage, reverse=True)
    assert hits[0].usage > 100 and not hits[0].command.startswith("\\text"), hits[0].command


def test_search_unknown_words_find_nothing(fixture_index):
    assert fixture_index.search("qqqq zzzz") == []


def test_search_shipped_arrow_puts_a_plain_arrow_in_the_first_three(shipped_index):
    first = [hit.command for hit in shipped_index.search("arrow")[:3]]
    assert {"\\rightarrow", "\\leftarrow"} & set(first), first


def test_search_shipped_to_finds_the_alias_in_the_rightarrow_group(shipped_index):
    hit = shipped_index.search("to")[0]
    assert hit.command == "\\to" and hit.symbol.glyph == "latex2e-OT1-_rightarrow"


def test_search_shipped_leq_lists_leq_before_triangleq(shipped_index):
    commands = [hit.command for hit in shipped_index.search("leq")]
    assert commands[0] == "\\leq"
    assert commands.index("\\leq") < commands.index("\\triangleq")


def test_search_shipped_command_of_several_packages_is_one_row_naming_them_all(shipped_index):
    hits = [hit for hit in shipped_index.search("integral") if hit.command == "\\iint"]
    assert len(hits) == 1
    assert hits[0].packages[:2] == ("amsmath", "esint")  # then the symbol packages that restyle it
    assert hits[0].symbol.package == "amsmath"
    hbar = [hit for hit in shipped_index.search("hbar") if hit.command == "\\hbar"]
    assert len(hbar) == 1 and hbar[0].packages[:2] == ("latex2e", "amssymb") and hbar[0].symbol.package is None


def test_search_shipped_rows_are_distinct_commands(shipped_index):
    commands = [hit.command for hit in shipped_index.search("")]
    assert len(commands) == len(set(commands)) == len(shipped_index)


def _entry(symbol_id, command, package=None, names=(), glyph=None):
    return {
        "id": symbol_id,
        "command": command,
        "package": package,
        "fontenc": "OT1",
        "math": True,
        "text": False,
        "unicode": None,
        "glyph": glyph or symbol_id,
        "source": "detexify",
        "preview": "previews/x.svg",
        "preview_kind": "latex",
        "names": list(names),
    }


def test_search_more_used_command_wins_a_tie_of_exactness():
    symbols = [
        _entry("a", "\\rareleftarrow", names=["leftwards arrow"]),
        _entry("b", "\\commonleftarrow", names=["leftwards arrow"]),
        _entry("c", "\\arrowhead", names=["arrow head"]),
    ]
    catalogue = parse_catalogue({"catalogue_version": 1, "symbols": symbols})
    usage = Usage({"\\commonleftarrow": 40, "\\rareleftarrow": 1, "\\arrowhead": 0}, {})
    ranked = [hit.command for hit in SymbolIndex(catalogue.symbols, usage).search("leftwards")]
    assert ranked == ["\\commonleftarrow", "\\rareleftarrow"]
    # Partial matches are one tier: a command that starts with the query does not beat a more used word match
    # (thousands of symbol-package commands start with "arrow"); an exact name still does.
    assert SymbolIndex(catalogue.symbols, usage).search("arrow")[0].command == "\\commonleftarrow"
    assert SymbolIndex(catalogue.symbols, usage).search("arrow head")[0].command == "\\arrowhead"
    # Without usage counts the order is the old one (shorter command, then catalogue order).
    assert [hit.command for hit in SymbolIndex(catalogue.symbols).search("leftwards")] == ranked[::-1]


def test_search_package_filter_finds_a_row_by_any_of_its_packages():
    symbols = [_entry("amsmath-OT1-_iint", "\\iint", "amsmath"), _entry("esint-OT1-_iint", "\\iint", "esint")]
    index = SymbolIndex(parse_catalogue({"catalogue_version": 1, "symbols": symbols}).symbols)
    for package in ("amsmath", "esint", "ESINT"):
        assert [hit.symbol.id for hit in index.search("", package=package)] == ["amsmath-OT1-_iint"]
    assert index.search("", package="wasysym") == []
