"""Fixtures several backend test modules share."""

import pytest

from backend.catalogue import load_catalogue
from backend.symbol_search import SymbolIndex
from backend.usage_prior import load_usage
from tests.backend.live_server import SHIPPED_MODEL_DIR


@pytest.fixture(scope="module")
def shipped_index():
    """Search over the committed catalogue with the committed usage counts."""
    catalogue = SHIPPED_MODEL_DIR / "symbols.json"
    if not catalogue.is_file():
        pytest.skip("models/symbols.json is not there yet (make catalogue)")
    return SymbolIndex(load_catalogue(catalogue).symbols, load_usage(SHIPPED_MODEL_DIR / "usage.json"))
