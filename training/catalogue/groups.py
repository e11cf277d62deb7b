"""Alias groups (symbols that look the same) and search names.

Symbols share a `glyph` group when they share a Unicode character, unless `overrides.json` "distinct_looks"
says a command draws differently from the others with its character (`\\varnothing` vs `\\emptyset`, both
U+2205 in the tables): such a command forms a group of its own look. Symbols without a character stand alone.
The representative is the first member by `representative_rank` (documented in training/catalogue/README.md).

Look-alike sets (`overrides.json` "lookalikes") then merge whole groups whose symbols a hand draws identically
though their characters differ (the Greek capital Beta and B, `\\square` and wasysym's `\\Square`): the model
has one class per group, so the top-5 never shows two answers a person could not tell apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PACKAGE_RANK = {None: 0, "amsmath": 1, "amssymb": 1, "unicode-math": 3}
# Aliases (aliases.json) come last: a command's own Detexify entry or extra class represents its group.
# Package symbols (package_symbols.py) rank with the Typst extras: after every class the training data has.
SOURCE_RANK = {"detexify": 0, "crohme": 1, "alphanumeric": 1, "typst": 2, "package": 2, "alias": 3}


@dataclass(frozen=True)
class Member:
    """What grouping needs to know of a catalogue entry."""

    id: str
    command: str
    package: str | None
    fontenc: str | None
    math: bool
    unicode: str | None
    source: str


@dataclass(frozen=True)
class DistinctLook:
    """Commands (a regular expression over the command) that keep a group of their own, and why."""

    pattern: str
    look: str
    why: str


@dataclass(frozen=True)
class LookAlike:
    """Commands whose glyph groups merge into one (a hand draws them identically), why, and the command that
    represents the merged group where the usual rank would pick a rarer one (None: the usual rank)."""

    commands: tuple[str, ...]
    why: str
    prefer: str | None = None


def lookalikes(overrides: dict) -> list[LookAlike]:
    return [
        LookAlike(tuple(item["commands"]), item["why"], item.get("prefer")) for item in overrides.get("lookalikes", [])
    ]


def distinct_looks(overrides: dict) -> list[DistinctLook]:
    return [DistinctLook(d["pattern"], d["look"], d["why"]) for d in overrides.get("distinct_looks", [])]


def representative_rank(member: Member) -> tuple:
    """Sort key: package symbols (package_symbols.py) after every other member, so they never take an older
    group's answer; then no package, then amssymb/amsmath, then others; math mode first; OT1 before T1; Detexify
    before extras; shorter command; then command and id so the choice is total and stable."""
    return (
        1 if member.source == "package" else 0,
        PACKAGE_RANK.get(member.package, 2),
        0 if member.math else 1,
        1 if member.fontenc == "T1" else 0,
        SOURCE_RANK.get(member.source, 3),
        len(member.command),
        member.command,
        member.id,
    )


# A more used member replaces the rank's choice only when clearly more used: in at least this many files of
# the usage corpus and at least twice as many as the rank's choice (a file or two is noise).
USAGE_MIN_FILES = 5
USAGE_FACTOR = 2


def choose_representative(group: Sequence[Member], usage: Mapping[str, int] | None = None) -> Member:
    """The best member by `representative_rank`, unless a peer of it (same package class, mode and encoding, not
    an alias) is clearly more used (`models/usage.json` file counts): `.` over `\\ldotp`, `\\sqrt{}` over `\\surd`."""
    ranked = min(group, key=representative_rank)
    if not usage:
        return ranked
    peers = [ranked] + [
        m for m in group if m.source != "alias" and representative_rank(m)[:4] == representative_rank(ranked)[:4]
    ]
    best = min(peers, key=lambda m: (-usage.get(m.command, 0), representative_rank(m)))
    files = usage.get(best.command, 0)
    if files >= USAGE_MIN_FILES and files >= USAGE_FACTOR * usage.get(ranked.command, 0):
        return best
    return ranked


def look_of(command: str, looks: Sequence[DistinctLook]) -> str:
    for look in looks:
        if re.fullmatch(look.pattern, command):
            return look.look
    return ""


def glyph_groups(members: Sequence[Member], looks: Sequence[DistinctLook]) -> dict[str, str]:
    """id -> representative id of its alias group."""
    groups: dict[tuple[str, str], list[Member]] = {}
    glyph: dict[str, str] = {}
    for member in members:
        if member.unicode is None:
            glyph[member.id] = member.id
        else:
            groups.setdefault((member.unicode, look_of(member.command, looks)), []).append(member)
    for group in groups.values():
        representative = min(group, key=representative_rank).id
        for member in group:
            glyph[member.id] = representative
    return glyph


def merge_lookalikes(
    members: Sequence[Member],
    glyph: dict[str, str],
    sets: Sequence[LookAlike],
    joined: Sequence[tuple[str, str]] = (),
    usage: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """`glyph` (id -> representative id) with the groups of each look-alike set merged, and each `(id, other id)`
    of `joined` put into one group (an alias and its target). Every group's representative is then chosen anew:
    the best member with its set's `prefer` command, else `choose_representative` (rank, then usage)."""
    parent = {representative: representative for representative in set(glyph.values())}

    def root(representative: str) -> str:
        while parent[representative] != representative:
            parent[representative] = parent[parent[representative]]
            representative = parent[representative]
        return representative

    def union(first: str, second: str) -> None:
        parent[root(first)] = root(second)

    by_command: dict[str, list[Member]] = {}
    for member in members:
        by_command.setdefault(member.command, []).append(member)
    preferred: list[Member] = []
    for lookalike in sets:
        found = [glyph[m.id] for command in lookalike.commands for m in by_command.get(command, ())]
        for other in found[1:]:
            union(found[0], other)
        if lookalike.prefer is not None and lookalike.prefer in by_command:
            preferred.append(min(by_command[lookalike.prefer], key=representative_rank))
    for first, second in joined:
        union(glyph[first], glyph[second])

    merged: dict[str, list[Member]] = {}
    for member in members:
        merged.setdefault(root(glyph[member.id]), []).append(member)
    representative_of: dict[str, str] = {}
    for key, group in merged.items():
        wanted = [m for m in preferred if root(glyph[m.id]) == key]
        representative_of[key] = (
            min(wanted, key=representative_rank).id if wanted else choose_representative(group, usage).id
        )
    return {member.id: representative_of[root(glyph[member.id])] for member in members}


