"""Search the catalogue the way a writer remembers a symbol: by command, name, character or package.

`leq`, `\\leq`, `less than or equal` and `≤` all find `\\leq`. Matches are ranked by how exact they are
(exact command, then the character, exact name, command prefix, word prefix, substring), then the command
in the query's own case, the representative of a look-alike group before its aliases, the shorter command,
and catalogue order.
A linear scan over about a thousand symbols takes well under a millisecond, so no index is worth its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backend.catalogue import Symbol

ModeFilter = Literal["math", "text"]
# Symbols of LaTeX itself have no package; a filter for them needs a name.
BUILTIN_PACKAGE = "latex2e"


@dataclass(frozen=True)
class _Keys:
    symbol: Symbol
    command: str  # as written, e.g. "\\Delta"
    command_folded: str  # lower case, no backslash: "delta"
    names: tuple[str, ...]  # folded
    words: frozenset[str]  # every word of the names, the command and the package
    package: str
    # Everything searchable in one string: one `in` test rules out most symbols for a query.
    haystack: str


def _fold(text: str) -> str:
    """Case, a leading backslash and hyphens do not matter: "Less-than" finds "less than"."""
    return " ".join(text.strip().lstrip("\\").casefold().replace("-", " ").split())


def _keys(symbol: Symbol) -> _Keys:
    names = tuple(_fold(name) for name in symbol.names)
    command_folded = _fold(symbol.command)
    package = symbol.package or BUILTIN_PACKAGE
    words = frozenset({word for name in names for word in name.split()} | {command_folded, package})
    haystack = "\n".join([command_folded, *names, package])
    return _Keys(symbol, symbol.command, command_folded, names, words, package, haystack)


class SymbolIndex:
    def __init__(self, symbols: Sequence[Symbol]) -> None:
        self._keys = [_keys(symbol) for symbol in symbols]

    def search(self, query: str = "", package: str | None = None, mode: ModeFilter | None = None) -> list[Symbol]:
        """Every matching symbol, best first."""
        raw = query.strip()
        folded = _fold(raw)
        parts = folded.split()
        typed = raw.lstrip("\\").replace(" ", "")
        wanted_package = package.casefold() if package is not None else None
        ranked = []
        for order, keys in enumerate(self._keys):
            if wanted_package is not None and keys.package != wanted_package:
                continue
            if mode == "math" and not keys.symbol.math or mode == "text" and not keys.symbol.text:
                continue
            if raw:
                if raw != keys.symbol.unicode and not all(part in keys.haystack for part in parts):
                    continue
                rank = _rank(keys, raw, folded, parts)
                if rank is None:
                    continue
            else:
                rank = 0
            # Ties: the command in the query's own case ("right arrow": \\rightarrow before \\Rightarrow), the
            # glyph's representative before its aliases, then the shorter command.
            other_case = bool(raw) and typed not in keys.command
            alias = bool(raw) and keys.symbol.glyph != keys.symbol.id
            length = len(keys.command) if raw else 0
            ranked.append((rank, other_case, alias, length, order, keys.symbol))
        ranked.sort(key=lambda entry: entry[:5])
        return [entry[5] for entry in ranked]


def _rank(keys: _Keys, raw: str, folded: str, parts: list[str]) -> int | None:
    """How exactly a symbol matches (lower is better), or None; `raw` is the query as typed."""
    if raw == keys.command or "\\" + raw == keys.command:
        return 0
    if keys.symbol.unicode is not None and raw == keys.symbol.unicode:
        return 1
    if folded == keys.command_folded or folded.replace(" ", "") == keys.command_folded:
        return 2  # "leq", "LEQ", "right arrow" for \\rightarrow
    if folded in keys.names:
        return 3
    if keys.command_folded.startswith(folded):
        return 4
    if any(name.startswith(folded) for name in keys.names) or any(w.startswith(folded) for w in keys.words):
        return 5
    if folded in keys.command_folded or any(folded in name for name in keys.names):
        return 6
    if folded == keys.package:
        return 7
    # Several words: each must start a word of the names, the command or the package ("arrow double left").
    if len(parts) > 1 and all(any(word.startswith(part) for word in keys.words) for part in parts):
        return 8
    return None
