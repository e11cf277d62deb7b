"""Symbol search over the shipped catalogue: a writer who knows a name, a command or the character finds it."""

import pytest

from backend.catalogue import load_catalogue
from backend.symbol_search import SymbolIndex
from tests.backend.live_server import SHIPPED_MODEL_DIR
from tests.backend.model_fixtures import SYMBOLS, write_catalogue

CATALOGUE = SHIPPED_MODEL_DIR / "symbols.json"


@pytest.fixture(scope="module")
def shipped_index():
    if not CATALOGUE.is_file():
        pytest.skip("models/symbols.json is not there yet (make catalogue)")
    return SymbolIndex(load_catalogue(CATALOGUE).symbols)


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
    assert {symbol.package for symbol in found} == {"stmaryrd"}


def test_search_mode_filter(shipped_index):
    assert all(symbol.text for symbol in shipped_index.search("", mode="text"))
    assert all(symbol.math for symbol in shipped_index.search("arrow", mode="math"))


def test_search_prefers_representative_over_alias(fixture_index):
    found = fixture_index.search("→")
    assert [symbol.command for symbol in found] == ["\\rightarrow", "\\to"]


def test_search_empty_query_lists_everything_in_catalogue_order(fixture_index):
    assert [symbol.id for symbol in fixture_index.search("")] == [s["id"] for s in SYMBOLS]


def test_search_unknown_words_find_nothing(fixture_index):
    assert fixture_index.search("qqqq zzzz") == []