# Words a writer types for a symbol that its Unicode name does not hold: (pattern over the lower-case Unicode
# name, the words added). The letterlike Hebrew block calls aleph..daleth "ALEF SYMBOL"; "blackboard bold" is
# what writers call double-struck letters; colon relations are typed as their ASCII spelling.
NAME_WORDS: tuple[tuple[str, str], ...] = (
    (r"(alef|bet|gimel|dalet) symbol", "hebrew letter"),
    (r".*double-struck.*", "blackboard bold"),
    (r"colon equals", ":="),
    (r"equals colon", "=:"),
    (r"proportion", "::"),
    (r"double colon equal", "::="),
)


def search_names(command: str, char: str | None, typst_names: Sequence[str] = ()) -> list[str]:
    """Words a writer may search for: the command without its backslash, the Unicode name, words writers use for
    that name (`NAME_WORDS`), Typst names."""
    names = [command[1:] if command.startswith("\\") and len(command) > 1 else command]
    if char is not None:
        unicode_name = unicodedata.name(char, "")
        if unicode_name:
            names.append(unicode_name.lower())
            names += [words for pattern, words in NAME_WORDS if re.fullmatch(pattern, unicode_name.lower())]
    names.extend(typst_names)
    return list(dict.fromkeys(name for name in names if name))
