"""Alias groups (symbols that look the same) and search names.

Symbols share a `glyph` group when they share a Unicode character, unless `overrides.json` "distinct_looks"
says a command draws differently from the others with its character (`\\varnothing` vs `\\emptyset`, both
U+2205 in the tables): such a command forms a group of its own look. Symbols without a character stand alone.
The representative is the first member by `representative_rank` (documented in training/catalogue/README.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

PACKAGE_RANK = {None: 0, "amsmath": 1, "amssymb": 1, "unicode-math": 3}
SOURCE_RANK = {"detexify": 0, "crohme": 1, "alphanumeric": 1, "typst": 2}


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


def distinct_looks(overrides: dict) -> list[DistinctLook]:
    return [DistinctLook(d["pattern"], d["look"], d["why"]) for d in overrides.get("distinct_looks", [])]


def representative_rank(member: Member) -> tuple:
    """Sort key: no package, then amssymb/amsmath, then others; math mode first; OT1 before T1; Detexify
    before extras; shorter command; then command and id so the choice is total and stable."""
    return (
        PACKAGE_RANK.get(member.package, 2),
        0 if member.math else 1,
        1 if member.fontenc == "T1" else 0,
        SOURCE_RANK.get(member.source, 3),
        len(member.command),
        member.command,
        member.id,
    )


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


def search_names(command: str, char: str | None, typst_names: Sequence[str] = ()) -> list[str]:
    """Words a writer may search for: the command without its backslash, the Unicode name, Typst names."""
    names = [command[1:] if command.startswith("\\") and len(command) > 1 else command]
    if char is not None:
        unicode_name = unicodedata.name(char, "")
        if unicode_name:
            names.append(unicode_name.lower())
    names.extend(typst_names)
    return list(dict.fromkeys(name for name in names if name))
