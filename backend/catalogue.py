"""The symbol catalogue at run time: `models/symbols.json` (docs/contracts.md section 1) as frozen objects.

`load_catalogue(path)` reads and checks the file once; lookups are dictionary reads. A missing or malformed
file raises `CatalogueError` naming the file and the first problem, so the server fails at start-up, not on
the first request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED_VERSION = 1
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "models" / "symbols.json"


class CatalogueError(ValueError):
    """The catalogue file is missing or not in the contract's shape."""


@dataclass(frozen=True)
class Symbol:
    """One catalogue entry; field meanings are those of docs/contracts.md section 1."""

    id: str
    command: str
    package: str | None
    fontenc: str | None
    math: bool
    text: bool
    unicode: str | None
    glyph: str
    source: str
    preview: str
    preview_kind: str
    names: tuple[str, ...]

    @property
    def mode(self) -> str:
        """ "math", "text" or "both", as the HTTP API reports it."""
        if self.math and self.text:
            return "both"
        return "math" if self.math else "text"


@dataclass(frozen=True)
class Catalogue:
    """All symbols in file order, by id, and grouped by glyph (alias groups)."""

    symbols: tuple[Symbol, ...]
    by_id: dict[str, Symbol] = field(repr=False)
    groups: dict[str, tuple[Symbol, ...]] = field(repr=False)
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.symbols)

    def __contains__(self, symbol_id: object) -> bool:
        return symbol_id in self.by_id

    def get(self, symbol_id: str) -> Symbol | None:
        return self.by_id.get(symbol_id)

    def members(self, glyph_id: str) -> tuple[Symbol, ...]:
        """The alias group of `glyph_id` (a representative id; any member's id works too), representative
        first; empty for an unknown id."""
        symbol = self.by_id.get(glyph_id)
        if symbol is None:
            return ()
        return self.groups[symbol.glyph]

    def alternatives(self, symbol_id: str) -> tuple[Symbol, ...]:
        """The other members of a symbol's alias group."""
        return tuple(s for s in self.members(symbol_id) if s.id != symbol_id)

    def preview_path(self, symbol_id: str) -> Path | None:
        """Absolute path of a symbol's preview SVG (relative paths are relative to the catalogue's folder)."""
        symbol = self.by_id.get(symbol_id)
        if symbol is None or self.path is None:
            return None
        return self.path.parent / symbol.preview


_REQUIRED: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "command": (str,),
    "package": (str, type(None)),
    "fontenc": (str, type(None)),
    "math": (bool,),
    "text": (bool,),
    "unicode": (str, type(None)),
    "glyph": (str,),
    "source": (str,),
    "preview": (str,),
    "preview_kind": (str,),
    "names": (list,),
}


def _symbol(raw: Any, index: int, where: str) -> Symbol:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: symbols[{index}] is not an object")
    for key, types in _REQUIRED.items():
        if key not in raw:
            raise CatalogueError(f"{where}: symbols[{index}] lacks {key!r}")
        if not isinstance(raw[key], types):
            raise CatalogueError(f"{where}: symbols[{index}].{key} has type {type(raw[key]).__name__}")
    if not (raw["math"] or raw["text"]):
        raise CatalogueError(f"{where}: symbols[{index}] ({raw['id']}) works in neither math nor text mode")
    if not all(isinstance(name, str) for name in raw["names"]):
        raise CatalogueError(f"{where}: symbols[{index}].names must be strings")
    return Symbol(**{**{key: raw[key] for key in _REQUIRED}, "names": tuple(raw["names"])})


def parse_catalogue(data: Any, where: str = "catalogue", path: Path | None = None) -> Catalogue:
    """Check a decoded symbols.json and build the lookups."""
    if not isinstance(data, dict) or not isinstance(data.get("symbols"), list):
        raise CatalogueError(f"{where}: expected an object with a 'symbols' list")
    if data.get("catalogue_version") != SUPPORTED_VERSION:
        raise CatalogueError(f"{where}: catalogue_version {data.get('catalogue_version')!r}, expected 1")
    symbols = tuple(_symbol(raw, index, where) for index, raw in enumerate(data["symbols"]))
    by_id: dict[str, Symbol] = {}
    for symbol in symbols:
        if symbol.id in by_id:
            raise CatalogueError(f"{where}: duplicate id {symbol.id!r}")
        by_id[symbol.id] = symbol
    grouped: dict[str, list[Symbol]] = {}
    for symbol in symbols:
        if symbol.glyph not in by_id:
            raise CatalogueError(f"{where}: {symbol.id} names glyph {symbol.glyph!r}, which is no catalogue id")
        grouped.setdefault(symbol.glyph, []).append(symbol)
    groups = {glyph: tuple(sorted(members, key=lambda s: s.id != glyph)) for glyph, members in grouped.items()}
    for glyph, members in groups.items():
        if members[0].id != glyph:
            raise CatalogueError(f"{where}: glyph {glyph!r} is not a member of its own group")
    return Catalogue(symbols, by_id, groups, path)


def load_catalogue(path: Path | str = DEFAULT_PATH) -> Catalogue:
    """Read and check `symbols.json`; raises CatalogueError when it is missing or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CatalogueError(f"catalogue not found: {path} (run `make catalogue`)") from error
    except OSError as error:
        raise CatalogueError(f"catalogue unreadable: {path}: {error}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError(f"catalogue is not valid JSON: {path}: {error}") from error
    return parse_catalogue(data, str(path), path.resolve())
