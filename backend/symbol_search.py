"""Search the catalogue the way a writer remembers a symbol: by command, name, character or package.

`leq`, `\\leq`, `less than or equal` and `≤` all find `\\leq`. One row per command: a command several packages
offer (`\\iint` of amsmath and esint) is one hit naming every package. Matches are ranked by how exact they are
(exact command, then the character, exact name, then partial matches as one tier: command prefix, word prefix,
substring; with thousands of symbol-package commands a prefix alone says little), then the command
in the query's own case, then how commonly the command is used (files of TeX Live's documentation using it,
`models/usage.json`, the counts behind the recognizer's usage prior), the representative of a look-alike group
before its aliases, the shorter command, and catalogue order. An empty query lists every command, the most
used first, then in catalogue order (Detexify's order keeps families together).
A symbol package's own spelling of a symbol another command represents (`\\plus` prints `+`) lifts that command's
row to its match: "plus" finds `+` first.
A linear scan over some six thousand commands takes about a millisecond, so no index is worth its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backend.catalogue import Symbol
from backend.usage_prior import Usage

ModeFilter = Literal["math", "text"]
# _rank's tiers PARTIAL..SUBSTRING are partial matches (command prefix, word prefix, substring): one tier.
PARTIAL = 4
SUBSTRING = 6
# Symbols of LaTeX itself have no package; a filter for them needs a name.
BUILTIN_PACKAGE = "latex2e"
# Which of several entries of one command a row shows: no package, then amsmath/amssymb, then others; OT1 first.
_PACKAGE_PREFERENCE = {None: 0, "amsmath": 1, "amssymb": 1}


@dataclass(frozen=True)
class SearchHit:
    """One row of the answer: a command, the entry that stands for it, and every package that offers it."""

    symbol: Symbol  # the preferred entry: its id, package and preview are the row's
    packages: tuple[str, ...]  # every package offering the command, preferred first; "latex2e": none needed
    usage: int  # files of the usage corpus that use the command (0 where unknown)

    @property
    def command(self) -> str:
        return self.symbol.command


@dataclass(frozen=True)
class _Keys:
    hit: SearchHit
    symbol: Symbol
    command: str  # as written, e.g. "\\Delta"
    command_folded: str  # lower case, no backslash: "delta"
    names: tuple[str, ...]  # folded
    words: frozenset[str]  # every word of the names, the command and the packages
    packages: frozenset[str]
    # Everything searchable in one string: one `in` test rules out most symbols for a query.
    haystack: str


def _fold(text: str) -> str:
    """Case, a leading backslash and hyphens do not matter: "Less-than" finds "less than"."""
    return " ".join(text.strip().lstrip("\\").casefold().replace("-", " ").split())


def _keys(hit: SearchHit, entries: Sequence[Symbol]) -> _Keys:
    symbol = hit.symbol
    names = tuple(dict.fromkeys(_fold(name) for entry in entries for name in entry.names))
    command_folded = _fold(symbol.command)
    words = frozenset({word for name in names for word in name.split()} | {command_folded, *hit.packages})
    haystack = "\n".join([command_folded, *names, *hit.packages])
    return _Keys(hit, symbol, symbol.command, command_folded, names, words, frozenset(hit.packages), haystack)


def _preference(symbol: Symbol) -> tuple[int, int]:
    return (_PACKAGE_PREFERENCE.get(symbol.package, 2), 1 if symbol.fontenc == "T1" else 0)


class SymbolIndex:
    def __init__(self, symbols: Sequence[Symbol], usage: Usage | None = None) -> None:
        by_command: dict[str, list[Symbol]] = {}
        for symbol in symbols:
            by_command.setdefault(symbol.command, []).append(symbol)
        self._keys = []
        for command, entries in by_command.items():
            ordered = sorted(entries, key=_preference)  # stable: catalogue order breaks ties
            packages = tuple(dict.fromkeys(entry.package or BUILTIN_PACKAGE for entry in ordered))
            hit = SearchHit(ordered[0], packages, usage.command_usage(command) if usage is not None else 0)
            self._keys.append(_keys(hit, ordered))
        # glyph -> the row of its representative's command, where that row's entry is the representative.
        self._representative_rows = {
            keys.symbol.glyph: keys.hit for keys in self._keys if keys.symbol.glyph == keys.symbol.id
        }

    def __len__(self) -> int:
        """Rows: distinct commands."""
        return len(self._keys)

    def search(self, query: str = "", package: str | None = None, mode: ModeFilter | None = None) -> list[SearchHit]:
        """Every matching command, best first."""
        raw = query.strip()
        folded = _fold(raw)
        parts = folded.split()
        typed = raw.lstrip("\\").replace(" ", "")
        wanted_package = package.casefold() if package is not None else None
        ranked = []
        for order, keys in enumerate(self._keys):
            if wanted_package is not None and wanted_package not in keys.packages:
                continue
            if mode == "math" and not keys.symbol.math or mode == "text" and not keys.symbol.text:
                continue
            if raw:
                if raw != keys.symbol.unicode and not all(part in keys.haystack for part in parts):
                    continue
                rank = _rank(keys, raw, folded, parts)
                if rank is None:
                    continue
                # Partial matches (a prefix or a part of a command or name) are one tier, ordered by use:
                # "arrow" finds \\rightarrow before symbol packages' \\arrownot.
                rank = PARTIAL if PARTIAL <= rank <= SUBSTRING else rank
            else:
                rank = 0
            # Ties: the command in the query's own case ("right arrow": \\rightarrow before \\Rightarrow), the
            # more commonly used command, the glyph's representative before its aliases, the shorter command.
            # Browsing (no query) lists the most used commands first: a user looking for a symbol by eye meets
            # \\alpha and \\sum before \\textasciicircum (issue 24).
            other_case = bool(raw) and typed not in keys.command
            usage = -keys.hit.usage
            alias = bool(raw) and keys.symbol.glyph != keys.symbol.id
            length = len(keys.command) if raw else 0
            ranked.append((rank, other_case, usage, alias, length, order, keys.hit))
        ranked = _lift_representatives(ranked, self._representative_rows) if raw else ranked
        ranked.sort(key=lambda entry: entry[:6])
        return [entry[6] for entry in ranked]


def _lift_representatives(ranked: list[tuple], representative_rows: dict[str, SearchHit]) -> list[tuple]:
    """A symbol package's own spelling of a symbol that another command represents (`\\plus` of MnSymbol and
    fdsymbol prints `+`) lifts the representative's row to its rank: "plus" finds `+` before `\\plus` (equal
    ranks: the representative first, as for aliases)."""
    best: dict[str, tuple] = {}
    for entry in ranked:
        symbol = entry[6].symbol
        if symbol.source == "package" and symbol.glyph != symbol.id:
            best[symbol.glyph] = min(best.get(symbol.glyph, entry[:2]), entry[:2])
    lifted = {id(representative_rows[glyph]): key for glyph, key in best.items() if glyph in representative_rows}
    return [(*min(entry[:2], lifted.get(id(entry[6]), entry[:2])), *entry[2:]) for entry in ranked]


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
    if folded in keys.packages:
        return 7
    # Several words: each must start a word of the names, the command or the package ("arrow double left").
    if len(parts) > 1 and all(any(word.startswith(part) for word in keys.words) for part in parts):
        return 8
    return None
